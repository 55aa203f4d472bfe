"""Retrieval speed: warm `kb.search` over the essay and over 10,000 ingested passages; ingest throughput.

    .venv/bin/python bench/search.py [--passages 10000] [--ingest-sample 300] [--repeat 200]

- Warm search over the essay: `KnowledgeBase.search(query, 4)` after one warm-up query, p50/p95
  over `--repeat` calls cycling through Korean and English questions. Baseline: the newcomer's
  `Chroma.similarity_search(query, k=4)` (bench/baseline_rag.py) with the same embeddings.
- Warm search over 10,000 passages: synthetic documents in Korean and English, varied sentences
  from templates, stored as user documents in the same knowledge base. Their vectors are
  precomputed (embedding 10,000 passages with the offline model takes minutes): each is a
  random mix of three real passage embeddings plus noise, so the index holds vectors shaped like
  real ones. Queries are embedded by the real model, as in the product.
- Ingest throughput: `kb.ingest(files)` of `--ingest-sample` synthetic passages with the default
  embeddings (the real model), passages per second.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from harness import Figure, ms, percentile, report, temp_home

QUERIES = [
    "왜 남을 따라 하기만 해서는 그 사람을 넘어설 수 없을까?",
    "처음에는 모방이 왜 필요한가요?",
    "나만의 강점을 어떻게 찾을 수 있을까",
    "실패에서 배우는 방법",
    "데이터를 직접 읽는 습관",
    "스스로 만든 경험으로 배우기",
    "선배가 하는 방식을 그대로 따라 하고 있어요",
    "보상이 없을 때 어떻게 계속하나요",
    "Why can't copying my mentor make me better than them?",
    "When is imitation useful?",
    "How do I find my own strengths?",
    "learning from my own mistakes instead of other people's",
    "What does on-policy mean for my career?",
    "I keep following my manager's playbook",
    "Is it worth spending a month checking old decisions?",
    "reward signal from the world",
]

_KO_SUBJECTS = ["나는", "우리 팀은", "신입 개발자는", "디자이너 친구는", "연구자들은", "그 선배는", "많은 사람들이", "내 동생은"]
_KO_OBJECTS = ["코드 리뷰를", "주간 회의를", "실험 설계를", "글쓰기 습관을", "운동 루틴을", "데이터 라벨링을", "발표 준비를", "독서 모임을"]
_KO_VERBS = ["매일 조금씩 바꿔 보았다", "처음부터 다시 검토했다", "남의 방식대로 따라 했다", "스스로 기준을 세워 진행했다",
             "일주일 동안 기록했다", "피드백을 받아 고쳤다", "작게 시작해서 늘려 갔다", "결국 포기하고 말았다"]
_KO_TAILS = ["그 결과 생각보다 많은 것을 배웠다.", "덕분에 내 강점이 무엇인지 조금 알게 되었다.", "하지만 보상은 늦게 찾아왔다.",
             "그때의 실패가 지금의 기반이 되었다.", "다른 사람의 성공 공식은 나에게 맞지 않았다.", "작은 변화가 쌓여 큰 차이를 만들었다."]
_EN_SUBJECTS = ["I", "Our team", "A new engineer", "My designer friend", "The researchers", "My old mentor", "Most people", "My sister"]
_EN_OBJECTS = ["code reviews", "the weekly meeting", "an experiment plan", "a writing habit", "a running routine",
               "data labelling", "a conference talk", "a reading group"]
_EN_VERBS = ["changed {o} a little every day", "went back over {o} from scratch", "copied someone else's way of doing {o}",
             "set their own bar for {o}", "kept a log of {o} for a week", "reworked {o} after feedback",
             "started {o} small and grew it", "gave up on {o} in the end"]
_EN_TAILS = ["It taught more than expected.", "It showed which strengths were really mine.", "The reward came late.",
             "That failure became the ground to stand on.", "Someone else's formula for success did not fit.",
             "Small changes added up to a large difference."]


def synthetic_passage(rng: random.Random) -> str:
    """Two to four sentences, all Korean or all English."""
    sentences = []
    korean = rng.random() < 0.5
    for _ in range(rng.randint(2, 4)):
        if korean:
            sentences.append(f"{rng.choice(_KO_SUBJECTS)} {rng.choice(_KO_OBJECTS)} {rng.choice(_KO_VERBS)}. {rng.choice(_KO_TAILS)}")
        else:
            verb = rng.choice(_EN_VERBS).format(o=rng.choice(_EN_OBJECTS))
            sentences.append(f"{rng.choice(_EN_SUBJECTS)} {verb}. {rng.choice(_EN_TAILS)}")
    return " ".join(sentences)


def write_documents(folder: Path, passages: int, per_file: int, seed: int) -> list[Path]:
    """Markdown files of blank-line-separated synthetic passages, as a user's notes would be."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n in range(0, passages, per_file):
        path = folder / f"note-{n // per_file:04d}.md"
        path.write_text("\n\n".join(synthetic_passage(rng) for _ in range(min(per_file, passages - n))) + "\n", encoding="utf-8")
        files.append(path)
    return files


