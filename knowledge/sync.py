"""Keeping the store in sync with its sources: the built-in corpus (`sync`) and the user's own
documents (`ingest`), passage by passage, by content-hashed id, with what changed in a report."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import documents
from .corpus import builtin_passages, works
from .damage import read_manifest, write_manifest
from .passages import Passage, split_passages

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

BUILTIN_KIND = "builtin"
DOCUMENT_KIND = "document"
Progress = Callable[[int, int], None]


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def __iadd__(self, other: SyncReport) -> SyncReport:
        self.added += other.added
        self.updated += other.updated
        self.removed += other.removed
        self.unchanged += other.unchanged
        return self

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.removed} removed, {self.unchanged} unchanged"


@dataclass
class IngestReport(SyncReport):
    files: list[str] = field(default_factory=list)
    skipped: list[documents.Skipped] = field(default_factory=list)


class SourceSync:
    """Mixed into KnowledgeBase: needs its `collection`, `embeddings`, `home` and the hooks that
    track other processes' writes (`_fresh`, `_bumped`)."""

    collection: Any
    embeddings: Embeddings
    max_document_bytes: int
    home: Path | None
    _views: Any
    _fresh: Callable[[], None]
    _bumped: Callable[[], None]

    def sync(self) -> SyncReport:
        """Bring the built-in corpus up to date: add new passages, replace edited ones, drop removed ones."""
        report = SyncReport()
        wanted = builtin_passages()
        for work in works():
            report += self._sync_source(work.source, [p for p in wanted if p.source == work.source], BUILTIN_KIND)
        for source in self._sources(BUILTIN_KIND) - {w.source for w in works()}:
            report += self._sync_source(source, [], BUILTIN_KIND)
        if report.changed:
            self._views = None
            self._bumped()
        return report

    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None) -> IngestReport:
        """Add `.md`/`.txt` files or folders; bad files are reported in `skipped` and the rest still go in."""
        paths = list(paths)
        report = IngestReport()
        files, skipped = documents.collect(paths)
        report.skipped.extend(skipped)
        plans: list[tuple[str, list[Passage]]] = []
        for path in files:
            source = str(path.resolve())
            if any(source == planned for planned, _ in plans):
                continue  # a link to a file already in this ingest
            doc = documents.read(path, self.max_document_bytes)
            if isinstance(doc, documents.Skipped):
                report.skipped.append(doc)
                continue
            plans.append((source, split_passages(doc.text, source=source, prefix="doc", title=path.name)))
            report.files.append(source)
        # A file that disappeared from a folder we were asked to ingest leaves the store too.
        folders = [str(Path(p).expanduser().resolve()) for p in paths if Path(p).expanduser().is_dir()]
        present = {source for source, _ in plans}
        for source in self._sources(DOCUMENT_KIND):
            if source not in present and any(source.startswith(f + os.sep) for f in folders) and not Path(source).exists():
                plans.append((source, []))
        self._record(plans)
        total = sum(len(passages) for _, passages in plans)
        done = 0
        for source, passages in plans:
            report += self._sync_source(source, passages, DOCUMENT_KIND)
            done += len(passages)
            if progress:
                progress(done, total)
        if report.changed:
            self._bumped()
        return report

    def _record(self, plans: list[tuple[str, list[Passage]]]) -> None:
        """Keep the list of ingested documents outside Chroma, so a lost store can be rebuilt."""
        if self.home is None:
            return
        sources = set(read_manifest(self.home)) | self._sources(DOCUMENT_KIND)
        for source, passages in plans:
            (sources.add if passages else sources.discard)(source)
        try:
            write_manifest(self.home, sorted(sources))
        except OSError:
            pass  # a read-only home: the store itself still takes the documents or fails by name

    def _sources(self, kind: str) -> set[str]:
        got = self.collection.get(where={"kind": kind}, include=["metadatas"])
        return {m.get("source", "") for m in got["metadatas"]}

    def _sync_source(self, source: str, passages: list[Passage], kind: str) -> SyncReport:
        self._fresh()
        existing = self.collection.get(where={"source": source}, include=["metadatas"])
        old_positions = {pid: int(m.get("position", -1)) for pid, m in zip(existing["ids"], existing["metadatas"])}
        new = [p for p in passages if p.id not in old_positions]
        keep = {p.id for p in passages}
        gone = [pid for pid in old_positions if pid not in keep]
        # Add before deleting: if embedding the new version fails, the old one is still there.
        if new:
            texts = [p.text for p in new]
            self.collection.upsert(
                ids=[p.id for p in new],
                embeddings=self.embeddings.embed_documents(texts),
                documents=texts,
                metadatas=[_metadata(p, kind) for p in new],
            )
        if gone:
            self.collection.delete(ids=gone)
        # Unchanged passages may have moved: keep their positions current.
        moved = [p for p in passages if p.id in old_positions and old_positions[p.id] != p.position]
        if moved:
            self.collection.update(ids=[p.id for p in moved], metadatas=[_metadata(p, kind) for p in moved])
        updated = _replaced(sorted(old_positions, key=old_positions.get), [p.id for p in passages])
        return SyncReport(
            added=len(new) - updated,
            updated=updated,
            removed=len(gone) - updated,
            unchanged=len(passages) - len(new),
        )


def _metadata(passage: Passage, kind: str) -> dict:
    return {"source": passage.source, "position": passage.position, "title": passage.title or "", "kind": kind}


def _replaced(old_ids: list[str], new_ids: list[str]) -> int:
    """How many passages were edited in place: aligned old/new runs that differ, pairwise."""
    from difflib import SequenceMatcher

    opcodes = SequenceMatcher(a=old_ids, b=new_ids, autojunk=False).get_opcodes()
    return sum(min(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag == "replace")
