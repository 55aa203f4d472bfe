"""`kb.sync()` keeps the store equal to the built-in corpus: add new, replace edited, drop removed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import knowledge.sync as sync
from knowledge.corpus import builtin_passages
from knowledge.passages import split_passages


def test_first_open_adds_every_passage_and_a_second_sync_adds_nothing(home, embeddings):
    from knowledge import KnowledgeBase

    kb = KnowledgeBase.open(home=home, embeddings=embeddings, sync=False)
    first = kb.sync()
    n = len(builtin_passages())
    assert (first.added, first.updated, first.removed, first.unchanged) == (n, 0, 0, 0)
    assert kb.count() == n

    second = kb.sync()
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, n)
    assert not second.changed
    assert kb.count() == n


def test_reopening_the_same_home_does_not_duplicate_passages(open_kb):
    n = len(builtin_passages())
    open_kb()
    kb = open_kb()
    assert kb.count() == n


def test_stored_passages_are_the_essay_passages(kb):
    wanted = builtin_passages()
    got = kb.get([p.id for p in wanted])
    assert [(p.id, p.text, p.source, p.position) for p in got] == [(p.id, p.text, p.source, p.position) for p in wanted]


@dataclass(frozen=True)
class _FakeWork:
    source: str
    path: Path

    def passages(self):
        return split_passages(self.path.read_text(encoding="utf-8"), source=self.source, prefix=self.source)


@pytest.fixture
def fake_corpus(tmp_path, monkeypatch):
    """Point the store's built-in corpus at files this test can rewrite."""
    files: dict[str, Path] = {}

    def works():
        return tuple(_FakeWork(source, path) for source, path in files.items())

    def builtin_passages():
        return [p for w in works() for p in w.passages()]

    monkeypatch.setattr(sync, "works", works)
    monkeypatch.setattr(sync, "builtin_passages", builtin_passages)

    def write(source: str, text: str | None) -> None:
        if text is None:
            files.pop(source)
            return
        path = tmp_path / f"{source}.txt"
        path.write_text(text, encoding="utf-8")
        files[source] = path

    return write


PARAGRAPHS = [
    "첫 번째 문단은 정원에 심은 토마토 이야기다.",
    "두 번째 문단은 자전거로 출근하는 습관을 다룬다.",
    "세 번째 문단은 밤하늘의 별자리를 관찰하는 법이다.",
]


def _texts(kb):
    got = kb.vectorstore.get(include=["documents"])
    return sorted(got["documents"])


def test_an_edited_passage_is_updated_and_searchable_and_the_old_text_is_gone(open_kb, fake_corpus):
    fake_corpus("essay", "\n\n".join(PARAGRAPHS))
    kb = open_kb()
    assert kb.count() == 3

    edited = PARAGRAPHS.copy()
    edited[1] = "두 번째 문단은 이제 바다에서 서핑을 배우는 이야기다."
    fake_corpus("essay", "\n\n".join(edited))
    report = kb.sync()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 2)
    assert kb.count() == 3
    assert _texts(kb) == sorted(edited)
    assert kb.search("서핑을 배우기", k=1)[0].text == edited[1]
    assert all("자전거" not in p.text for p in kb.search("자전거 출근", k=3))


def test_a_removed_passage_is_deleted_and_the_rest_renumbered(open_kb, fake_corpus):
    fake_corpus("essay", "\n\n".join(PARAGRAPHS))
    kb = open_kb()
    fake_corpus("essay", "\n\n".join([PARAGRAPHS[0], PARAGRAPHS[2]]))
    report = kb.sync()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 1, 2)
    assert _texts(kb) == sorted([PARAGRAPHS[0], PARAGRAPHS[2]])
    stars = kb.search("별자리 관찰", k=1)[0]
    assert stars.text == PARAGRAPHS[2] and stars.position == 1


def test_an_added_paragraph_is_added(open_kb, fake_corpus):
    fake_corpus("essay", "\n\n".join(PARAGRAPHS))
    kb = open_kb()
    fake_corpus("essay", "\n\n".join([*PARAGRAPHS, "네 번째 문단은 빵 굽기에 관한 것이다."]))
    report = kb.sync()
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 0, 0, 3)
    assert kb.count() == 4


def test_a_work_dropped_from_the_corpus_leaves_the_store(open_kb, fake_corpus):
    fake_corpus("essay", "\n\n".join(PARAGRAPHS))
    fake_corpus("other", "다른 글의 유일한 문단.")
    kb = open_kb()
    assert kb.count() == 4
    fake_corpus("other", None)
    report = kb.sync()
    assert report.removed == 1
    assert kb.count() == 3
    assert "다른 글의 유일한 문단." not in _texts(kb)


def test_sync_leaves_ingested_documents_alone(open_kb, tmp_path):
    kb = open_kb()
    note = tmp_path / "note.md"
    note.write_text("내 노트: 매일 아침 일기를 쓴다.", encoding="utf-8")
    kb.ingest([note])
    n = kb.count()
    report = kb.sync()
    assert not report.changed
    assert kb.count() == n


def test_an_edit_and_a_deletion_in_one_document_are_counted_as_such(open_kb, tmp_path):
    note = tmp_path / "note.md"
    note.write_text("alpha one.\n\nbeta two.\n\ngamma three.\n\ndelta four.\n", encoding="utf-8")
    kb = open_kb()
    kb.ingest([note])
    note.write_text("beta two.\n\ngamma three, rewritten.\n\ndelta four.\n", encoding="utf-8")
    report = kb.ingest([note])
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 1, 2)
