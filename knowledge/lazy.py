"""Lazy package front doors: a name is imported from its submodule the first time it is used.

    __getattr__ = lazy_attributes(__name__, {"KnowledgeBase": "store"})

Keeps `import knowledge` (and bot, ui) light, so `coach --help` never loads Chroma, LangChain or
Gradio. Used by every package's `__init__`; it knows nothing of what it loads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_attributes(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: `name` comes from `package.<homes[name]>`, then stays."""

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{homes[name]}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
