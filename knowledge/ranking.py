"""Multi-view hybrid ranking: a query scored against each passage's text, its notes' vectors and a
lexical index, each score standardised across the candidates before they are added.

Standardising per view (z-scores) is the length normalisation: e5's cosines sit in a narrow band
whose level depends on the passage (a short passage is close to everything), so raw cosines from
different views cannot be added, and a short passage would win every query. A passage without
notes (a user document) counts its text's score for every view, so it competes on equal terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .passages import Passage
from .views import VIEWS, ViewIndex

# How much each view counts. The vectors' views are one model reading a passage several ways, so
# their scores move together; added at full weight, four or six of them drowned the lexical score
# and the caller's priors. Each counts half (bench/retrieval.py, tuning and dev turns: conversation
# MRR +0.02-0.07 in both languages, essay questions' English MRR 0.93 -> 0.98; 0.4-0.6 alike).
_DENSE = 0.5
WEIGHTS: dict[str, float] = {
    "text": _DENSE, "rendering": _DENSE, "gist.en": _DENSE, "gist.ko": _DENSE, "question": _DENSE, "situation": _DENSE,
    "lexical": 1.0,
}
# A view written in another language than the query counts this much. multilingual-e5-small's
# cross-lingual cosines are noisier than its same-language ones and lean on the passage: the essay's
# Korean text of its jargon-heavy claim ("On-Policy", "강화학습의 핵심 개념") sat ~2 standard deviations
# low for every English message about a life, and an English message is scored on the English
# rendering and gist instead (bench/retrieval.py: conversation MRR +0.05-0.07 on the tuning turns).
CROSS_LINGUAL = 0.0

_WORD = re.compile(r"[0-9A-Za-z]+|[가-힣]+")
_HANGUL = re.compile(r"[가-힣]")
_STOP = frozenset(
    "i me my we our you your the a an to of and or but in on at for is are was were be been it its that this "
    "with have has had do does did what how why when should can could would will so just not no if as "
    # what is left of contractions (it's, I'm, don't, I'll, I've, you're, I'd) and casual filler
    "s t m ll ve re d like".split()
)


def tokenize(text: str) -> list[str]:
    """Words for lexical matching: Hangul as character bigrams (Korean attaches particles to words),
    other words cut to five letters (a crude stem: copy/copying, imitate/imitation)."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        if _HANGUL.match(word):
            out.extend([word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)])
        else:
            out.append(word[:5])
    return out


def _standardise(values: list[float]) -> list[float]:
    n = len(values)
    mean = sum(values) / n
    spread = (sum((v - mean) ** 2 for v in values) / n) ** 0.5 or 1.0
    return [(v - mean) / spread for v in values]


def rank(
    index: ViewIndex,
    query: Sequence[float],
    k: int,
    *,
    text: str = "",
    documents: Sequence[Passage] = (),
    boosts: Mapping[str, float] | None = None,
    weights: Mapping[str, float] | None = None,
    language: str | None = None,
) -> list[Passage]:
    """The `k` best of the index's passages and `documents` (passages scored by the store, their
    `score` the cosine to `query`) for `query`; `text` is matched lexically; `boosts` (passage id
    -> standard deviations) is a prior the caller adds; `language` ("ko", "en"), when the query is
    clearly in one, scores views in the other at `CROSS_LINGUAL`."""
    import numpy as np

    if k < 1:
        return []
    weights = {**WEIGHTS, **(weights or {})}
    if language:
        for view, written in index.languages.items():
            if written != language:
                weights[view] = weights.get(view, 0.0) * CROSS_LINGUAL
    q = np.asarray(query, dtype=np.float32)
    ids = index.ids
    n = len(ids)
    features: dict[str, Any] = {}
    if n:
        features["text"] = index.text_vectors @ q
        for view in VIEWS:
            if view in index.views:
                vectors, owner = index.views[view]
                best = np.full(n, -1.0, dtype=np.float32)
                np.maximum.at(best, owner, vectors @ q)
                features[view] = best
        if text and index.lexical is not None and weights.get("lexical"):
            features["lexical"] = np.asarray(index.lexical.get_scores(index.tokenize(text)), dtype=np.float32)
    docs = [d for d in documents if d.id not in set(ids)]
    m = n + len(docs)
    if not m:
        return []
    doc_text = [float(d.score or 0.0) for d in docs]
    total = [0.0] * m
    for name, values in features.items():
        weight = weights.get(name, 0.0)
        if not weight:
            continue
        # A document has only its text: it stands in for every view (lexical included) it lacks.
        column = [float(v) for v in values] + (doc_text if name != "lexical" else [0.0] * len(docs))
        z = _standardise(column)
        if name == "lexical" and docs:
            z_text = _standardise([float(v) for v in features["text"]] + doc_text)
            z = z[:n] + z_text[n:]
        total = [t + weight * v for t, v in zip(total, z)]
    if not features and docs:
        total = _standardise(doc_text)
    for pid, extra in (boosts or {}).items():
        if pid in ids:
            total[ids.index(pid)] += extra
    order = sorted(range(m), key=lambda i: -total[i])[:k]
    out: list[Passage] = []
    for i in order:
        if i < n:
            out.append(index.passages[i].model_copy(update={"score": float(features["text"][i])}))
        else:
            out.append(docs[i - n])
    return out


__all__ = ["CROSS_LINGUAL", "WEIGHTS", "rank", "tokenize"]
