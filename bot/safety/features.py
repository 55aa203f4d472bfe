"""What the safety classifier reads of a message, besides its e5 vector.

- Character n-grams (2 and 3), hashed into a fixed number of slots: Korean carries meaning in
  syllables and endings ("죽겠다" is a figure, "죽고 싶다" is not) that a small sentence vector
  blurs. Linear in the text, bounded by CUE_CHARS.
- The lexicon's cue families (bot/text/safety.toml [cues]), present or not.
- Exemplar votes: how close the vector sits to the nearest labelled danger phrasings and to the
  nearest ordinary ones (the fitted set's vectors ship with the weights).
- The language, told by the share of Hangul among the letters (thresholds are per language).
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import Any

# Features read from the text itself: the first and last characters only (linear, bounded).
CUE_CHARS = 2000
GRAM_SIZES = (2, 3)
_SPACES = re.compile(r"\s+")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LETTER = re.compile(r"[^\W\d_]")


def bounded(text: str) -> str:
    if len(text) > CUE_CHARS:
        return text[: CUE_CHARS // 2] + " " + text[-CUE_CHARS // 2 :]
    return text


def language_of(text: str) -> str:
    """"ko" when at least a third of the letters are Hangul, else "en"."""
    text = bounded(text)
    letters = len(_LETTER.findall(text))
    return "ko" if letters and len(_HANGUL.findall(text)) * 3 >= letters else "en"


@lru_cache(maxsize=1)
def _cues() -> list[list[re.Pattern]]:
    from ..words import load

    return [[re.compile(p, re.IGNORECASE) for p in patterns] for patterns in load("safety")["cues"].values()]


def cue_features(normalised: str, lexicon_level: str, figure: bool = False) -> list[float]:
    """One 0/1 feature per cue family, one for a `concern` lexicon match, one for a known figure of speech."""
    normalised = bounded(normalised)
    cues = [float(any(p.search(normalised) for p in family)) for family in _cues()]
    return cues + [float(lexicon_level == "concern"), float(figure)]


# Cue families that are words of danger. The others (work, tired, figure, coaching, family) are
# context the classifier weighs, not danger: "그게 무슨 강점이에요" has a coaching word, no danger.
DANGER_FAMILIES = frozenset(
    "death self_harm means ending absence burden arrangements time_set violence control hopeless".split()
)


@lru_cache(maxsize=1)
def _family_names() -> tuple[str, ...]:
    from ..words import load

    return tuple(load("safety")["cues"])


def cued_danger(features: list[float]) -> bool:
    """Whether a message's cue features (cue_features) hold a danger cue word: one of the danger
    cue families, or a `concern` lexicon match."""
    names = _family_names()
    danger = [value for name, value in zip(names, features) if name in DANGER_FAMILIES]
    return any(danger) or bool(features[len(names)])


def gram_slots(text: str, slots: int) -> list[int]:
    """The hashed slots of the text's character 2- and 3-grams (lower case, spaces folded)."""
    padded = " " + _SPACES.sub(" ", bounded(text).lower()).strip() + " "
    found = {
        zlib.crc32(padded[i : i + size].encode("utf-8")) % slots
        for size in GRAM_SIZES
        for i in range(len(padded) - size + 1)
    }
    return sorted(found)


def gram_matrix(texts: list[str], slots: int) -> Any:
    """Rows of unit-length 0/1 n-gram indicators."""
    import numpy as np

    out = np.zeros((len(texts), slots))
    for row, text in enumerate(texts):
        out[row, gram_slots(text, slots)] = 1.0
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


def unit_centred(vectors: Any, mean: Any) -> Any:
    import numpy as np

    centred = np.asarray(vectors, dtype=np.float64) - mean
    return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)


def exemplar_votes(similarities: Any, danger: Any, k: int) -> Any:
    """Per row: mean and best similarity to the k nearest danger exemplars, then to ordinary ones."""
    import numpy as np

    columns = []
    for group in (np.flatnonzero(danger), np.flatnonzero(~np.asarray(danger))):
        nearest = np.partition(similarities[:, group], -k, axis=1)[:, -k:]
        columns += [nearest.mean(axis=1), nearest.max(axis=1)]
    return np.stack(columns, axis=1)
