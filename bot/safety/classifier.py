"""The meaning signal: a multinomial logistic regression over what bot/safety/features.py reads
of a message: its multilingual-e5 query vector (centred, unit length), the lexicon's cue
families, hashed character n-grams, and votes of the nearest labelled phrasings.

Two heads over the same features, fitted by bot/safety/fit.py on the labelled phrasings in
bot/safety/data/: the danger head (none, concern, crisis; distress phrasings count as ordinary
speech there, so the head does not spend itself telling tiredness from calm) and the distress
head (distress or not, among ordinary speech). Shipped as bot/safety/data/classifier.npz: a
centring per language, the exemplar vectors (float16), both heads' weights, and per-language
decision thresholds chosen on out-of-fold scores. e5 cosines sit close together (~0.79 for
unrelated text), so no raw-cosine threshold is used: the model learns which directions of the
space carry danger.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .features import cue_features, exemplar_votes, gram_slots, language_of, unit_centred

CLASSES = ("none", "distress", "concern", "crisis")
WEIGHTS_FILE = "classifier.npz"

__all__ = ["CLASSES", "WEIGHTS_FILE", "Scores", "SafetyClassifier", "classifier", "cue_features", "design", "embed"]


@dataclass(frozen=True)
class Scores:
    """Probabilities for one message: none, concern and crisis from the danger head (they sum to
    1), distress from the distress head (read when the message is not a danger)."""

    none: float
    distress: float
    concern: float
    crisis: float

    @property
    def danger(self) -> float:
        return self.concern + self.crisis


@dataclass(frozen=True)
class Design:
    """How the features are weighted against each other (fixed at fit time)."""

    embedding_weight: float
    cue_weight: float
    gram_weight: float
    vote_weight: float
    gram_slots: int
    vote_k: int


def design(units: Any, cues: Any, grams: Any, votes: Any, d: Design) -> Any:
    """The model's input rows: unit-centred vectors, cue features, n-gram rows and exemplar votes, each weighted."""
    import numpy as np

    return np.hstack([
        np.asarray(units, dtype=np.float64) * d.embedding_weight,
        np.asarray(cues, dtype=np.float64) * d.cue_weight,
        np.asarray(grams, dtype=np.float64) * d.gram_weight,
        np.asarray(votes, dtype=np.float64) * d.vote_weight,
    ])


class SafetyClassifier:
    """The fitted model: `scores(vector, cues, text)` costs one product with the exemplars
    (~2k x 384) and one with the weights: well under a millisecond."""

    def __init__(self, arrays: dict[str, Any]) -> None:
        import numpy as np

        languages = [str(lang) for lang in arrays["languages"]]
        # One centring per language: Korean and English vectors sit in different regions of e5's
        # space, and centring each on its own mean spreads the directions that carry danger.
        self.means = {lang: np.asarray(arrays["mean"][i], dtype=np.float64) for i, lang in enumerate(languages)}
        self.exemplars = np.asarray(arrays["exemplars"], dtype=np.float32)
        self.exemplar_danger = np.asarray(arrays["exemplar_danger"], dtype=bool)
        self.design = Design(*(float(arrays[name]) for name in ("embedding_weight", "cue_weight", "gram_weight", "vote_weight")),
                             int(arrays["gram_slots"]), int(arrays["vote_k"]))
        self.weights = np.asarray(arrays["weights"], dtype=np.float64)
        self.bias = np.asarray(arrays["bias"], dtype=np.float64)
        self.distress_weights = np.asarray(arrays["distress_weights"], dtype=np.float64)
        self.distress_bias = np.asarray(arrays["distress_bias"], dtype=np.float64)
        self.thresholds = {
            lang: (float(arrays["crisis_threshold"][i]), float(arrays["danger_threshold"][i]))
            for i, lang in enumerate(languages)
        }
        self.labelled_hash = str(arrays["labelled_hash"])
        self.dimension = self.means[languages[0]].shape[0]

    @classmethod
    def shipped(cls) -> SafetyClassifier:
        import numpy as np

        with resources.files(__package__).joinpath("data", WEIGHTS_FILE).open("rb") as handle:
            with np.load(handle, allow_pickle=False) as arrays:
                return cls({name: arrays[name] for name in arrays.files})

    def threshold(self, language: str) -> tuple[float, float]:
        """(crisis, danger) bars for a language; English's for any other."""
        return self.thresholds.get(language, self.thresholds["en"])

    def centred(self, vectors: Any, texts: list[str]) -> Any:
        """The vectors centred on the mean of their text's language, unit length."""
        import numpy as np

        vectors = np.asarray(vectors, dtype=np.float64)
        means = np.stack([self.means.get(language_of(text), self.means["en"]) for text in texts])
        return unit_centred(vectors - means, 0.0)

    def probabilities(self, vectors: Any, cues: Any, texts: list[str]) -> Any:
        """Rows of class probabilities (in CLASSES order): none, concern and crisis from the danger
        head, distress from the distress head. The same products as `design(...) @ weights`, with
        the n-gram part summed over the slots a text has (a few dozen of 4096)."""
        import numpy as np

        d = self.design
        units = self.centred(vectors, texts)
        cues = np.asarray(cues, dtype=np.float64)
        # einsum, not "@": a BLAS call right after the embedding waits for its thread pool to wake
        # (p50 6 ms on this machine); its own loop takes 0.4 ms.
        similarities = np.einsum("ij,kj->ik", units.astype(np.float32), self.exemplars)
        votes = exemplar_votes(similarities, self.exemplar_danger, d.vote_k)
        slots = [gram_slots(text, d.gram_slots) for text in texts]
        danger = self._softmax(self._logits(self.weights, self.bias, units, cues, votes, slots))
        distress = self._softmax(self._logits(self.distress_weights, self.distress_bias, units, cues, votes, slots))
        out = danger.copy()
        out[:, 1] = distress[:, 1]
        return out

    def _logits(self, weights: Any, bias: Any, units: Any, cues: Any, votes: Any, slots: list[list[int]]) -> Any:
        d = self.design
        e, c = self.dimension, cues.shape[1]
        w_units, w_cues = weights[:e], weights[e : e + c]
        w_grams, w_votes = weights[e + c : e + c + d.gram_slots], weights[e + c + d.gram_slots :]
        logits = (units @ w_units) * d.embedding_weight + (cues @ w_cues) * d.cue_weight
        logits += (votes @ w_votes) * d.vote_weight + bias
        for row, found in enumerate(slots):
            if found:
                logits[row] += w_grams[found].sum(axis=0) * (d.gram_weight / len(found) ** 0.5)
        return logits

    @staticmethod
    def _softmax(logits: Any) -> Any:
        import numpy as np

        logits = logits - logits.max(axis=-1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=-1, keepdims=True)

    def scores(self, vector: list[float], cues: list[float], text: str) -> Scores:
        p = self.probabilities([vector], [cues], [text])[0]
        return Scores(*(float(v) for v in p))


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
