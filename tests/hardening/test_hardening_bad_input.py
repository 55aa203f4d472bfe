"""Bad input through the Python API, the CLI and ingest: a clear message, nothing stored half-way,
and the next normal turn still works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.journal import InvalidSessionId
from bot.words import message as notice

from hardening_support import NO_NOTES

REPLY = "Whose playbook are you following?"
BAD_IDS = ["../../etc/passwd", "a/b", "", "x" * 300, "..", "a b", "세션", "id\x00", "a\\b", "/tmp/x"]
runner = CliRunner()


@pytest.fixture
def coach(make_coach, recording_llm):
    return make_coach(recording_llm([REPLY, NO_NOTES]))


def _works(coach, session_id: str | None = None):
    reply = coach.ask("I copy my manager's schedule exactly. Is that a problem?", session_id)
    assert reply.error is None and reply.text == REPLY
    return reply


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


# -- the Python API ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n", "\x00\x1b\x07", "\u200b\ufeff\u200f \u2028"])
def test_empty_or_blank_messages_get_a_notice_and_store_nothing(coach, text):
    reply = coach.ask(text, "blank")
    assert reply.error == "empty" and reply.text == notice("en", "empty")
    assert coach.history("blank") == []
    assert coach.llm.calls == []
    _works(coach, "blank")


def test_a_blank_message_after_korean_gets_a_korean_notice(coach):
    coach.ask("팀장님 방식을 그대로 따라 하고 있어요. 괜찮을까요?", "ko-blank")
    reply = coach.ask("   ", "ko-blank")
    assert reply.error == "empty" and reply.text == notice("ko", "empty")


def test_a_100k_message_is_limited_with_a_notice_but_kept_whole(coach):
    text = ("I keep copying how my lead writes design docs. " * 2200)[:100_000]
    assert len(text) == 100_000 and not text.endswith(" ")

    reply = coach.ask(text, "long")

    assert reply.error == "too_long"
    assert reply.text == notice("en", "too_long", length=100_000, limit=coach.settings.max_message_chars)
    assert "100,000" in reply.text and "8,000" in reply.text
    [kept] = coach.history("long")
    assert kept.content == text and kept.status == "error"
    assert coach.llm.calls == []  # never sent to the model
    _works(coach, "long")
    sent = coach.llm.calls[0]
    assert all(text not in str(m.content) for m in sent)  # nor later, as history


def test_a_too_long_korean_message_gets_a_korean_notice(coach):
    reply = coach.ask("따라 하기 " * 3000, "long-ko")
    assert reply.error == "too_long" and reply.language == "ko" and "최대 8,000자" in reply.text


ODD = (
    "NUL\x00here, ANSI \x1b[31mred\x1b[0m, bell\x07, lone surrogate \ud800 and \udfff, "
    "RTL \u202ehello\u202c and \u200fmark, emoji 🙂👩‍💻, combining e\u0301 and 한\u1100\u1161, "
    "BOM \ufeff, zero-width \u200d joiner, CRLF\r\nnext line"
)


def test_control_characters_and_odd_unicode_are_cleaned_not_fatal(coach):
    reply = coach.ask(ODD, "odd")

    assert reply.error is None and reply.text == REPLY
    [said, _] = coach.history("odd")
    stored = said.content
    for gone in ("\x00", "\x1b", "\x07", "\ud800", "\udfff", "\r"):
        assert gone not in stored
    assert "[31mred" in stored  # only the control character itself is dropped
    assert "🙂" in stored and "👩‍💻" in stored and "é" in stored  # NFC joins e + combining acute
    assert "\u202e" in stored and "\u200f" in stored  # right-to-left marks are text, kept
    assert "CRLF\nnext line" in stored
    stored.encode("utf-8")  # storable and sendable as UTF-8
    human = coach.llm.calls[0][-1]
    assert human.type == "human" and human.content == stored


@pytest.mark.slow
def test_odd_unicode_goes_through_the_real_client_as_json(model_coach, fake_openai):
    server = fake_openai(reply=REPLY)
    coach = model_coach(server.url)
    reply = coach.ask(ODD, "odd-json")
    assert reply.error is None and reply.text == REPLY
    last = server.chat_requests()[0]["messages"][-1]
    assert last["role"] == "user" and "🙂" in last["content"] and "\x00" not in last["content"]


@pytest.mark.parametrize("bad", [None, 42, 3.5, {"role": "user", "content": "hi"}, ["hi", "there"], b"bytes"])
def test_a_message_that_is_not_text_gets_a_notice_not_a_crash(coach, bad):
    reply = coach.ask(bad, "typed")
    if bad is None:
        assert reply.error == "empty"
    else:
        assert reply.error == "not_text"
        assert reply.text == notice("en", "not_text", kind=type(bad).__name__)
    assert coach.history("typed") == []
    _works(coach, "typed")


def test_an_unknown_session_id_starts_a_new_session(coach):
    assert coach.history("never-seen-before") == []
    reply = _works(coach, "never-seen-before")
    assert reply.session_id == "never-seen-before"
    assert [m.role for m in coach.history("never-seen-before")] == ["user", "assistant"]
    assert [s.id for s in coach.sessions()] == ["never-seen-before"]


def test_no_session_id_starts_a_fresh_one(coach):
    first, second = _works(coach), _works(coach)
    assert first.session_id != second.session_id
    assert len(coach.history(first.session_id)) == 2


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_an_invalid_session_id_is_a_clear_error_and_writes_nothing(coach, coach_home, tmp_path, bad_id):
    _works(coach, "existing")
    before_files = _files_under(tmp_path)
    before_db = (coach_home / "journal.sqlite3").read_bytes()

    for attempt in (
        lambda: coach.ask("hello", bad_id),
        lambda: list(coach.stream("hello", bad_id)),
        lambda: coach.history(bad_id),
        lambda: coach.state(bad_id),
        lambda: coach.export(bad_id),
        lambda: coach.forget(bad_id),
    ):
        with pytest.raises(InvalidSessionId, match="Invalid session id") as caught:
            attempt()
        assert isinstance(caught.value, ValueError)
        assert len(str(caught.value)) < 200  # a 300-character id is not echoed in full

    assert [s.id for s in coach.sessions()] == ["existing"]
    assert _files_under(tmp_path) - before_files <= {coach_home / "journal.sqlite3-shm"}
    assert not (tmp_path / "etc").exists()
    assert (coach_home / "journal.sqlite3").read_bytes() == before_db
    _works(coach, "existing")


# -- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli_coach(coach, monkeypatch):
    """The CLI on this test's coach (fake model, shared test knowledge base)."""
    monkeypatch.setattr(cli, "_coach", lambda: coach)
    return coach


