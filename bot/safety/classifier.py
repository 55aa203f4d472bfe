"""The meaning signal: a multinomial logistic regression over multilingual-e5 query vectors,
with the lexicon's cue families (bot/text/safety.toml [cues], present or not) beside them.

Four classes (none, distress, concern, crisis), fitted by bot/safety/fit.py on the labelled
phrasings in bot/safety/data/ and shipped as bot/safety/data/classifier.npz: the feature
centring and scaling, the weights, and the decision thresholds chosen on out-of-fold scores.
e5 cosines sit close together (~0.79 for unrelated text), so no raw-cosine threshold is used:
the model learns which directions of the space carry danger.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

CLASSES = ("none", "distress", "concern", "crisis")
WEIGHTS_FILE = "classifier.npz"
# Features read from the text itself: the first and last characters only (linear, bounded).
CUE_CHARS = 2000


@lru_cache(maxsize=1)
def _cues() -> list[list[re.Pattern]]:
    from ..words import load

    return [[re.compile(p, re.IGNORECASE) for p in patterns] for patterns in load("safety")["cues"].values()]


def cue_features(normalised: str, lexicon_level: str, figure: bool = False) -> list[float]:
    """One 0/1 feature per cue family, one for a `concern` lexicon match, one for a known figure of speech."""
    if len(normalised) > CUE_CHARS:
        normalised = normalised[: CUE_CHARS // 2] + " " + normalised[-CUE_CHARS // 2 :]
    cues = [float(any(p.search(normalised) for p in family)) for family in _cues()]
    return cues + [float(lexicon_level == "concern"), float(figure)]


@dataclass(frozen=True)
class Scores:
    """Class probabilities for one message."""

    none: float
    distress: float
    concern: float
    crisis: float

    @property
    def danger(self) -> float:
        return self.concern + self.crisis


class SafetyClassifier:
    """The fitted model: `scores(vector)` costs one 384x4 product (microseconds)."""

    def __init__(self, arrays: dict[str, Any]) -> None:
        import numpy as np

        self.mean = np.asarray(arrays["mean"], dtype=np.float64)
        self.embedding_weight = float(arrays["embedding_weight"])
        self.cue_weight = float(arrays["cue_weight"])
        self.weights = np.asarray(arrays["weights"], dtype=np.float64)
        self.bias = np.asarray(arrays["bias"], dtype=np.float64)
        self.crisis_threshold = float(arrays["crisis_threshold"])
        self.danger_threshold = float(arrays["danger_threshold"])
        self.labelled_hash = str(arrays["labelled_hash"])
        self.dimension = self.mean.shape[0]

    @classmethod
    def shipped(cls) -> SafetyClassifier:
        import numpy as np

        with resources.files(__package__).joinpath("data", WEIGHTS_FILE).open("rb") as handle:
            with np.load(handle, allow_pickle=False) as arrays:
                return cls({name: arrays[name] for name in arrays.files})

    def features(self, vectors: Any, cues: Any) -> Any:
        """The model's input: the centred, unit-length vector and the cue features, each weighted."""
        return design(vectors, cues, self.mean, self.embedding_weight, self.cue_weight)

    def probabilities(self, vectors: Any, cues: Any) -> Any:
        """Rows of class probabilities (in CLASSES order) for rows of vectors and their cue features."""
        import numpy as np

        logits = self.features(vectors, cues) @ self.weights + self.bias
        logits -= logits.max(axis=-1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=-1, keepdims=True)

    def scores(self, vector: list[float], cues: list[float]) -> Scores:
        p = self.probabilities([vector], [cues])[0]
        return Scores(*(float(v) for v in p))


def design(vectors: Any, cues: Any, mean: Any, embedding_weight: float, cue_weight: float) -> Any:
    import numpy as np

    centred = np.asarray(vectors, dtype=np.float64) - mean
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    return np.hstack([centred * embedding_weight, np.asarray(cues, dtype=np.float64) * cue_weight])


@lru_cache(maxsize=1)
def classifier() -> SafetyClassifier:
    return SafetyClassifier.shipped()


_embedder: Any = None
_embedder_lock = threading.Lock()


def embed(text: str) -> list[float]:
    """The text's e5 query vector with the bundled model (loaded once, on first use)."""
    global _embedder
    if _embedder is None:
        with _embedder_lock:
            if _embedder is None:
                from knowledge import E5Embeddings

                _embedder = E5Embeddings(num_threads=1)
    return _embedder.embed_query(text)
