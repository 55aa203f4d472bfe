"""COACHING.md's five claims as data (bot/text/claims.toml), each with the essay passages that back it."""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel

from .words import load

if TYPE_CHECKING:
    from knowledge import KnowledgeBase, Passage


class Claim(BaseModel):
    number: int
    en: str
    ko: str
    passages: list[str]
    stages: list[str] = []
    cues: list[str] = []  # how people describe the situation the claim speaks to (regexes, both languages)

    def statement(self, language: str) -> str:
        return self.ko if language == "ko" else self.en

    @cached_property
    def _cue_pattern(self) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{c})" for c in self.cues), re.IGNORECASE) if self.cues else None

    def cued_by(self, text: str) -> bool:
        """Whether `text` describes the situation this claim speaks to, by its cues."""
        return self._cue_pattern is not None and self._cue_pattern.search(text) is not None


@lru_cache(maxsize=1)
def claims() -> tuple[Claim, ...]:
    return tuple(Claim(**c) for c in load("claims")["claims"])


def claim(number: int) -> Claim:
    """Claim `number` (1-5); a KeyError names the ones there are."""
    for c in claims():
        if c.number == number:
            return c
    raise KeyError(f"No claim {number}: the claims are {[c.number for c in claims()]}.")


def passages_for_claim(number: int, knowledge: KnowledgeBase) -> list[Passage]:
    """The passages that back claim `number`, best first (those the knowledge base holds)."""
    return knowledge.get(claim(number).passages)


def stage_passages(stage: str) -> list[str]:
    """Ids of the passages behind the claims a coach most often quotes at this stage."""
    ids = [pid for c in claims() if stage in c.stages for pid in c.passages]
    return list(dict.fromkeys(ids))


def cued_passages(text: str) -> list[str]:
    """Ids of the passages behind the claims whose cues `text` matches (a claim's passages once)."""
    ids = [pid for c in claims() if c.cued_by(text) for pid in c.passages]
    return list(dict.fromkeys(ids))


__all__ = ["Claim", "claim", "claims", "cued_passages", "passages_for_claim", "stage_passages"]
