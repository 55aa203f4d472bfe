"""Turn retrieval: the passages a coach would quote for one turn of conversation.

A message is read with its context: the previous user message when it leans on it (bot/retrieval.py),
the stage (the claims a coach most often quotes there, bot/text/claims.toml, are a prior), the
claims whose cues the message matches (query expansion toward the claims: "instead of her template",
"I just started", "always a step behind", "line by line" are the shapes of the situations the claims
speak to, whatever the person's field; another prior), and, for a
short answer ("my manager's", "네, 아직 초반이요"), the coach's question it answers, matched lexically
against the passages and their notes. On bench/retrieval.py's longer answers the question did not
help (lexically, or embedded as a second query: +0.04 recall@3 in Korean for a second embedding a
turn), so a long message stands on its own words.
The ranking itself (every view of a passage in the message's language, standardised, plus lexical
scores) is `KnowledgeBase.search_views`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .claims import cued_passages, stage_passages
from .language import detect_language
from .models import ChatMessage
from .retrieval import SHORT_MESSAGE, retrieval_texts

if TYPE_CHECKING:
    from knowledge import KnowledgeBase, Passage

# In standard deviations of the combined score (measured on bench/retrieval.py's tuning turns).
STAGE_PRIOR = 1.0
CUE_PRIOR = 0.75
QUESTION_WEIGHT = 1.0


@dataclass(frozen=True)
class Turn:
    """What one turn gives retrieval to go on."""

    message: str
    texts: tuple[str, ...]  # what is embedded: the message, after the previous one when it leans on it
    question: str = ""  # the coach's last message, which the person is answering
    stage: str | None = None

    @property
    def language(self) -> str | None:
        """The language the message is clearly written in ("ko", "en"), else None (short or mixed)."""
        text = " ".join(self.texts)
        found = {detect_language(text, default="ko"), detect_language(text, default="en")}
        return found.pop() if len(found) == 1 else None

    @classmethod
    def of(cls, message: str, history: Sequence[ChatMessage] = (), stage: str | None = None) -> Turn:
        history = list(history)
        question = next((m.content for m in reversed(history) if m.role == "assistant"), "")
        return cls(message, tuple(retrieval_texts(message, history)), question, stage)


def turn_boosts(turn: Turn, knowledge: KnowledgeBase) -> dict[str, float]:
    """The prior each passage gets from the stage, the claims the message cues and the coach's question."""
    boosts: dict[str, float] = {}
    for pid in stage_passages(turn.stage or ""):
        boosts[pid] = boosts.get(pid, 0.0) + STAGE_PRIOR
    if CUE_PRIOR:
        for pid in cued_passages(turn.message):
            boosts[pid] = boosts.get(pid, 0.0) + CUE_PRIOR
    index = knowledge.views()
    if turn.question and len(turn.message) < SHORT_MESSAGE and QUESTION_WEIGHT and index.lexical is not None and index.tokenize is not None:
        scores = [float(s) for s in index.lexical.get_scores(index.tokenize(turn.question))]
        if scores and max(scores) > 0:
            mean = sum(scores) / len(scores)
            spread = (sum((s - mean) ** 2 for s in scores) / len(scores)) ** 0.5 or 1.0
            for pid, score in zip(index.ids, scores):
                boosts[pid] = boosts.get(pid, 0.0) + QUESTION_WEIGHT * (score - mean) / spread
    return boosts


def rank_turn(knowledge: KnowledgeBase, turn: Turn, vector: Sequence[float], k: int) -> list[Passage]:
    """The `k` passages for the turn, given its query vector."""
    return knowledge.search_views(
        vector, k, text=" ".join(turn.texts), boosts=turn_boosts(turn, knowledge), language=turn.language
    )


__all__ = ["CUE_PRIOR", "QUESTION_WEIGHT", "STAGE_PRIOR", "Turn", "rank_turn", "turn_boosts"]