def test_cli_ask_with_an_empty_message_explains_and_fails(cli_coach):
    result = runner.invoke(cli.app, ["ask", "  ", "--session", "cli-blank"])
    assert result.exit_code == 1 and notice("en", "empty") in result.stdout
    assert cli_coach.history("cli-blank") == []
    ok = runner.invoke(cli.app, ["ask", "I copy my manager. Problem?", "--session", "cli-blank"])
    assert ok.exit_code == 0 and REPLY in ok.stdout


def test_cli_ask_with_a_huge_message_is_limited_but_kept(cli_coach):
    text = "x" * 100_000
    result = runner.invoke(cli.app, ["ask", text, "--session", "cli-long"])
    assert result.exit_code == 1 and "100,000" in result.stdout
    assert cli_coach.history("cli-long")[0].content == text


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "a/b", "", "x" * 300])
def test_cli_rejects_invalid_session_ids_with_exit_code_2(cli_coach, coach_home, tmp_path, bad_id):
    _works(cli_coach, "keep-me")
    before = _files_under(tmp_path)
    for args in (
        ["ask", "hello", "--session", bad_id],
        ["chat", "--session", bad_id],
        ["export", bad_id],
        ["export", bad_id, "--format", "json"],
        ["forget", bad_id],
    ):
        result = runner.invoke(cli.app, args, input="hello\n")
        assert result.exit_code == 2, (args, result.output)
        assert "Invalid session id" in result.stderr
        assert "Traceback" not in result.output
    assert [s.id for s in cli_coach.sessions()] == ["keep-me"]
    assert len(cli_coach.history("keep-me")) == 2
    assert _files_under(tmp_path) - before <= {coach_home / "journal.sqlite3-shm"}


def test_cli_export_and_forget_of_a_missing_session_or_format(cli_coach):
    _works(cli_coach, "real")
    assert runner.invoke(cli.app, ["export", "nope"]).exit_code == 2
    assert runner.invoke(cli.app, ["forget", "nope"]).exit_code == 2
    bad_format = runner.invoke(cli.app, ["export", "real", "--format", "../../x"])
    assert bad_format.exit_code == 2 and "Unknown export format" in bad_format.stderr
    assert len(cli_coach.history("real")) == 2


