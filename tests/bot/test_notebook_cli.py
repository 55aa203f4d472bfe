"""The notebook from the terminal, which acts for the local person: notebook, check, due, remind,
export --person / import, rename; and `coach ask` in a new session knows what earlier ones learnt."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.models import ExperimentCard, Review, SessionState, Strength

runner = CliRunner()
COACH = str(Path(sys.executable).parent / "coach")
TODAY = dt.date.today()


def make_person(settings) -> dict[str, str]:
    """The local person's history, written as conversations would have: two strengths, a running card
    (due two days ago), a reviewed one."""
    from bot import Coach

    coach = Coach(settings=settings)
    running = ExperimentCard(
        title="Raw logs every morning", strength="reading raw logs", status="running", duration_days=7,
        daily_check="Did I read logs this morning?", review_on=TODAY - dt.timedelta(days=2),
        reward_signal="bugs the team confirms", smallest_version="ten lines",
    )
    reviewed = ExperimentCard(
        title="Script the release notes", strength="automation scripts", status="reviewed",
        review=Review(outcome="saved an hour", reward=1, date=TODAY - dt.timedelta(days=20)),
    )
    state = SessionState(
        session_id="first-talk",
        strengths=[Strength(name="reading raw logs", evidence="I read logs for fun"),
                   Strength(name="automation scripts", evidence="I script every chore")],
        experiments=[running, reviewed],
    )
    coach.journal.save(state)
    coach._remember(state)
    coach.notebook_store.put_card("local", running, "first-talk", started_on=TODAY - dt.timedelta(days=9))
    coach.journal.close()
    return {"running": running.id, "reviewed": reviewed.id}


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_notebook_json_lists_strengths_and_cards_with_id_and_status(settings):
    ids = make_person(settings)
    done = invoke("notebook", "--json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert [s["name"] for s in data["strengths"]] == ["reading raw logs", "automation scripts"]
    assert {c["id"]: c["status"] for c in data["experiments"]} == {ids["running"]: "running", ids["reviewed"]: "reviewed"}
    text = invoke("notebook").stdout
    assert "Raw logs every morning · running" in text and "reward +1" in text
    assert "Next: " in text and ("exploit" in text or "explore" in text)


def test_check_from_the_terminal_by_id_prefix_and_title_words(settings):
    ids = make_person(settings)
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert invoke("check", ids["running"][:4], "--date", yesterday).exit_code == 0
    done = invoke("check", "raw logs")
    assert done.exit_code == 0, done.output
    assert "Streak 2 day(s); adherence 100%" in done.stdout
    done = invoke("check", "raw logs", "--no", "--date", (TODAY - dt.timedelta(days=2)).isoformat())
    assert "adherence 67% (2 done, 1 missed, 0 skipped)" in done.stdout
    bad = invoke("check", "script the release")  # reviewed: no ticks any more
    assert bad.exit_code == 2 and "not running" in bad.output
    assert invoke("check", "nothing like it").exit_code == 2
    assert "Not a date" in invoke("check", "raw", "--date", "9 Dec").output
    future = invoke("check", "raw", "--date", (TODAY + dt.timedelta(days=1)).isoformat())
    assert future.exit_code == 2 and "future" in future.output


def test_due_lists_overdue_reviews(settings):
    ids = make_person(settings)
    done = invoke("due")
    assert done.exit_code == 0
    assert f"[{ids['running']}] Raw logs every morning: review overdue by 2 day(s)" in done.stdout


def test_remind_prints_an_ics(settings):
    ids = make_person(settings)
    done = invoke("remind", ids["running"])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("BEGIN:VCALENDAR") and "BEGIN:VALARM" in done.stdout
    assert "RRULE:FREQ=DAILY;COUNT=7" in done.stdout


def test_export_person_then_import_into_a_new_home_round_trips(settings, tmp_path, monkeypatch):
    ids = make_person(settings)
    invoke("check", ids["running"])
    invoke("rename", "first-talk", "Logs and scripts")
    exported = invoke("export", "--person", "--format", "json")
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.stdout)
    assert data["policy"][0]["strength"] == "reading raw logs"
    markdown = invoke("export", "--person").stdout
    assert "| automation scripts | 1 | 0 | +1.0 |" in markdown and "“I read logs for fun”" in markdown
    path = tmp_path / "me.json"
    path.write_text(exported.stdout, encoding="utf-8")

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "elsewhere"))
    done = invoke("import", str(path))
    assert done.exit_code == 0, done.output
    assert "imported 2 strength(s), 2 experiment(s), 1 tick(s), 1 conversation(s)" in done.stdout
    again = json.loads(invoke("export", "--person", "--format", "json").stdout)
    for key in ("strengths", "experiments", "policy"):
        assert again[key] == data[key], key
    assert [c["title"] for c in again["conversations"]] == ["Logs and scripts"]
    twice = invoke("import", str(path))
    assert "imported 2 strength(s), 2 experiment(s), 1 tick(s), 0 conversation(s)" in twice.stdout
    assert json.loads(invoke("export", "--person", "--format", "json").stdout)["experiments"] == data["experiments"]
    assert "Logs and scripts" in invoke("sessions").stdout


def test_import_refuses_a_file_that_is_not_a_person_export(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"session": {}}')
    done = invoke("import", str(path))
    assert done.exit_code == 2 and "Not a person export" in done.output
    assert "Cannot read" in invoke("import", str(tmp_path / "missing.json")).output


@pytest.mark.slow
def test_coach_ask_in_a_new_session_knows_what_earlier_sessions_learnt(settings, coach_home):
    make_person(settings)
    env = {**os.environ, "COACH_HOME": str(coach_home)}
    done = subprocess.run([COACH, "ask", "hello"], capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr
    due = TODAY - dt.timedelta(days=2)
    assert f"Your experiment 'Raw logs every morning' was due on {due.day} {due:%B}" in done.stdout
    ticked = subprocess.run([COACH, "ask", "did it today"], capture_output=True, text=True, env=env, timeout=240)
    assert "Ticked ✓ 'Raw logs every morning'" in ticked.stdout, ticked.stdout
    assert json.loads(invoke("notebook", "--json").stdout)["experiments"][0]["progress"]["yes"] == 1
