"""`kb.ingest(paths)`: good .md/.txt files go in; each bad file is named with a reason and skipped."""

from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeSettings
from knowledge.passages import split_passages

GARDEN = "# 텃밭 일지\n\n올해는 방울토마토를 베란다 화분에서 키웠다. 매일 아침 물을 주었다.\n"
RUNNING = "Running log\n\nI ran five kilometres along the river every Saturday morning this spring.\n"
CHESS = "Chess notes\n\nI study one endgame position with a rook and a pawn every evening.\n"


def _n(text: str) -> int:
    """How many passages a document splits into."""
    return len(split_passages(text, source="x", prefix="doc"))


def _sources(kb, kind="document") -> set[str]:
    return {m["source"] for m in kb.vectorstore.get(where={"kind": kind}, include=["metadatas"])["metadatas"]}


def _skipped_by_name(report) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in report.skipped}


def _garden_and_chess(folder: Path) -> Path:
    """A folder holding two notes: garden.md and chess.txt."""
    folder.mkdir()
    (folder / "garden.md").write_text(GARDEN, encoding="utf-8")
    (folder / "chess.txt").write_text(CHESS, encoding="utf-8")
    return folder


def test_a_markdown_and_a_text_file_go_in_and_are_searchable(kb, tmp_path):
    md = tmp_path / "garden.md"
    md.write_text(GARDEN, encoding="utf-8")
    txt = tmp_path / "running.txt"
    txt.write_text(RUNNING, encoding="utf-8")

    report = kb.ingest([md, txt])

    assert report.skipped == []
    assert sorted(report.files) == sorted([str(md.resolve()), str(txt.resolve())])
    assert report.added == _n(GARDEN) + _n(RUNNING) and report.updated == report.removed == 0
    top = kb.search("베란다에서 토마토 키우기", k=1)[0]
    assert "방울토마토" in top.text and top.source == str(md.resolve()) and top.title == "garden.md"
    assert "five kilometres" in kb.search("how far did I jog on weekends?", k=1)[0].text


def test_a_folder_goes_in_recursively_but_hidden_files_do_not(kb, tmp_path):
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "garden.md").write_text(GARDEN, encoding="utf-8")
    (folder / "sub" / "chess.txt").write_text(CHESS, encoding="utf-8")
    (folder / ".secret.md").write_text("hidden diary entry about my passwords", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.md").write_text("git internals", encoding="utf-8")

    report = kb.ingest([folder])

    assert {Path(f).name for f in report.files} == {"garden.md", "chess.txt"}
    assert _sources(kb) == {str((folder / "garden.md").resolve()), str((folder / "sub" / "chess.txt").resolve())}
    assert "endgame" in kb.search("which chess positions do I practise at night?", k=1)[0].text


def test_every_kind_of_bad_file_is_named_with_a_reason_and_the_good_ones_still_go_in(open_kb, tmp_path):
    kb = open_kb(settings=KnowledgeSettings(max_document_bytes=2_000))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.md").write_text("someone else's private notes", encoding="utf-8")

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "garden.md").write_text(GARDEN, encoding="utf-8")
    (folder / "running.txt").write_text(RUNNING, encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00 not text \x00\x01\x02")
    (folder / "korean-cp949.txt").write_bytes("한글로 쓴 메모지만 UTF-8이 아니다".encode("cp949"))
    (folder / "empty.md").write_text("  \n\n\t\n", encoding="utf-8")
    (folder / "huge.md").write_text("긴 글. " * 1_000, encoding="utf-8")
    (folder / "link.md").symlink_to(outside / "private.md")
    (folder / "slides.pdf").write_bytes(b"%PDF-1.7 fake")
    loose_pdf = tmp_path / "report.pdf"
    loose_pdf.write_bytes(b"%PDF-1.7 fake")
    chess = tmp_path / "chess.txt"
    chess.write_text(CHESS, encoding="utf-8")
    missing = tmp_path / "no-such-file.md"

    report = kb.ingest([folder, loose_pdf, missing, chess])

    skipped = _skipped_by_name(report)
    assert set(skipped) == {
        "binary.txt",
        "korean-cp949.txt",
        "empty.md",
        "huge.md",
        "link.md",
        "slides.pdf",
        "report.pdf",
        "no-such-file.md",
    }
    assert "binary" in skipped["binary.txt"]
    assert "UTF-8" in skipped["korean-cp949.txt"]
    assert "empty" in skipped["empty.md"]
    assert "too large" in skipped["huge.md"] and "2,000" in skipped["huge.md"]
    assert "outside" in skipped["link.md"]
    assert ".md or .txt" in skipped["slides.pdf"]
    assert ".md or .txt" in skipped["report.pdf"]
    assert "not found" in skipped["no-such-file.md"]
    assert all(reason.strip() for reason in skipped.values())

    assert {Path(f).name for f in report.files} == {"garden.md", "running.txt", "chess.txt"}
    assert {Path(s).name for s in _sources(kb)} == {"garden.md", "running.txt", "chess.txt"}
    everything = kb.vectorstore.get(include=["documents"])["documents"]
    assert not any("private notes" in t or "UTF-8이 아니다" in t for t in everything)
    assert "방울토마토" in kb.search("베란다 화분", k=1)[0].text


def test_reingesting_the_same_files_changes_nothing(kb, tmp_path):
    folder = _garden_and_chess(tmp_path / "notes")
    first = kb.ingest([folder])
    n = kb.count()

    again = kb.ingest([folder])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, first.added)
    assert kb.count() == n


