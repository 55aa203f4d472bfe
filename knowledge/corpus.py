"""The built-in corpus: the essay shipped as a data file with its metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .passages import Passage, split_passages


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
