"""Retrieval benchmark: does the coach find the essay passage that answers a question, or that a
coach would quote for a turn of conversation?

Run from the project root:

    .venv/bin/python bench/retrieval.py                      # the bundled queries and conversation turns
    .venv/bin/python bench/retrieval.py --queries held.json  # a held-out set in the same format
    .venv/bin/python bench/retrieval.py --misses             # also list what the product retriever missed
    .venv/bin/python bench/retrieval.py --ablations          # also passages_for without each of its parts

Conversation turns (bench/retrieval_conversations.json, `--conversations FILE`): a JSON list of
{"split": "tune"|"dev"|"held"|"fresh", "lang", "stage", "coach": the coach's previous question,
"message": the person's answer, "answers": [...]}. "tune" is what the ranking was fitted on; "held"
was written with it and not tuned on (but its misses were read in the first round); "fresh" (24 a
language, other people and other lives) was written in the second round before any change and is
never looked at turn by turn, so the gap between "tune" and "fresh" is the overfitting.
"dev" (12 en, 8 ko) was written after the first change of that round, to judge the later ones
without touching "fresh"; it is tuned on like "tune". `--splits tune,dev,held` leaves the fresh part
out while working on the ranking. Each turn is scored for `Coach.passages_for` (the
turn's message, the coach's question as history, the stage) and for plain `kb.search(message)`,
side by side, with how many distinct passages come first across the set and the largest share any
one passage takes. Then warm `passages_for` latency (one query embedding per call, a new session
each call so no vector is reused).

A query file is a JSON list of {"lang": "ko"|"en", "query": "...", "answers": ["..."]}, where each
answer is a short verbatim substring of the passage that answers the query (so labels survive id
changes). A query counts as found at k when any of its answer passages is among the top k.

It builds a fresh knowledge base in a temporary directory (nothing is written elsewhere) and
prints, per language, recall@1, recall@3 and MRR for:
  dense   the product retriever, `KnowledgeBase.search` (multilingual-e5-small through Chroma)
  bm25    rank_bm25 over the same passages (Korean morphemes from kiwipiepy when installed,
          else whitespace words + character bigrams)
  hybrid  dense + bm25 fused by reciprocal rank (k=60)
  hyb-ko  hybrid only when the query contains Hangul, dense alone otherwise (BM25 cannot match
          an English question to a Korean passage)
then the cold sync time and warm search latency (p50/p95, k=4) over the queries.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

HERE = Path(__file__).resolve().parent
DEFAULT_QUERIES = HERE / "retrieval_queries.json"
DEFAULT_CONVERSATIONS = HERE / "retrieval_conversations.json"
RRF_K = 60


@dataclass(frozen=True)
class Query:
    lang: str
    text: str
    answers: tuple[str, ...]


def load_queries(path: Path) -> list[Query]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [Query(q["lang"], q["query"], tuple(q["answers"])) for q in raw]


def relevant_ids(query: Query, passages: Sequence) -> set[str]:
    ids: set[str] = set()
    for answer in query.answers:
        hits = [p.id for p in passages if answer in p.text]
        if not hits:
            raise SystemExit(f"label {answer!r} of query {query.text!r} matches no passage")
        ids.update(hits)
    return ids


# -- lexical baseline ------------------------------------------------------------------------

_HANGUL = re.compile(r"[가-힣]")
_WORD = re.compile(r"[0-9A-Za-z]+|[가-힣]+")
_KEEP_TAGS = ("NN", "NR", "NP", "VV", "VA", "XR", "SL", "SN", "SH", "MAG")


def make_tokenizer() -> tuple[Callable[[str], list[str]], str]:
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        return _bigram_tokens, "whitespace+bigrams"
    kiwi = Kiwi()

    def kiwi_tokens(text: str) -> list[str]:
        return [t.form.lower() for t in kiwi.tokenize(text) if t.tag.startswith(_KEEP_TAGS)]

    return kiwi_tokens, "kiwipiepy morphemes"


def _bigram_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        tokens.append(word)
        if re.match(r"[가-힣]", word) and len(word) > 2:
            tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
    return tokens


class BM25Retriever:
    def __init__(self, passages: Sequence, tokenize: Callable[[str], list[str]]) -> None:
        from rank_bm25 import BM25Okapi

        self.ids = [p.id for p in passages]
        self.tokenize = tokenize
        self.bm25 = BM25Okapi([tokenize(p.text) for p in passages])

    def rank(self, query: str) -> list[str]:
        """Passages sharing at least one term with the query, best first (no match, no rank)."""
        scores = self.bm25.get_scores(self.tokenize(query))
        order = sorted((i for i in range(len(self.ids)) if scores[i] > 0), key=lambda i: (-scores[i], i))
        return [self.ids[i] for i in order]


def rrf(*rankings: list[str]) -> list[str]:
    score: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, 1):
            score[pid] = score.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(score, key=lambda pid: -score[pid])


# -- metrics ---------------------------------------------------------------------------------


def first_hit(ranking: list[str], relevant: set[str]) -> int | None:
    for rank, pid in enumerate(ranking, 1):
        if pid in relevant:
            return rank
    return None


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "R@1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        "R@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
        "MRR": sum(1.0 / r for r in ranks if r is not None) / n,
    }


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="query file (JSON list)")
    parser.add_argument("--misses", action="store_true", help="list the queries the product retriever missed at 3")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the queries for latency")
    parser.add_argument("--conversations", type=Path, default=DEFAULT_CONVERSATIONS, help="conversation turns (JSON list)")
    parser.add_argument("--ablations", action="store_true", help="also score passages_for without each of its parts")
    parser.add_argument("--splits", default="tune,dev,held,fresh", help="conversation splits to score (comma-separated)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(HERE.parent))
    from knowledge import KnowledgeBase
    from knowledge.corpus import builtin_passages

    queries = load_queries(args.queries)
    passages = builtin_passages()
    by_id = {p.id: p for p in passages}

    with tempfile.TemporaryDirectory(prefix="coach-bench-") as home:
        t0 = time.perf_counter()
        kb = KnowledgeBase.open(home=home, sync=False)
        kb.embeddings.warm_up()
        t1 = time.perf_counter()
        report = kb.sync()
        t2 = time.perf_counter()
        assert kb.count() == len(passages), "the store does not hold the essay passages"

        tokenize, tokenizer_name = make_tokenizer()
        bm25 = BM25Retriever(passages, tokenize)
        coach = make_coach(kb, home)
        turn_ids = _session_ids()

        ranks: dict[str, dict[str, list[int | None]]] = {}
        misses: list[tuple[Query, list[str]]] = []
        for q in queries:
            relevant = relevant_ids(q, passages)
            dense = [p.id for p in kb.search(q.text, k=len(passages))]
            lexical = bm25.rank(q.text)
            fused = rrf(dense, lexical)
            gated = fused if _HANGUL.search(q.text) else dense
            turn = [p.id for p in coach.passages_for(q.text, [], len(passages), session_id=next(turn_ids))]
            for name, ranking in (("turn", turn), ("dense", dense), ("bm25", lexical), ("hybrid", fused), ("hyb-ko", gated)):
                ranks.setdefault(name, {}).setdefault(q.lang, []).append(first_hit(ranking, relevant))
                ranks[name].setdefault("all", []).append(first_hit(ranking, relevant))
            hit = first_hit(turn, relevant)
            if hit is None or hit > 3:
                misses.append((q, turn[:3]))

        splits = {s.strip() for s in args.splits.split(",") if s.strip()}
        turns = [t for t in load_turns(args.conversations) if t.split in splits]
        conversation = conversation_report(coach, kb, passages, turns, args.misses)
        ablations = ablation_report(coach, passages, turns) if args.ablations else ""

        kb.search("warm up", k=4)
        load_before = os.getloadavg()
        # Interleaved query by query, so that both see the same load on a shared machine.
        latencies: list[float] = []
        turn_latencies: list[float] = []
        ranking_latencies: list[float] = []
        vectors = {q.text: kb.embeddings.embed_query(q.text) for q in queries}
        for _ in range(max(1, args.rounds)):
            for q in queries:
                start = time.perf_counter()
                kb.search(q.text, k=4)
                latencies.append((time.perf_counter() - start) * 1000)
                session_id = next(turn_ids)
                start = time.perf_counter()
                coach.passages_for(q.text, [], 4, session_id=session_id)
                turn_latencies.append((time.perf_counter() - start) * 1000)
                # The same with the turn's vector already made: everything but the embedding.
                start = time.perf_counter()
                coach.passages_for(q.text, [], 4, session_id=next(turn_ids), vector=vectors[q.text])
                ranking_latencies.append((time.perf_counter() - start) * 1000)

    langs = [lang for lang in ("ko", "en") if any(q.lang == lang for q in queries)]
    langs += sorted({q.lang for q in queries} - set(langs)) + ["all"]
    counts = {lang: sum(1 for q in queries if q.lang == lang) for lang in langs}
    counts["all"] = len(queries)

    print(f"queries: {args.queries} ({', '.join(f'{l} {counts[l]}' for l in langs[:-1])}); passages: {len(passages)}")
    print(f"bm25 tokenizer: {tokenizer_name}; hybrid = reciprocal-rank fusion (k={RRF_K}) of dense and bm25;")
    print("hyb-ko = hybrid for queries containing Hangul, dense alone otherwise")
    print()
    print("turn = Coach.passages_for (the product's turn retrieval; no history or stage for these questions)")
    print("dense = kb.search (plain search)")
    retrievers = ("turn", "dense", "bm25", "hybrid", "hyb-ko")
    header = f"{'lang':<5}{'n':>4}  " + "  ".join(f"{r + ' R@1':>11}{'R@3':>6}{'MRR':>6}" for r in retrievers)
    print(f"{'':9}  " + "  ".join(f"{'(product)' if r == 'dense' else '':<23}" for r in retrievers).rstrip())
    print(header)
    print("-" * len(header))
    for lang in langs:
        cells = []
        for r in retrievers:
            m = metrics(ranks[r][lang])
            cells.append(f"{m['R@1']:>11.2f}{m['R@3']:>6.2f}{m['MRR']:>6.2f}")
        verdict = ""
        if lang != "all":
            verdict = "  met" if metrics(ranks["turn"][lang])["R@3"] >= 0.95 else "  NOT MET (target recall@3 >= 0.95)"
        print(f"{lang:<5}{counts[lang]:>4}  " + "  ".join(cells) + verdict)
    print()
    print(f"cold start: model load + open {t1 - t0:.2f} s; sync ({report}) {t2 - t1:.2f} s")
    load_after = os.getloadavg()
    print(
        f"load average (1/5/15 min) before the timed calls {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} ({os.cpu_count()} CPUs)"
    )
    print(
        f"warm kb.search(k=4) over {len(latencies)} calls: p50 {percentile(latencies, 50):.1f} ms, "
        f"p95 {percentile(latencies, 95):.1f} ms, max {max(latencies):.1f} ms"
    )
    print(
        f"warm passages_for(k=4) over {len(turn_latencies)} calls: p50 {percentile(turn_latencies, 50):.1f} ms, "
        f"p95 {percentile(turn_latencies, 95):.1f} ms (target p50 < 40 ms: "
        f"{'met' if percentile(turn_latencies, 50) < 40 else 'NOT MET'}; one query embedding a call), "
        f"{percentile(turn_latencies, 50) / percentile(latencies, 50):.2f}x kb.search"
    )
    print(
        f"passages_for with the vector given (all but the embedding): p50 {percentile(ranking_latencies, 50):.1f} ms, "
        f"p95 {percentile(ranking_latencies, 95):.1f} ms"
    )
    print()
    print(conversation)
    if ablations:
        print(ablations)
    if misses:
        print(f"\npassages_for misses at 3 (essay questions): {len(misses)}")
        if args.misses:
            for q, top in misses:
                got = "; ".join(f"#{by_id[pid].position} {by_id[pid].text[:28]!r}" for pid in top)
                print(f"  [{q.lang}] {q.text}\n      want {list(q.answers)}\n      got  {got}")
    return 0


# -- conversation turns ----------------------------------------------------------------------


@dataclass(frozen=True)
class TurnCase:
    split: str
    lang: str
    stage: str
    coach: str
    message: str
    answers: tuple[str, ...]


def load_turns(path: Path) -> list[TurnCase]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [TurnCase(t["split"], t["lang"], t["stage"], t["coach"], t["message"], tuple(t["answers"])) for t in raw]


def make_coach(kb, home: str):
    from bot import Coach
    from bot.settings import Settings

    return Coach(knowledge=kb, settings=Settings(home=Path(home)))


def _session_ids():
    n = 0
    while True:
        n += 1
        yield f"bench{n:08d}"


def turn_ranking(coach, case: TurnCase, k: int, session_id: str) -> list[str]:
    from bot.models import ChatMessage

    history = [ChatMessage(role="assistant", content=case.coach)]
    return [p.id for p in coach.passages_for(case.message, history, k, session_id=session_id, stage=case.stage)]


def _table(rows: dict[str, dict[str, list[int | None]]], label: str, counts: dict[str, int]) -> list[str]:
    lines = []
    for key, by_name in rows.items():
        cells = []
        for name in ("turn", "search"):
            m = metrics(by_name[name])
            cells.append(f"{m['R@1']:>8.2f}{m['R@3']:>6.2f}{m['MRR']:>6.2f}")
        verdict = ""
        if key in ("fresh ko", "fresh en", "unseen ko", "unseen en", "all ko", "all en"):
            verdict = "  met" if metrics(by_name["turn"])["R@3"] >= 0.9 else "  NOT MET (target recall@3 >= 0.9)"
        lines.append(f"{key:<10}{counts[key]:>4}  " + "  ".join(cells) + verdict)
    return lines


def conversation_report(coach, kb, passages, cases: list[TurnCase], show_misses: bool) -> str:
    from collections import Counter

    by_id = {p.id: p for p in passages}
    ids = _session_ids()
    rows: dict[str, dict[str, list[int | None]]] = {}
    counts: Counter[str] = Counter()
    tops: dict[str, Counter[str]] = {"turn": Counter(), "search": Counter()}
    misses = []
    for case in cases:
        relevant = relevant_ids(Query(case.lang, case.message, case.answers), passages)
        turn = turn_ranking(coach, case, len(passages), f"c{next(ids)}")
        plain = [p.id for p in kb.search(case.message, k=len(passages))]
        for key in (f"{case.split} {case.lang}", *([f"unseen {case.lang}"] if case.split in ("held", "fresh") else []), f"all {case.lang}", "all"):
            counts[key] += 1
            for name, ranking in (("turn", turn), ("search", plain)):
                rows.setdefault(key, {"turn": [], "search": []})[name].append(first_hit(ranking, relevant))
        tops["turn"][turn[0]] += 1
        tops["search"][plain[0]] += 1
        hit = first_hit(turn, relevant)
        if hit is None or hit > 3:
            misses.append((case, turn[:3]))
    fresh_misses = sum(1 for case, _ in misses if case.split == "fresh")
    order = [k for k in (*(f"{s} {l}" for s in SPLITS for l in ("ko", "en")), "all ko", "all en", "all") if k in rows]
    header = f"{'set':<10}{'n':>4}  {'turn R@1':>8}{'R@3':>6}{'MRR':>6}  {'search R@1':>8}{'R@3':>6}{'MRR':>6}"
    lines = [
        f"conversation turns: {len(cases)} ({counts['all ko']} ko, {counts['all en']} en); "
        "turn = Coach.passages_for(message, [coach's question], stage=...), search = kb.search(message)",
        "targets: recall@3 >= 0.9 per language; no passage top-1 for more than 25% of the turns",
        header,
        "-" * len(header),
        *_table({k: rows[k] for k in order}, "", counts),
    ]
    for name, counter in tops.items():
        pid, most = counter.most_common(1)[0]
        share = most / len(cases)
        verdict = "met" if share <= 0.25 else "NOT MET"
        lines.append(
            f"top-1 spread ({name}): {len(counter)} distinct passages of {len(passages)}; the most frequent, "
            f"#{by_id[pid].position}, is top-1 for {most}/{len(cases)} ({share:.0%}) {verdict if name == 'turn' else ''}".rstrip()
        )
    if misses:
        lines.append(f"passages_for misses at 3 (conversation): {len(misses)}, {fresh_misses} of them fresh (counted, never listed)")
        if show_misses:
            for case, top in [(c, t) for c, t in misses if c.split != "fresh"]:
                got = "; ".join(f"#{by_id[pid].position} {by_id[pid].text[:24]!r}" for pid in top)
                lines.append(f"  [{case.split} {case.lang} {case.stage}] {case.message[:70]}\n      want {list(case.answers)}\n      got  {got}")
    return "\n".join(lines)


SPLITS = ("tune", "dev", "held", "fresh", "unseen")  # unseen = held + fresh, everything not tuned on


def ablation_report(coach, passages, cases: list[TurnCase]) -> str:
    """passages_for's conversation recall@3 (tune / held, per language) without each of its parts."""
    from bot import turn_retrieval
    from knowledge import ranking

    base_weights = dict(ranking.WEIGHTS)
    variants = {
        "everything": {},
        "no stage prior": {"STAGE_PRIOR": 0.0},
        "no claim cues": {"CUE_PRIOR": 0.0},
        "no situations": {"situation": 0.0},
        "no coach question": {"QUESTION_WEIGHT": 0.0},
        "no lexical": {"lexical": 0.0},
        "no notes' vectors": {"rendering": 0.0, "gist.en": 0.0, "gist.ko": 0.0, "question": 0.0, "situation": 0.0},
        "no questions": {"question": 0.0},
        "no renderings": {"rendering": 0.0},
    }
    ids = _session_ids()
    keys = [f"{s} {l}" for s in SPLITS[:4] for l in ("ko", "en") if any(c.split == s and c.lang == l for c in cases)]
    lines = [f"ablations, conversation recall@3 ({' / '.join(keys)}):"]
    for name, change in variants.items():
        saved = {a: getattr(turn_retrieval, a) for a in ("STAGE_PRIOR", "CUE_PRIOR", "QUESTION_WEIGHT")}
        for key, value in change.items():
            if key in saved:
                setattr(turn_retrieval, key, value)
            else:
                ranking.WEIGHTS[key] = value
        try:
            found: dict[str, list[int | None]] = {}
            for case in cases:
                relevant = relevant_ids(Query(case.lang, case.message, case.answers), passages)
                ranking_ids = turn_ranking(coach, case, 3, f"a{next(ids)}")
                found.setdefault(f"{case.split} {case.lang}", []).append(first_hit(ranking_ids, relevant))
        finally:
            for key, value in saved.items():
                setattr(turn_retrieval, key, value)
            ranking.WEIGHTS.clear()
            ranking.WEIGHTS.update(base_weights)
        cells = " / ".join(f"{metrics(found.get(k, []))['R@3']:.2f}" for k in keys)
        lines.append(f"  {name:<20} {cells}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
