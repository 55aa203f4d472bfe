"""Several vectors per built-in passage: its text, plus its notes (renderings, gist, questions it
answers, situations a person describes when a coach would quote it), kept in a Chroma collection of
their own beside the passages and loaded into memory.

A rendering is embedded as a passage (it says what the passage says, in another language); a gist,
a question and a situation are embedded as queries, so that a query is compared with text of its
own kind (e5's query-to-query similarity matches how people phrase a situation better than query-to-passage).
Ids carry a hash of the text, so an edited note is embedded again and an unchanged one never is.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .corpus import PassageNotes
from .passages import Passage

# The views a ranking scores, each a matrix of vectors with the passage each row belongs to.
VIEWS = ("rendering", "gist.en", "gist.ko", "question", "situation")
# The language each one-language view is written in ("text" is the passages' own language, the
# essay's Korean); questions and situations are in both, and a query is scored on its nearest.
VIEW_LANGUAGES = {"rendering": "en", "gist.en": "en", "gist.ko": "ko"}
SHIPPED_PREFIX = "notes-vectors."


@dataclass(frozen=True)
class ViewText:
    id: str
    passage: str
    view: str
    text: str
    as_query: bool


def view_texts(notes: dict[str, PassageNotes]) -> list[ViewText]:
    out: list[ViewText] = []
    for pid, note in notes.items():
        items: list[tuple[str, str, bool]] = [("rendering", t, False) for t in note.rendering.values()]
        items += [(f"gist.{lang}", t, True) for lang, t in note.gist.items()]
        items += [("question", q, True) for qs in note.questions.values() for q in qs]
        items += [("situation", q, True) for qs in note.situations.values() for q in qs]
        for view, text, as_query in items:
            digest = hashlib.sha1(f"{view}\x00{text}".encode("utf-8")).hexdigest()[:12]
            out.append(ViewText(f"{pid}~{digest}", pid, view, text, as_query))
    return out


def embed_queries(embeddings: Any, texts: list[str]) -> list[list[float]]:
    """Query vectors for many texts at once (E5Embeddings batches them; other models one by one)."""
    batch = getattr(embeddings, "embed_queries", None)
    return batch(texts) if callable(batch) else [embeddings.embed_query(t) for t in texts]


def shipped_vectors(model_id: str | None) -> dict[str, list[float]]:
    """The notes' vectors shipped with the corpus for this embedding model (by view id), so a new
    store does not spend ~8 s embedding them; `python -m knowledge.views` writes the file."""
    if not model_id:
        return {}
    path = resources.files(__package__).joinpath("corpus", f"{SHIPPED_PREFIX}{model_id}.npz")
    if not path.is_file():
        return {}
    import numpy as np

    with path.open("rb") as f, np.load(f) as data:
        return {str(i): row.tolist() for i, row in zip(data["ids"], data["vectors"])}


def sync_views(collection: Any, embeddings: Any, notes: dict[str, PassageNotes]) -> bool:
    """Bring the views collection up to date with the notes; True when it changed."""
    wanted = {v.id: v for v in view_texts(notes)}
    have = set(collection.get(include=[])["ids"])
    new = [v for i, v in wanted.items() if i not in have]
    gone = [i for i in have if i not in wanted]
    shipped = shipped_vectors(getattr(embeddings, "model_id", None)) if new else {}
    for as_query in (False, True, None):
        if as_query is None:  # the shipped ones
            batch = [v for v in new if v.id in shipped]
            vectors = [shipped[v.id] for v in batch]
        else:
            batch = [v for v in new if v.as_query == as_query and v.id not in shipped]
            texts = [v.text for v in batch]
            if batch:
                vectors = embed_queries(embeddings, texts) if as_query else embeddings.embed_documents(texts)
        if not batch:
            continue
        texts = [v.text for v in batch]
        collection.upsert(
            ids=[v.id for v in batch],
            embeddings=vectors,
            documents=texts,
            metadatas=[{"passage": v.passage, "view": v.view} for v in batch],
        )
    if gone:
        collection.delete(ids=gone)
    return bool(new or gone)


@dataclass
class ViewIndex:
    """The built-in passages' vectors in memory: their texts' and their notes', and a lexical index."""

    passages: list[Passage]
    text_vectors: Any  # numpy (n, d)
    views: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # view -> (vectors (m, d), row's passage index (m,))
    lexical: Any = None  # BM25Okapi over each passage's text and notes, or None
    tokenize: Callable[[str], list[str]] | None = None
    languages: dict[str, str] = field(default_factory=dict)  # view ("text" too) -> the language it is written in

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.passages]

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        text_vectors: Sequence[Sequence[float]],
        view_rows: Sequence[tuple[str, str, str, Sequence[float]]],
        tokenize: Callable[[str], list[str]],
        text_language: str | None = None,
    ) -> ViewIndex:
        """`view_rows`: (passage id, view, text, vector) for every stored view of these passages;
        `text_language`: the language the passages are written in, when they share one."""
        import numpy as np
        from rank_bm25 import BM25Okapi

        ids = [p.id for p in passages]
        position = {pid: i for i, pid in enumerate(ids)}
        views: dict[str, tuple[Any, Any]] = {}
        words = [list(tokenize(p.text)) for p in passages]
        for view in VIEWS:
            rows = [(position[p], vec) for p, v, _, vec in view_rows if v == view and p in position]
            if rows:
                views[view] = (np.array([r[1] for r in rows], dtype=np.float32), np.array([r[0] for r in rows]))
        for pid, _, text, _ in view_rows:
            if pid in position:
                words[position[pid]].extend(tokenize(text))
        lexical = BM25Okapi(words) if ids and any(words) else None
        vectors = np.array(text_vectors, dtype=np.float32).reshape(len(ids), -1)
        languages = {**VIEW_LANGUAGES, **({"text": text_language} if text_language else {})}
        return cls(list(passages), vectors, views, lexical, tokenize, languages)