def test_rewriting_a_file_and_reingesting_replaces_its_passage(kb, tmp_path):
    note = tmp_path / "garden.md"
    note.write_text(GARDEN, encoding="utf-8")
    kb.ingest([note])
    n = kb.count()

    note.write_text(GARDEN.replace("방울토마토를 베란다 화분에서", "상추와 깻잎을 옥상 텃밭에서"), encoding="utf-8")
    report = kb.ingest([note])

    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, _n(GARDEN) - 1)
    assert kb.count() == n
    texts = kb.vectorstore.get(where={"source": str(note.resolve())}, include=["documents"])["documents"]
    assert any("깻잎" in t for t in texts)
    assert not any("방울토마토" in t for t in texts)
    assert "깻잎" in kb.search("옥상에서 채소 기르기", k=1)[0].text


def test_a_file_deleted_from_an_ingested_folder_leaves_the_store(kb, tmp_path):
    folder = _garden_and_chess(tmp_path / "notes")
    kb.ingest([folder])
    essay_count = len(_sources(kb, "builtin"))

    (folder / "chess.txt").unlink()
    report = kb.ingest([folder])

    assert report.removed == _n(CHESS)
    assert _sources(kb) == {str((folder / "garden.md").resolve())}
    assert all("endgame" not in p.text for p in kb.search("chess endgame practice", k=10))
    assert len(_sources(kb, "builtin")) == essay_count


def test_a_deleted_file_outside_the_folder_being_ingested_stays(kb, tmp_path):
    """Re-ingesting one folder must not touch documents that came from elsewhere."""
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "garden.md").write_text(GARDEN, encoding="utf-8")
    (b / "chess.txt").write_text(CHESS, encoding="utf-8")
    kb.ingest([a, b])
    kb.ingest([a])
    assert {Path(s).name for s in _sources(kb)} == {"garden.md", "chess.txt"}


def test_progress_is_reported_up_to_the_total(kb, tmp_path):
    (tmp_path / "garden.md").write_text(GARDEN, encoding="utf-8")
    (tmp_path / "chess.txt").write_text(CHESS, encoding="utf-8")
    calls: list[tuple[int, int]] = []
    kb.ingest([tmp_path / "garden.md", tmp_path / "chess.txt"], progress=lambda done, total: calls.append((done, total)))
    total = _n(GARDEN) + _n(CHESS)
    assert calls and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_folder_given_with_a_tilde_is_resynced_like_any_other(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = _garden_and_chess(tmp_path / "notes")
    assert {Path(f).name for f in kb.ingest(["~/notes"]).files} == {"garden.md", "chess.txt"}

    (folder / "chess.txt").unlink()
    report = kb.ingest(["~/notes"])
    assert report.removed == _n(CHESS)
    assert {Path(s).name for s in _sources(kb)} == {"garden.md"}


def test_a_link_to_a_file_in_the_same_folder_is_ingested_once(kb, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "chess.txt").write_text(CHESS, encoding="utf-8")
    (folder / "latest.txt").symlink_to(folder / "chess.txt")
    report = kb.ingest([folder])
    assert report.files == [str((folder / "chess.txt").resolve())]
    assert (report.added, report.unchanged) == (_n(CHESS), 0)