@pytest.mark.slow
def test_the_installed_coach_command_refuses_paths_as_session_ids(tmp_path):
    home = tmp_path / "cli-home"
    env = {**os.environ, "COACH_HOME": str(home)}
    command = str(Path(sys.executable).parent / "coach")
    for args in (["export", "../../x"], ["forget", "../x"], ["export", "../../x", "--format", "json"]):
        done = subprocess.run([command, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 2, done
        assert "Invalid session id" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists() and not (home.parent.parent / "x").exists()
    assert {p.name for p in tmp_path.iterdir()} <= {"cli-home", "coach-home"}


# -- ingest ----------------------------------------------------------------------------------------


def test_bad_files_to_ingest_are_skipped_with_reasons_and_nothing_half_stored(make_coach, recording_llm, knowledge_base, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.md").write_text("PRIVATE-DIARY: my bank PIN and my worst fears", encoding="utf-8")
    (outside / "nested").mkdir()
    (outside / "nested" / "more.md").write_text("PRIVATE-NESTED notes", encoding="utf-8")

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "latin1.txt").write_bytes("caf\xe9 r\xe9sum\xe9 notes".encode("latin-1"))
    (folder / "cp949.md").write_bytes("한국어 메모".encode("cp949"))
    (folder / "empty.md").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\t\n", encoding="utf-8")
    (folder / "huge.txt").write_text("big " * 600_000, encoding="utf-8")  # 2.4 MB > 2 MB limit
    (folder / "escape.md").symlink_to(outside / "private.md")
    (folder / "escape-dir").symlink_to(outside, target_is_directory=True)
    (folder / "image.png").write_bytes(b"\x89PNG")
    before = knowledge_base.count()

    report = knowledge_base.ingest([folder, tmp_path / "missing.md"])

    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons["binary.txt"] == "binary file"
    assert reasons["latin1.txt"] == reasons["cp949.md"] == "not UTF-8 text"
    assert reasons["empty.md"] == reasons["blank.md"] == "empty"
    assert reasons["huge.txt"].startswith("too large")
    assert reasons["escape.md"] == "links outside the folder"
    assert reasons["image.png"] == "not a .md or .txt file"
    assert reasons["missing.md"] == "not found"
    assert report.files == [] and not report.changed
    assert knowledge_base.count() == before
    texts = [p.text for p in knowledge_base.search("PRIVATE-DIARY bank PIN fears", 20)]
    assert not any("PRIVATE" in t for t in texts)

    # The knowledge base and the coach keep serving.
    good = folder / "good.md"
    good.write_text("Running log\n\nI ran five kilometres along the river every Saturday.\n", encoding="utf-8")
    assert knowledge_base.ingest([good]).added >= 1
    assert "five kilometres" in knowledge_base.search("how far do I run on weekends?", 1)[0].text
    coach = make_coach(recording_llm([REPLY, NO_NOTES]))
    _works(coach, "after-ingest")


def test_an_update_that_fails_mid_way_keeps_the_previous_version(knowledge_base, tmp_path, monkeypatch):
    doc = tmp_path / "plan.md"
    doc.write_text("Plan v1\n\nI review my own experiment log every Friday afternoon.\n", encoding="utf-8")
    knowledge_base.ingest([doc])
    source = str(doc.resolve())
    v1 = knowledge_base.vectorstore.get(where={"source": source})["documents"]
    assert any("Friday afternoon" in t for t in v1)

    doc.write_text("Plan v2\n\nI read raw user feedback for an hour every Monday morning.\n", encoding="utf-8")

    def broken(texts):
        raise RuntimeError("embedding model crashed")

    monkeypatch.setattr(knowledge_base.embeddings, "embed_documents", broken)
    with pytest.raises(RuntimeError):
        knowledge_base.ingest([doc])

    assert knowledge_base.vectorstore.get(where={"source": source})["documents"] == v1
    monkeypatch.undo()
    report = knowledge_base.ingest([doc])
    assert report.updated + report.added >= 1
    now = knowledge_base.vectorstore.get(where={"source": source})["documents"]
    assert any("Monday morning" in t for t in now) and not any("Friday afternoon" in t for t in now)


def test_cli_ingest_of_only_bad_files_says_why(tmp_path, monkeypatch, knowledge_base):
    from knowledge import KnowledgeBase

    monkeypatch.setattr(KnowledgeBase, "open", classmethod(lambda cls, **kw: knowledge_base))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    result = runner.invoke(cli.app, ["ingest", str(bad)])
    assert result.exit_code == 0
    assert f"skipped {bad}: binary file" in result.stderr
    assert "0 file(s)" in result.stdout
