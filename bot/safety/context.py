"""A short reply to the coach's question means what the question makes it mean.

"I don't know yet", "없는 것 같아요" or "nobody" answering "What do people come to you for?" is an
ordinary answer; read alone, the classifier takes such words for the start of something darker
(they sit near "I don't know how much longer I can…" in the embedding space). When the coach has
just asked a question and the reply has one of these plain forms (bot/text/safety.toml [replies]),
the classifier alone does not make it a concern. A danger word (the lexicon) still does, and so
does any longer or different reply.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from . import Assessment, lexicon


@lru_cache(maxsize=1)
def _replies() -> list[re.Pattern]:
    from ..words import load

    table = load("safety")["replies"]
    return [re.compile(p, re.IGNORECASE) for lang in lexicon.LANGUAGES for p in table[lang]]


def is_plain_reply(text: str) -> bool:
    """True for a short "don't know / nothing / nobody" reply and nothing else."""
    text = lexicon.normalise(text).strip()
    return len(text) <= 40 and any(p.fullmatch(text) for p in _replies())


def in_reply(assessment: Assessment, text: str, *, asked: bool) -> Assessment:
    """The assessment of `text` as the answer to a question the coach just asked (`asked`)."""
    if asked and assessment.level == "concern" and assessment.source == "classifier" and is_plain_reply(text):
        return dataclasses.replace(assessment, level="none", source="none")
    return assessment
