"""The bilingual intent examples (bot/text/guided_intents.toml) and their vectors: shipped with the
package for the bundled model (bot/text/guided_intents.npz), embedded at first use for any other.

    .venv/bin/python -m bot.guided.intent_examples --write   # rebuild bot/text/guided_intents.npz
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from ..words import load

log = logging.getLogger(__name__)

Embed = Callable[[str], Sequence[float]]
VECTORS_FILE = "guided_intents.npz"


def examples() -> list[tuple[str, str]]:
    """(label, text) of every example: intents, early/past, and the answers' topics."""
    intents = load("guided_intents")
    rows = [(label, text) for label, texts in intents["intents"].items() for text in texts]
    rows += [(f"where:{label}", text) for label, texts in intents["where"].items() for text in texts]
    rows += [(f"topic:{name}", text) for name, topic in load("guided_answers").items() for text in topic["examples"]]
    return rows


def examples_digest(rows: list[tuple[str, str]] | None = None) -> str:
    rows = examples() if rows is None else rows
    return hashlib.sha256("\n".join(f"{label}\t{text}" for label, text in rows).encode("utf-8")).hexdigest()[:16]


class ExampleIndex:
    """Unit vectors of the examples; `nearest(v)` is each label's best cosine with `v`."""

    def __init__(self, labels: list[str], vectors: Any) -> None:
        import numpy as np

        self.labels = labels
        matrix = np.asarray(vectors, dtype=np.float32)
        self.matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
        self.groups: dict[str, Any] = {}
        for i, label in enumerate(labels):
            self.groups.setdefault(label, []).append(i)
        self.groups = {k: np.asarray(v) for k, v in self.groups.items()}

    def nearest(self, vector: Sequence[float]) -> dict[str, float]:
        import numpy as np

        v = np.asarray(vector, dtype=np.float32)
        v = v / max(float(np.linalg.norm(v)), 1e-9)
        sims = self.matrix @ v
        return {label: float(sims[idx].max()) for label, idx in self.groups.items()}


_indexes: dict[Any, ExampleIndex] = {}
_index_lock = threading.Lock()


def _embed_key(embed: Embed) -> Any:
    owner = getattr(embed, "__self__", None)
    return (id(owner), getattr(embed, "__func__", None)) if owner is not None else embed


def _model_id(embed: Embed) -> str | None:
    """The embedding model's id, from the function or the object it is a method of (E5Embeddings.model_id)."""
    return getattr(embed, "model_id", None) or getattr(getattr(embed, "__self__", None), "model_id", None)


def _shipped(model_id: str | None, rows: list[tuple[str, str]]) -> Any | None:
    """The shipped vectors, when they were made by this model from these very examples."""
    if model_id is None:
        return None
    try:
        import numpy as np

        with resources.files("bot").joinpath("text", VECTORS_FILE).open("rb") as f:
            data = np.load(f)
            if str(data["digest"]) != examples_digest(rows) or str(data["model"]) != model_id:
                log.warning("%s is stale; embedding the examples at run time", VECTORS_FILE)
                return None
            return data["vectors"].astype("float32")
    except (OSError, KeyError, ValueError):
        return None


def index_for(embed: Embed) -> ExampleIndex:
    """The examples' index for this embedding function, computed once per process."""
    key = _embed_key(embed)
    with _index_lock:
        if key not in _indexes:
            rows = examples()
            vectors = _shipped(_model_id(embed), rows)
            if vectors is None:
                vectors = [list(embed(text)) for _, text in rows]
            _indexes[key] = ExampleIndex([label for label, _ in rows], vectors)
        return _indexes[key]


def _write() -> None:
    """Embed the examples with the bundled model and write them next to the words."""
    import numpy as np

    from knowledge.embeddings import E5Embeddings

    rows = examples()
    model = E5Embeddings()
    vectors = np.asarray([model.embed_query(text) for _, text in rows], dtype=np.float16)
    path = resources.files("bot").joinpath("text", VECTORS_FILE)
    with open(str(path), "wb") as f:
        np.savez_compressed(f, vectors=vectors, digest=np.asarray(examples_digest(rows)), model=np.asarray(model.model_id))
    print(f"wrote {len(rows)} example vectors to {path}")


if __name__ == "__main__":
    import sys

    if "--write" in sys.argv:
        _write()
