"""Short answers to questions people ask the coach (bot/text/guided_answers.toml), each citing its passages."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..words import load


@dataclass
class Answer:
    topic: str
    text: str
    passages: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _topics() -> dict[str, Any]:
    return load("guided_answers")


def topics() -> list[str]:
    return list(_topics())


def answer(topic: str, language: str) -> Answer | None:
    """The answer to `topic` in `language` (Korean or English), or None for a topic not on file."""
    entry = _topics().get(topic)
    if entry is None:
        return None
    return Answer(topic=topic, text=entry.get(language) or entry["en"], passages=list(entry.get("passages", [])))
