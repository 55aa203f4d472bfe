"""Loads the coach's words (prompts, notices, safety text) from the TOML files in bot/text/."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from .korean import particles


@lru_cache(maxsize=None)
def load(name: str, package: str = "bot") -> dict[str, Any]:
    """The parsed `<package>/text/<name>.toml` (the web page keeps its words in ui/text/)."""
    return tomllib.loads(resources.files(package).joinpath("text", f"{name}.toml").read_text(encoding="utf-8"))


def fill(template: str, **values: Any) -> str:
    """`template` with its values in place and its Korean particles settled ("“{title}”을(를)" -> "“산책”을")."""
    return particles(template.format(**values))


def message(language: str, key: str, **values: Any) -> str:
    """A user-facing notice in the given language."""
    table = load("messages")
    return fill(table.get(language, table["en"])[key], **values)