def load_index(
    collection: Any,
    views: Any,
    embeddings: Any,
    notes: dict[str, PassageNotes],
    tokenize: Callable[[str], list[str]],
    passage: Callable[[str, str, dict | None], Passage],
) -> tuple[ViewIndex, bool]:
    """The built-in passages of `collection` (metadata kind "builtin") with their notes' vectors from
    `views` (synced first); also whether the views collection changed."""
    changed = sync_views(views, embeddings, notes)
    got = collection.get(where={"kind": "builtin"}, include=["documents", "metadatas", "embeddings"])
    passages = [passage(i, t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]
    order = sorted(range(len(passages)), key=lambda i: (passages[i].source, passages[i].position))
    rows = views.get(include=["documents", "metadatas", "embeddings"])
    view_rows = [
        (m.get("passage", ""), m.get("view", ""), t, v) for t, m, v in zip(rows["documents"], rows["metadatas"], rows["embeddings"])
    ]
    from .corpus import works

    languages = {w.language for w in works() if any(p.source == w.source for p in passages)}
    text_language = languages.pop() if len(languages) == 1 else None
    index = ViewIndex.build(
        [passages[i] for i in order], [got["embeddings"][i] for i in order], view_rows, tokenize, text_language
    )
    return index, changed


def write_shipped_vectors() -> str:
    """Embed every note with the default model and write the shipped file (run after editing notes)."""
    import numpy as np

    from .corpus import notes
    from .embeddings import E5Embeddings

    embeddings = E5Embeddings()
    items = view_texts(notes())
    rows: dict[str, list[float]] = {}
    for as_query in (False, True):
        batch = [v for v in items if v.as_query == as_query]
        texts = [v.text for v in batch]
        vectors = embeddings.embed_queries(texts) if as_query else embeddings.embed_documents(texts)
        rows.update({v.id: vec for v, vec in zip(batch, vectors)})
    path = resources.files(__package__).joinpath("corpus", f"{SHIPPED_PREFIX}{embeddings.model_id}.npz")
    ids = [v.id for v in items]
    np.savez_compressed(str(path), ids=np.array(ids), vectors=np.array([rows[i] for i in ids], dtype=np.float32))
    return str(path)


if __name__ == "__main__":
    print(write_shipped_vectors())


__all__ = ["VIEWS", "VIEW_LANGUAGES", "ViewIndex", "ViewText", "embed_queries", "load_index", "sync_views", "view_texts"]
