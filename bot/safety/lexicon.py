"""The lexicon signal: plain danger words matched exactly (bot/text/safety.toml), figures of speech removed first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..words import load

LANGUAGES = ("en", "ko")


@dataclass(frozen=True)
class LexiconHit:
    """What the lexicon found: the strongest tier matched and the words that matched it."""

    level: str  # "none", "concern" or "crisis"
    words: str = ""
    distress: bool = False
    figure: bool = False  # a known figure of speech ("cut myself some slack", "배고파 죽겠다") was removed


def normalise(text: str) -> str:
    """Runs of spaces folded, typographic apostrophes read as plain ones (phones type "don’t")."""
    return re.sub(r"\s+", " ", text).replace("\u2019", "'").replace("\u02bc", "'")


@lru_cache(maxsize=1)
def _compiled() -> dict[str, list[re.Pattern]]:
    table = load("safety")
    return {
        tier: [re.compile(p, re.IGNORECASE) for lang in LANGUAGES for p in table[tier][lang]]
        for tier in ("crisis", "concern", "figures", "distress")
    }


def match(text: str) -> LexiconHit:
    """The lexicon's reading of already-normalised text (linear in its length)."""
    compiled = _compiled()
    distress = any(p.search(text) for p in compiled["distress"])
    literal = text
    for figure in compiled["figures"]:
        literal = figure.sub(" ", literal)
    figured = literal != text
    for tier in ("crisis", "concern"):
        for pattern in compiled[tier]:
            found = pattern.search(literal)
            # Matching the message as written too lets a pattern look past a figure ("…, on vacation").
            if found and (not figured or pattern.search(text)):
                return LexiconHit(tier, found.group(0), distress, figured)
    return LexiconHit("none", "", distress, figured)
