"""The knowledge base: passages in a Chroma collection, searched by meaning; kept in sync with
their sources by knowledge/sync.py."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .damage import KnowledgeProblem, damaged, read_manifest
from .private import private_dir, tighten_tree, writable
from .generation import GENERATION_FILE, Generation
from .passages import Passage
from .sync import BUILTIN_KIND, DOCUMENT_KIND, IngestReport, Progress, SourceSync, SyncReport

if TYPE_CHECKING:
    from .views import ViewIndex

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from .settings import KnowledgeSettings

__all__ = [
    "BUILTIN_KIND", "DOCUMENT_KIND", "OVERFETCH", "IngestReport", "KnowledgeBase", "Progress", "SyncReport", "collection_name",
]

OVERFETCH = 8


def collection_name(embeddings: Any) -> str:
    """One collection per embedding model, so vectors of two models never mix."""
    model = getattr(embeddings, "model_id", None) or getattr(embeddings, "model", None) or type(embeddings).__name__
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", f"passages-{model}").strip("-._")
    return slug[:200]


def _client(settings: KnowledgeSettings) -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"COACH_CHROMA_URL must look like http://host:port, not {settings.chroma_url!r}")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    path = settings.chroma_dir
    if path.exists() and not writable(path):
        path = _readable_copy(path)
    else:
        private_dir(path)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _about_the_store(exc: BaseException) -> bool:
    """An error from Chroma or SQLite (its files), not from, say, the embedding model."""
    import sqlite3

    return isinstance(exc, (sqlite3.Error, OSError, UnicodeError)) or type(exc).__module__.startswith(("chromadb", "sqlite3"))


def _readable_copy(chroma_dir: Path) -> Path:
    """A read-only store (a read-only COACH_HOME) is searched through a private copy, removed at exit:
    Chroma writes to its files even to read them."""
    import atexit
    import shutil
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="coach-readonly-store-"))  # 0700
    shutil.copytree(chroma_dir, copy, dirs_exist_ok=True)
    tighten_tree(copy)
    atexit.register(shutil.rmtree, copy, True)
    return copy


class KnowledgeBase(SourceSync):
    """Search the essay (and the user's own documents) by meaning, in Korean or English."""

    def __init__(
        self,
        collection: Any,
        embeddings: Embeddings,
        max_document_bytes: int = 2_000_000,
        *,
        client: Any = None,
        reopen: Callable[[], Any] | None = None,
        generation_file: Path | None = None,
    ) -> None:
        # The chromadb collection itself: going through langchain_chroma would import LangChain's
        # retriever and tracing stack (~0.5-0.8 s), a third of a cold `coach search`.
        self.collection = collection
        self.embeddings = embeddings
        self.max_document_bytes = max_document_bytes
        self._client = client
        self._vectorstore: Any = None
        # An embedded store is not shared between processes: a writer (`coach ingest`) bumps the
        # generation file, and a reader that sees it change reopens its client (see `_fresh`).
        self._reopen = reopen
        self._generation = Generation(generation_file) if generation_file else None
        self._lock = threading.RLock()
        self._views: ViewIndex | None = None
        self._has_documents: bool | None = None
        self.home: Path | None = None  # where the list of ingested documents is kept (embedded store only)
        self.notices: list[str] = []  # what the person should know about the store (e.g. documents lost)

    @property
    def vectorstore(self) -> Any:
        """The same collection as a LangChain vector store (langchain_chroma), e.g. for `.as_retriever()`."""
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self._vectorstore = Chroma(
                client=self._client, collection_name=self.collection.name, embedding_function=self.embeddings
            )
        return self._vectorstore

    @classmethod
    def open(
        cls,
        home: str | Path | None = None,
        embeddings: Embeddings | None = None,
        chroma_url: str | None = None,
        *,
        settings: KnowledgeSettings | None = None,
        sync: bool = True,
    ) -> KnowledgeBase:
        """Open the store (embedded under `home`, or the Chroma server at `chroma_url`) and sync the essay."""
        from .settings import KnowledgeSettings

        settings = (settings or KnowledgeSettings()).model_copy()
        if home is not None:
            settings.home = Path(home)
        if chroma_url is not None:
            settings.chroma_url = chroma_url
        if embeddings is None:
            from .embeddings import E5Embeddings

            embeddings = E5Embeddings(num_threads=settings.embed_threads, copies=settings.embed_copies)
        embedded = not settings.chroma_url
        if embedded:
            try:
                os.fsencode(settings.chroma_dir).decode("utf-8")
            except UnicodeError as exc:
                raise damaged(settings.chroma_dir, exc) from None
        fresh = embedded and not (settings.chroma_dir / "chroma.sqlite3").exists()
        # As langchain_chroma creates it: no chromadb embedding function (vectors come from `embeddings`).
        name = collection_name(embeddings)

        def connect() -> tuple[Any, Any]:
            client = _client(settings)
            return client, client.get_or_create_collection(
                name=name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )

        try:
            client, collection = connect()
            kb = cls(
                collection,
                embeddings,
                max_document_bytes=settings.max_document_bytes,
                client=client,
                reopen=connect if embedded else None,
                generation_file=settings.chroma_dir / GENERATION_FILE if embedded else None,
            )
            if sync:
                kb.sync()
        except (KnowledgeProblem, ValueError):
            raise
        except Exception as exc:  # chromadb's errors about its files: name the file, say what to do
            if not embedded or not _about_the_store(exc):
                raise
            raise damaged(settings.chroma_dir, exc) from None
        if embedded:
            kb.home = settings.home if writable(settings.home) else None
            tighten_tree(settings.chroma_dir)
            lost = read_manifest(settings.home) if fresh else []
            if lost:
                kb.notices.append(
                    f"The knowledge store {settings.chroma_dir / 'chroma.sqlite3'} was missing and was rebuilt from the "
                    f"essay only: your {len(lost)} ingested document(s) are not in it. "
                    "Run `coach doctor --repair` to add them back."
                )
        return kb

    # -- reading -----------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load the embedding model (every copy, when it has a `warm_up`) and the index now, e.g.
        before a server accepts its first request."""
        warm = getattr(self.embeddings, "warm_up", None)
        if callable(warm):
            warm()
        self.search("warm up", 1)
        self.views()

    def search(self, query: str, k: int = 4) -> list[Passage]:
        """The `k` passages closest in meaning to `query`, best first."""
        if not query or not query.strip() or k < 1:
            return []
        return self.search_by_vector(self.embeddings.embed_query(query), k)

    def search_by_vector(self, vector: Sequence[float], k: int = 4) -> list[Passage]:
        """The `k` passages closest to a query already embedded with `self.embeddings.embed_query`."""
        if k < 1:
            return []
        return self._nearest(vector, k)

    def _nearest(self, vector: Sequence[float], k: int, where: dict | None = None) -> list[Passage]:
        # A few more than k: an index entry whose passage was just removed comes back without its
        # text and is dropped, and k passages still come back.
        self._fresh()
        with self._lock:
            hits = self.collection.query(
                query_embeddings=[list(vector)],
                n_results=k + OVERFETCH,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        return [
            self._passage(pid, text, metadata, 1.0 - distance)
            for pid, text, metadata, distance in zip(
                hits["ids"][0], hits["documents"][0], hits["metadatas"][0], hits["distances"][0]
            )
            if text is not None
        ][:k]

    def search_views(
        self,
        vector: Sequence[float],
        k: int = 4,
        *,
        text: str = "",
        boosts: dict[str, float] | None = None,
        weights: dict[str, float] | None = None,
        language: str | None = None,
    ) -> list[Passage]:
        """The `k` best passages for a query vector, each built-in passage scored on all its views
        (its text, renderings, gist, questions it answers, situations) and `text` matched lexically,
        the user's documents on their text (see knowledge/ranking.py). `boosts` adds a prior per
        passage id; `language` is the query's, when it is clearly one ("ko", "en")."""
        from .ranking import rank

        if k < 1:
            return []
        index = self.views()
        documents = self._nearest(vector, k, where={"kind": DOCUMENT_KIND}) if self._documents_present() else []
        return rank(index, vector, k, text=text, documents=documents, boosts=boosts, weights=weights, language=language)

    def views(self) -> ViewIndex:
        """The built-in passages with all their vectors, in memory (the notes' vectors are embedded
        into their own collection on first use, then only when a note changes)."""
        self._fresh()
        index = self._views
        if index is not None:
            return index
        with self._lock:
            if self._views is None:
                self._views = self._load_views()
            return self._views

    def _load_views(self) -> ViewIndex:
        from .corpus import notes
        from .ranking import tokenize
        from .views import load_index

        views = self._client.get_or_create_collection(
            name=f"{self.collection.name}-views"[:200], embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        index, changed = load_index(self.collection, views, self.embeddings, notes(), tokenize, self._passage)
        if changed:
            self._bumped()
        return index

    def _documents_present(self) -> bool:
        if self._has_documents is None:
            with self._lock:
                self._has_documents = bool(self.collection.get(where={"kind": DOCUMENT_KIND}, limit=1, include=[])["ids"])
        return self._has_documents

    # -- other processes' writes -------------------------------------------------------------

    def _fresh(self) -> None:
        """Reopen the embedded store when another process wrote to it since we last looked.
        Chroma's embedded client keeps its index in memory and never rereads it; closing every
        client of the path (Chroma's public `close()`) and opening a new one reads the store again."""
        if self._generation is None or not self._generation.changed():
            return
        with self._lock:
            if not self._generation.changed():
                return
            self._generation.seen()
            if self._reopen is not None and self._client is not None:
                self._client.close()
                self._client, self.collection = self._reopen()
                self._vectorstore = None
            self._views = None
            self._has_documents = None

    def _bumped(self) -> None:
        """After a write: other processes will see the store changed; this one already knows."""
        self._has_documents = None
        if self._generation is not None:
            self._generation.bump()

    def get(self, ids: Iterable[str]) -> list[Passage]:
        ids = list(ids)
        if not ids:
            return []
        self._fresh()
        with self._lock:
            got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        by_id = {i: self._passage(i, t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])}
        return [by_id[i] for i in ids if i in by_id]

    def count(self) -> int:
        self._fresh()
        with self._lock:
            return self.collection.count()

    @staticmethod
    def _passage(pid: str | None, text: str, metadata: dict | None, score: float | None = None) -> Passage:
        metadata = metadata or {}
        return Passage(
            id=pid or "",
            text=text,
            source=metadata.get("source", ""),
            position=int(metadata.get("position", 0)),
            title=metadata.get("title"),
            score=score,
        )
