"""What the coach searches the essay for on each turn.

A message is searched on its own, unless it leans on the previous turn: a short message, or one
that opens by pointing back ("why?", "what about that?", "그건요?"). Then the previous user message
is searched with it: the two query vectors are added, each weighted by the square root of its
text's length, so after "why?" the previous message's topic leads while the new words still count.
On 13 follow-ups (bench messages and a few more) this picks the same top passage as embedding the
two messages joined in 10 cases, and 3.6 of the same top 4 on average.

The previous message was embedded on the turn before, so each session remembers its last query
vectors: a follow-up embeds only itself. Before, the previous message was embedded again inside
one joined query, and after a long message that cost two windowed embeddings (~110 ms) per
follow-up. Vectors are remembered per session only, so one person's words never answer for
another's and a repeated question in another session is embedded again.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from .models import ChatMessage

_LEANING_START = re.compile(
    r"^\s*(what about|how about|and |but |so |why|how so|that|this|it|those|these|same|more)\b"
    r"|^\s*(그거|그건|그게|그럼|그래서|그러면|이거|이건|저거|왜|어떻게|더)",
    re.IGNORECASE,
)
SHORT_MESSAGE = 40


def retrieval_texts(message_text: str, history: list[ChatMessage]) -> list[str]:
    """The texts to search for: the message, after the previous user message when it leans on it."""
    if len(message_text) >= SHORT_MESSAGE and not _LEANING_START.search(message_text):
        return [message_text]
    previous = next((m.content for m in reversed(history) if m.role == "user"), "")
    return [previous, message_text] if previous.strip() else [message_text]


def query_vector(texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> list[float]:
    """One query from the texts' unit vectors: their sum weighted by the square root of each text's
    length (a longer text says more, as it would inside one joined query), normalised."""
    weights = [max(len(text), 1) ** 0.5 for text in texts]
    total = [sum(w * v for w, v in zip(weights, values)) for values in zip(*vectors)]
    norm = sum(v * v for v in total) ** 0.5 or 1.0
    return [v / norm for v in total]


class SessionQueryVectors:
    """Each session's most recent query vectors (its last `per_session` texts), for at most
    `sessions` sessions. A turn that embedded its message first (`vector`) and then retrieves
    (`vectors`, with the previous message) embeds nothing twice."""

    def __init__(self, embed: Callable[[str], list[float]], sessions: int = 1024, per_session: int = 4) -> None:
        self._embed = embed
        self._sessions = sessions
        self._per_session = per_session
        self._recent: OrderedDict[str, OrderedDict[str, list[float]]] = OrderedDict()
        self._lock = threading.Lock()

    def vector(self, session_id: str, text: str) -> list[float]:
        return self.vectors(session_id, [text])[0]

    def remember(self, session_id: str, text: str, vector: list[float]) -> None:
        """Keep a vector the caller already computed for `text` in this session."""
        self._keep(session_id, {text: vector})

    def vectors(self, session_id: str, texts: list[str]) -> list[list[float]]:
        """Vectors for `texts`, reusing this session's recent ones; they become its most recent."""
        with self._lock:
            known = dict(self._recent.get(session_id, {}))
        # Embedding runs outside the lock: other sessions' turns go on meanwhile.
        found = {text: known[text] if text in known else self._embed(text) for text in dict.fromkeys(texts)}
        self._keep(session_id, found)
        return [found[text] for text in texts]

    def _keep(self, session_id: str, found: dict[str, list[float]]) -> None:
        with self._lock:
            recent = self._recent.setdefault(session_id, OrderedDict())
            for text, vector in found.items():
                recent[text] = vector
                recent.move_to_end(text)
            while len(recent) > self._per_session:
                recent.popitem(last=False)
            self._recent.move_to_end(session_id)
            while len(self._recent) > self._sessions:
                self._recent.popitem(last=False)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._recent.pop(session_id, None)


__all__ = ["SHORT_MESSAGE", "SessionQueryVectors", "query_vector", "retrieval_texts"]
