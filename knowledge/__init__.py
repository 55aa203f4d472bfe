"""The essay as searchable passages: corpus, chunking, offline embeddings and the Chroma store.

Front door: `KnowledgeBase.open(...)`, `kb.search(query, k)`, `kb.sync()`, `kb.ingest(paths)`.
Knows nothing of coaching. Imports stay light until a name is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_attributes

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

__getattr__ = lazy_attributes(__name__, _HOMES)
