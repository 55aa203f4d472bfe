"""The essay in the conversation: a passage that fits what the person said, quoted once per session.

Passages come from `passages_for` (the Coach's turn retrieval). The Korean original is always
shown verbatim; English conversations also get the project's English rendering, labelled as a
rendering (never as Jason Wei's words), when there is one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import lru_cache

from knowledge.passages import Passage

from ..models import ChatMessage
from .lexicon import excerpt

log = logging.getLogger(__name__)

PassagesFor = Callable[..., list[Passage]]
QUOTE_K = 6


@lru_cache(maxsize=1)
def _essay() -> dict[str, Passage]:
    from knowledge.corpus import builtin_passages

    return {p.id: p for p in builtin_passages()}


def essay_passage(passage_id: str) -> Passage | None:
    """A passage of the bundled essay by id (answers cite these)."""
    return _essay().get(passage_id)


def find(
    passages_for: PassagesFor | None,
    message: str,
    history: Sequence[ChatMessage],
    *,
    skip: Sequence[str] = (),
    session_id: str | None = None,
    vector: list[float] | None = None,
) -> Passage | None:
    """The passage that best fits the message (with its context), not quoted in this session yet."""
    if passages_for is None:
        return None
    try:
        found = passages_for(message, list(history), QUOTE_K, session_id=session_id, vector=vector) or []
    except Exception:  # a broken store should not stop the conversation
        log.warning("guided retrieval failed", exc_info=True)
        return None
    return next((p for p in found if p.id not in skip and p.text.strip()), None)


def render(passage: Passage, query: str, language: str, intro: str, rendering_label: str, original_label: str) -> str:
    """The quote block: intro, (English rendering,) the Korean lines as '> ' with the citation."""
    korean = "\n".join(f"> {line.strip()}" for line in excerpt(passage, query).splitlines() if line.strip())
    block = f"{korean} {passage.cite()}"
    if language == "ko":
        return f"{intro}\n{block}"
    try:
        english = passage.rendering("en")
    except Exception:  # the rendering is a bonus; the original is always there
        english = None
    if english:
        return f"{intro}\n_{rendering_label}_ “{english.strip()}”\n_{original_label}_\n{block}"
    return f"{intro} _({original_label.rstrip(':')})_\n{block}"
