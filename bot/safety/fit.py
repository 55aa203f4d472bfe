"""Refit the safety classifier on the labelled phrasings and write bot/safety/data/classifier.npz.

    .venv/bin/python -m bot.safety.fit          # ~4 minutes: embeds ~4,400 phrasings (the fit part), fits, picks thresholds

The labelled set (every bot/safety/data/*.{en,ko}.toml, see `labelled`) is split deterministically: a phrasing
is held out when a hash of it falls in one fifth of the range (`held_out`), so adding phrasings
never moves the others. The model is fitted on the rest only; bench/safety.py measures on the
held-out part. Thresholds are chosen on 5-fold out-of-fold scores of the fit part, with the
lexicon in the loop as at run time. The labelled set's hash is stored beside the weights
(tests/bot/test_safety.py checks that the shipped file was fitted on the set in the repo).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np

from . import lexicon
from .classifier import CLASSES, WEIGHTS_FILE, Design, design
from .features import cue_features, cued_danger, exemplar_votes, gram_matrix, unit_centred

LANGUAGES = ("en", "ko")
L2 = 0.03
EPOCHS = 300
LEARNING_RATE = 0.5
# How the features weigh against each other (chosen on out-of-fold scores of the fit part): the
# centred e5 vector at length 10, each cue at 3 (cues lowered false check-ins at the same recall),
# the n-gram row at length 8 (ko false check-ins 35 % -> 19 % at 0.95 recall), the exemplar votes
# at 5 (a few points more in both languages).
DESIGN = Design(embedding_weight=10.0, cue_weight=3.0, gram_weight=8.0, vote_weight=5.0, gram_slots=4096, vote_k=5)
# Picking a language's danger bar on out-of-fold scores: the highest bar that still recalls this
# share of its danger phrasings (the target is 0.95 on held-out phrasings). With one centring
# per language, English's held-out recall fell 2 points below its out-of-fold recall at 0.96 (0.942),
# so English gets more margin; Korean's held-out recall sat 1 point above its out-of-fold one in the
# last five fits (0.969-0.971 against 0.958-0.962), and its bar moves with phrasings added in either
# language (a floor of 0.96 took it from 0.48 to 0.45 when 26 English lines were added).
RECALL_FLOOR = {"en": 0.97, "ko": 0.955}
# ... and ordinary speech sent to the crisis tier by the classifier alone, at most.
CRISIS_FALSE_RATE = 0.01

def data_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("data")))


def labelled() -> dict[str, dict[str, list[str]]]:
    """{language: {tier: [phrasings]}} from the data files: labelled.{lang}.toml first (the
    hand-written tiers), then every other *.{lang}.toml there in name order (ordinary coaching
    talk, everyday speech that looks like danger, indirect danger), then the product's sample
    conversations as ordinary speech; a phrasing kept once."""
    out = {}
    for lang in LANGUAGES:
        first = data_dir() / f"labelled.{lang}.toml"
        others = sorted(p for p in data_dir().glob(f"*.{lang}.toml") if p != first)
        out[lang] = {tier: [] for tier in CLASSES}
        seen: set[str] = set()
        for path in [first, *others]:
            with path.open("rb") as handle:
                table = tomllib.load(handle)
            for tier in CLASSES:
                for text in table.get(tier, []):
                    if text not in seen:
                        seen.add(text)
                        out[lang][tier].append(text)
        # The product's own sample conversations (bot/text/sample_conversations.toml: what the page
        # and README offer people to try) are ordinary speech too.
        for texts in _samples().get(lang, {}).values():
            for text in texts:
                if isinstance(text, str) and text not in seen:
                    seen.add(text)
                    out[lang]["none"].append(text)
    return out


def _samples() -> dict:
    from ..words import load

    return load("sample_conversations")


def labelled_hash(data: dict[str, dict[str, list[str]]] | None = None) -> str:
    canonical = json.dumps(data if data is not None else labelled(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def held_out(language: str, text: str) -> bool:
    digest = hashlib.sha1(f"{language}\0{text}".encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 5 == 0


def rows(part: str, data: dict | None = None) -> list[tuple[str, str, str]]:
    """(language, tier, text) of the "fit" or "held_out" part."""
    data = data if data is not None else labelled()
    return [
        (lang, tier, text)
        for lang in LANGUAGES
        for tier in CLASSES
        for text in data[lang][tier]
        if held_out(lang, text) == (part == "held_out")
    ]


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression, classes weighted to balance, full-batch gradient descent."""
    n, d = x.shape
    k = len(CLASSES)
    counts = np.bincount(y, minlength=k).astype(float)
    sample_weight = (n / (k * np.maximum(counts, 1)))[y]
    onehot = np.eye(k)[y]
    w, b = np.zeros((d, k)), np.zeros(k)
    for _ in range(EPOCHS):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sample_weight[:, None] / n
        w -= LEARNING_RATE * (x.T @ g + l2 * w)
        b -= LEARNING_RATE * g.sum(axis=0)
    return w, b