def fill_precomputed(kb, passages: int, seed: int) -> float:
    """Store `passages` synthetic passages with precomputed vectors; returns seconds spent."""
    import numpy as np

    rng = random.Random(seed)
    base = np.array(kb.collection.get(include=["embeddings"])["embeddings"], dtype=np.float32)
    nrng = np.random.default_rng(seed)
    collection = kb.collection
    batch = 2000
    start = time.perf_counter()
    for first in range(0, passages, batch):
        n = min(batch, passages - first)
        mix = nrng.dirichlet([1.0, 1.0, 1.0], size=n).astype(np.float32)
        picks = nrng.integers(0, len(base), size=(n, 3))
        vectors = (mix[:, :, None] * base[picks]).sum(axis=1) + nrng.normal(0, 0.01, size=(n, base.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = [f"doc-synth{first + i:06d}" for i in range(n)]
        metadatas = [
            {"source": f"/synthetic/notes-{(first + i) // 50:04d}.md", "position": (first + i) % 50, "title": "notes", "kind": "document"}
            for i in range(n)
        ]
        collection.add(ids=ids, embeddings=vectors, documents=[synthetic_passage(rng) for _ in range(n)], metadatas=metadatas)
    return time.perf_counter() - start


def search_times(ours, theirs, repeat: int) -> tuple[list[float], list[float]]:
    """Seconds per query for two search functions, interleaved so machine noise hits both alike."""
    ours("warm up")
    theirs("warm up")
    a, b = [], []
    for i in range(repeat):
        query = QUERIES[i % len(QUERIES)]
        for fn, out in ((ours, a), (theirs, b)) if i % 2 else ((theirs, b), (ours, a)):
            start = time.perf_counter()
            fn(query)
            out.append(time.perf_counter() - start)
    return a, b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=10_000, help="synthetic passages for the large index")
    parser.add_argument("--ingest-sample", type=int, default=300, help="passages ingested with the real model")
    parser.add_argument("--repeat", type=int, default=200, help="searches per figure")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    from baseline_rag import vectorstore

    from knowledge import E5Embeddings, KnowledgeBase

    embeddings = E5Embeddings()
    with temp_home() as home:
        start = time.perf_counter()
        kb = KnowledgeBase.open(home=home / "coach", embeddings=embeddings)
        print(f"first open (embeds {kb.count()} essay passages): {time.perf_counter() - start:.1f} s")
        newcomer = vectorstore(str(home / "baseline"), embeddings)
        essay, base_essay = search_times(lambda q: kb.search(q, 4), lambda q: newcomer.similarity_search(q, k=4), args.repeat)

        # Ingest with the real model, through the product's path (files -> passages -> embeddings -> store).
        files = write_documents(home / "ingest", args.ingest_sample, per_file=25, seed=1)
        start = time.perf_counter()
        ingested = kb.ingest(files)
        ingest_s = time.perf_counter() - start
        throughput = ingested.added / ingest_s

        fill_s = fill_precomputed(kb, args.passages, seed=2)
        print(f"stored {args.passages} passages with precomputed vectors in {fill_s:.1f} s; index holds {kb.count()}")
        fill_precomputed_into(newcomer, kb)  # the newcomer's store gets the same passages, for the ratio
        large, base_large = search_times(lambda q: kb.search(q, 4), lambda q: newcomer.similarity_search(q, k=4), args.repeat)
        total = kb.count()

    print(f"essay search p95 {ms(percentile(essay, 95))}; large index p95 {ms(percentile(large, 95))}")
    figures = [
        Figure.medians(
            "warm search over the essay, p50", "< 30 ms", essay, base_essay,
            limit=0.030, theirs_label="langchain_chroma similarity_search",
        ),
        Figure.medians(
            f"warm search over {total:,} passages, p50", "< 60 ms", large, base_large,
            limit=0.060, theirs_label="same, newcomer's store",
        ),
        Figure(
            "ingest throughput, default embeddings",
            "reported",
            f"{throughput:.1f} passages/s ({ingested.added} passages in {ingest_s:.1f} s)",
        ),
    ]
    return report(f"Search (p50 of {args.repeat} warm queries, k=4)", figures, args.json)


def fill_precomputed_into(newcomer, kb) -> None:
    """Copy the synthetic passages and their vectors from the knowledge base into the newcomer's store."""
    got = kb.collection.get(where={"kind": "document"}, include=["embeddings", "documents", "metadatas"])
    target = newcomer._collection
    batch = 2000
    for first in range(0, len(got["ids"]), batch):
        part = slice(first, first + batch)
        target.add(
            ids=got["ids"][part], embeddings=got["embeddings"][part], documents=got["documents"][part], metadatas=got["metadatas"][part]
        )


if __name__ == "__main__":
    sys.exit(main())
