"""The built-in corpus: the essay shipped as a data file with its metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .passages import Passage, split_passages


@dataclass(frozen=True)
class PassageNotes:
    """What the corpus keeps beside a passage: the project's own renderings in other languages (never
    the author's words), a one-line gist, questions the passage answers, and situations: what a person
    might say about their own life when a coach would quote the passage, each by language."""

    position: int
    korean_sha1: str
    rendering: dict[str, str]
    gist: dict[str, str]
    questions: dict[str, list[str]]
    situations: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Work:
    source: str
    file: str
    title: str
    author: str
    translator: str
    language: str
    original_title: str
    subtitle: str = ""
    translator_note: str = ""
    notes: str = ""

    def passage_notes(self) -> dict[str, PassageNotes]:
        """Each passage's notes (renderings, gist, questions it answers), by passage id."""
        if not self.notes:
            return {}
        raw = json.loads(resources.files(__package__).joinpath("corpus", self.notes).read_text(encoding="utf-8"))
        return {pid: PassageNotes(**entry) for pid, entry in raw["passages"].items()}

    def text(self) -> str:
        return resources.files(__package__).joinpath("corpus", self.file).read_text(encoding="utf-8")

    def passages(self) -> list[Passage]:
        return split_passages(self.text(), source=self.source, prefix=self.source, title=self.title)


@lru_cache(maxsize=1)
def works() -> tuple[Work, ...]:
    raw = resources.files(__package__).joinpath("corpus", "corpus.json").read_text(encoding="utf-8")
    return tuple(Work(**entry) for entry in json.loads(raw))


def builtin_passages() -> list[Passage]:
    return [p for work in works() for p in work.passages()]


@lru_cache(maxsize=1)
def notes() -> dict[str, PassageNotes]:
    """Every built-in passage's notes, by passage id."""
    return {pid: note for work in works() for pid, note in work.passage_notes().items()}


def rendering(passage_id: str, lang: str) -> str | None:
    note = notes().get(passage_id)
    return note.rendering.get(lang) if note else None