def _probabilities(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    logits = x @ w + b
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def levels(p: np.ndarray, lexicon_levels: list[str], crisis_t: float, danger_t: float, figures=None, cued=None) -> list[str]:
    """The tier assess() gives, from class probabilities and the lexicon (same rule as at run time,
    but for UNCUED_BAR: the bars are fitted without it, for recall, and it is applied on top, so
    that only the classifier's surest uncued guesses check in; bench/safety.py measures the two together);
    `cued[i]`: phrasing i has a danger cue word (without one, the classifier's crisis is a concern)."""
    from . import FIGURE_BAR

    out = []
    for i, (probs, lex) in enumerate(zip(p, lexicon_levels)):
        danger = probs[2] + probs[3]
        figure = figures is not None and figures[i] and lex == "none"
        c_bar, d_bar = (max(crisis_t, FIGURE_BAR), max(danger_t, FIGURE_BAR)) if figure else (crisis_t, danger_t)
        if lex == "crisis" or (probs[3] >= c_bar and (cued is None or cued[i])):
            out.append("crisis")
        elif danger >= d_bar or lex == "concern":
            out.append("concern")
        else:
            out.append("none")
    return out


def choose_thresholds(p: np.ndarray, y: np.ndarray, lex: list[str], figures: list[bool], floor: float, cued=None) -> tuple[float, float]:
    """(crisis, danger) bars for one language's out-of-fold scores."""
    ordinary = y <= 1
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)

    def false_crisis(t: float) -> float:
        got = levels(p, lex, t, 2.0, figures, cued)
        return float(np.mean([g == "crisis" for g, o, lx in zip(got, ordinary, lex) if o and lx != "crisis"]))

    crisis_t = next((t for t in grid if false_crisis(t) <= CRISIS_FALSE_RATE), grid[-1])
    danger_t = grid[0]
    for t in grid:
        got = levels(p, lex, crisis_t, t, figures, cued)
        if np.mean([g != "none" for g, o in zip(got, ordinary) if not o]) >= floor:
            danger_t = t
    return float(crisis_t), float(danger_t)


def embed_all(texts: list[str], cache: Path | None = None) -> np.ndarray:
    """e5 query vectors of the texts (as the turn computes them); `cache` keeps them between runs."""
    from knowledge import E5Embeddings

    known: dict[str, list[float]] = json.loads(cache.read_text()) if cache and cache.exists() else {}
    embedder = E5Embeddings(num_threads=1)
    for text in texts:
        if text not in known:
            known[text] = embedder.embed_query(text)
    if cache:
        cache.write_text(json.dumps(known))
    return np.array([known[text] for text in texts])


