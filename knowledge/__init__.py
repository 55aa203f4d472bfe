"""The essay as searchable passages: corpus, chunking, offline embeddings and the Chroma store.

Front door: `KnowledgeBase.open(...)`, `kb.search(query, k)`, `kb.sync()`, `kb.ingest(paths)`.
Knows nothing of coaching. Imports stay light until a name is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["E5Embeddings", "IngestReport", "KnowledgeBase", "KnowledgeSettings", "Passage", "SyncReport"]

_HOMES = {
    "E5Embeddings": "embeddings",
    "IngestReport": "store",
    "KnowledgeBase": "store",
    "KnowledgeSettings": "settings",
    "Passage": "passages",
    "SyncReport": "store",
}

if TYPE_CHECKING:
    from .embeddings import E5Embeddings
    from .passages import Passage
    from .settings import KnowledgeSettings
    from .store import IngestReport, KnowledgeBase, SyncReport


def __getattr__(name: str):
    if name in _HOMES:
        from importlib import import_module

        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
