"""Several copies of the embedding model, so concurrent turns do not queue for one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from knowledge import E5Embeddings, KnowledgeSettings
from knowledge.embeddings import ModelCopies

QUERIES = ["강점을 어떻게 찾나요?", "What should I try this week?", "남을 따라 하는 것의 한계", "on-policy learning", "실험 결과를 돌아보기"]


def query_in_a_thread(copies: ModelCopies) -> tuple[threading.Thread, threading.Event]:
    """Start a thread that embeds one query with a copy from `copies`; the event is set when it is done."""
    done = threading.Event()

    def embed() -> None:
        with copies.model() as model:
            model.query("강점")
        done.set()

    worker = threading.Thread(target=embed)
    worker.start()
    return worker, done


def test_a_query_does_not_wait_for_a_busy_copy_when_another_may_load():
    copies = ModelCopies(num_threads=1, limit=2)
    with copies.model():  # the first copy is busy for as long as this block runs
        worker, done = query_in_a_thread(copies)
        assert done.wait(30), "the query waited for the busy copy instead of loading a second"
    worker.join()
    assert copies.loaded == 2


def test_with_one_copy_a_query_waits_for_it_and_then_runs():
    copies = ModelCopies(num_threads=1, limit=1)
    with copies.model():
        worker, done = query_in_a_thread(copies)
        assert not done.wait(0.3)  # still waiting: the one copy is in use
    worker.join(30)
    assert done.is_set() and copies.loaded == 1


def test_concurrent_queries_get_the_same_vectors_as_one_at_a_time():
    """Each copy has its own scratch buffers: vectors made side by side must not bleed into each other."""
    alone = E5Embeddings(num_threads=1, copies=1)
    expected = {q: alone.embed_query(q) for q in QUERIES}
    shared = E5Embeddings(num_threads=1, copies=3)
    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(lambda q: (q, shared.embed_query(q)), QUERIES * 6))
    for query, vector in got:
        assert max(abs(a - b) for a, b in zip(vector, expected[query])) < 1e-5, query
    (passage,) = alone.embed_documents(["모방 학습"])
    with ThreadPoolExecutor(3) as pool:
        for (vector,) in pool.map(shared.embed_documents, [["모방 학습"]] * 6):
            assert max(abs(a - b) for a, b in zip(vector, passage)) < 1e-5


def test_warm_up_loads_every_copy():
    from knowledge.embeddings import _load

    E5Embeddings(num_threads=1, copies=4).warm_up()
    assert _load(1, 4).loaded == 4


def test_copies_come_from_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("COACH_EMBED_COPIES", "2")
    assert KnowledgeSettings().embed_copies == 2
    monkeypatch.delenv("COACH_EMBED_COPIES")
    assert 1 <= KnowledgeSettings().embed_copies <= 4
    monkeypatch.setenv("COACH_EMBED_COPIES", "0")
    with pytest.raises(ValueError, match="embed_copies"):
        KnowledgeSettings()


def test_the_knowledge_base_embeds_with_the_settings_copies(tmp_path):
    from knowledge import KnowledgeBase

    kb = KnowledgeBase.open(settings=KnowledgeSettings(home=tmp_path, embed_copies=2), sync=False)
    assert isinstance(kb.embeddings, E5Embeddings) and kb.embeddings.copies == 2


def test_warming_the_knowledge_base_loads_every_copy(tmp_path):
    from knowledge import KnowledgeBase
    from knowledge.embeddings import _load

    warmed = []

    class Recording(E5Embeddings):
        def warm_up(self) -> None:
            warmed.append(self.copies)
            super().warm_up()

    kb = KnowledgeBase.open(settings=KnowledgeSettings(home=tmp_path), embeddings=Recording(num_threads=1, copies=2))
    kb.warm_up()
    assert warmed == [2] and _load(1, 2).loaded == 2