def features(units: np.ndarray, cues: np.ndarray, grams: np.ndarray, rows_: np.ndarray, exemplars: np.ndarray,
             danger: np.ndarray, same: bool) -> np.ndarray:
    """Design rows for `rows_` with votes from `exemplars`; `same` when they are the same phrasings
    (each then leaves its own vote out, as a new message would not find itself)."""
    similarities = units[rows_] @ units[exemplars].T
    if same:
        np.fill_diagonal(similarities, -1.0)
    votes = exemplar_votes(similarities, danger[exemplars], DESIGN.vote_k)
    return design(units[rows_], cues[rows_], grams[rows_], votes, DESIGN)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="a JSON file keeping the vectors between runs (development)")
    args = parser.parse_args(argv)
    data = labelled()
    fit_rows = rows("fit", data)
    print(f"labelled set {labelled_hash(data)[:12]}: {len(fit_rows)} phrasings to fit on", file=sys.stderr)
    texts = [text for _, _, text in fit_rows]
    vectors = embed_all(texts, args.cache)
    y = np.array([CLASSES.index(tier) for _, tier, _ in fit_rows])
    language = np.array([lang for lang, _, _ in fit_rows])
    normalised = [lexicon.normalise(text) for text in texts]
    hits = [lexicon.match(text) for text in normalised]
    lex = [hit.level for hit in hits]
    figures = [hit.figure for hit in hits]
    cues = np.array([cue_features(text, hit.level, hit.figure) for text, hit in zip(normalised, hits)])
    cued = [cued_danger(row) for row in cues]
    grams = gram_matrix(normalised, DESIGN.gram_slots)
    # One centring per language (classifier.py): out-of-fold, it cut Korean's false check-ins from
    # 19 % to 11 % at the same recall.
    means = np.stack([vectors[language == lang].mean(axis=0) for lang in LANGUAGES])
    units = unit_centred(vectors - means[[LANGUAGES.index(lang) for lang in language]], 0.0)
    danger = y >= 2
    # The danger head learns danger against all ordinary speech, distress included (telling tired
    # from calm is the distress head's job: Korean false check-ins 11 % -> 10.8 %, and distress
    # recalled 0.91-0.93 instead of 0.80-0.84 on held-out phrasings).
    y_danger = np.where(y == 1, 0, y)
    ordinary = np.flatnonzero(y <= 1)
    everyone = np.arange(len(y))

    # Out-of-fold scores: fold by fold, votes come from the training folds only. The centring
    # uses all fit vectors: it is unsupervised, labels never leak.
    folds = np.array([int(hashlib.sha1(t.encode()).hexdigest(), 16) % 5 for t in texts])
    oof = np.zeros((len(y), len(CLASSES)))
    for fold in range(5):
        train, test = everyone[folds != fold], everyone[folds == fold]
        w, b = fit_logistic(features(units, cues, grams, train, train, danger, True), y_danger[train])
        oof[test] = _probabilities(features(units, cues, grams, test, train, danger, False), w, b)

    crisis_ts, danger_ts = [], []
    for lang in LANGUAGES:
        m = language == lang
        lex_m, figures_m, cued_m = ([values[i] for i in everyone[m]] for values in (lex, figures, cued))
        crisis_t, danger_t = choose_thresholds(oof[m], y[m], lex_m, figures_m, RECALL_FLOOR[lang], cued_m)
        got = levels(oof[m], lex_m, crisis_t, danger_t, figures_m, cued_m)
        recall = np.mean([g != "none" for g, d in zip(got, danger[m]) if d])
        false = np.mean([g != "none" for g, d in zip(got, danger[m]) if not d])
        print(f"{lang} out-of-fold: danger recall {recall:.3f}, ordinary flagged {false:.3f}; "
              f"thresholds crisis {crisis_t:.2f}, danger {danger_t:.2f}", file=sys.stderr)
        crisis_ts.append(crisis_t)
        danger_ts.append(danger_t)

    rows_all = features(units, cues, grams, everyone, everyone, danger, True)
    weights, bias = fit_logistic(rows_all, y_danger)
    distress_weights, distress_bias = fit_logistic(rows_all[ordinary], y[ordinary])
    path = data_dir() / WEIGHTS_FILE
    np.savez_compressed(
        path,
        mean=means.astype(np.float32),
        exemplars=units.astype(np.float16), exemplar_danger=danger,
        embedding_weight=np.float32(DESIGN.embedding_weight), cue_weight=np.float32(DESIGN.cue_weight),
        gram_weight=np.float32(DESIGN.gram_weight), vote_weight=np.float32(DESIGN.vote_weight),
        gram_slots=np.int32(DESIGN.gram_slots), vote_k=np.int32(DESIGN.vote_k),
        weights=weights.astype(np.float32), bias=bias.astype(np.float32),
        distress_weights=distress_weights.astype(np.float32), distress_bias=distress_bias.astype(np.float32),
        languages=np.array(LANGUAGES),
        crisis_threshold=np.array(crisis_ts, dtype=np.float32), danger_threshold=np.array(danger_ts, dtype=np.float32),
        labelled_hash=np.str_(labelled_hash(data)),
        classes=np.array(CLASSES),
    )
    print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
