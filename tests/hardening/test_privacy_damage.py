"""Damage is named and repairable: a truncated or garbage journal or store, a deleted store with
ingested documents, a read-only COACH_HOME, a non-UTF-8 path, rows written by a newer version, and
a page whose session fails to load all get a one-line message that says what to do, and
`coach doctor --repair` salvages and rebuilds, keeping the damaged files beside."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from hardening_support import NO_NOTES

COACH = str(Path(sys.executable).with_name("coach"))
NOTE = "Running notes\n\nI ran five kilometres along the river every Saturday, marker river-heron-5k.\n"
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")


def coach_cmd(*args: str, home: Path | str, timeout: float = 180, user: int | None = None, **env: str):
    full = {**os.environ, "COACH_HOME": os.fsdecode(home), "ANONYMIZED_TELEMETRY": "False", **env}
    command = [COACH, *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, env=full, timeout=timeout, stdin=subprocess.DEVNULL)


def one_clear_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode != 0, done
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-2000:]
    line = done.stderr.strip().splitlines()[-1]
    for word in words:
        assert word in line, line
    return line


@pytest.fixture
def home_with_data(tmp_path, embeddings, recording_llm) -> Path:
    """A COACH_HOME with two sessions, an ingested document and the essay store."""
    from bot import Coach
    from bot.settings import Settings
    from knowledge import KnowledgeBase

    home = tmp_path / "damaged-home"
    settings = Settings(home=home)
    kb = KnowledgeBase.open(settings=settings, embeddings=embeddings)
    note = tmp_path / "running.md"
    note.write_text(NOTE, encoding="utf-8")
    kb.ingest([note])
    coach = Coach(llm=recording_llm(["What do people come to you for?", NO_NOTES]), knowledge=kb, settings=settings)
    for n in range(2):
        coach.ask(f"Session {n}: I copy my manager's playbook, marker keep-{n}.", f"keep-{n}")
    # The notes of the last turn land in the background: wait for them, as a clean shutdown does,
    # or they open the journal after the test has damaged it (and SQLite may write to it then).
    assert coach.wait_for_notes(timeout=60)
    coach.journal.close()
    with sqlite3.connect(home / "journal.sqlite3") as db:  # as a clean shutdown leaves it
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_journal_is_named_and_doctor_salvages_it(home_with_data, damage):
    journal = home_with_data / "journal.sqlite3"
    data = journal.read_bytes()
    damaged = b"this is not a database " * 200 if damage == "garbage" else data[: len(data) // 2]
    journal.write_bytes(damaged)

    line = one_clear_line(coach_cmd("sessions", home=home_with_data), str(journal), "coach doctor --repair")
    assert "damaged" in line
    served = coach_cmd("serve", "--port", "9", home=home_with_data)  # refused before it says "Running on"
    one_clear_line(served, str(journal), "doctor")
    assert "Running on" not in served.stdout + served.stderr

    checked = coach_cmd("doctor", home=home_with_data)
    assert checked.returncode == 1 and "BAD  journal" in checked.stdout
    repaired = coach_cmd("doctor", "--repair", home=home_with_data)
    assert "ok   journal: salvaged" in repaired.stdout, repaired.stdout + repaired.stderr
    kept = [p for p in home_with_data.glob("journal.sqlite3.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # the damaged file is kept beside, as it was
    assert coach_cmd("sessions", home=home_with_data).returncode == 0  # the coach works again
    assert coach_cmd("doctor", home=home_with_data).returncode == 0


@pytest.mark.slow
def test_a_damaged_store_is_named_and_rebuilt_with_the_ingested_documents(home_with_data):
    store = home_with_data / "chroma" / "chroma.sqlite3"
    store.write_bytes(b"\x00garbage" * 500)
    one_clear_line(coach_cmd("search", "running on weekends", home=home_with_data), str(store), "coach doctor --repair")
    served = coach_cmd("serve", "--port", "9", home=home_with_data)
    one_clear_line(served, str(store))
    assert "Running on" not in served.stdout + served.stderr

    repaired = coach_cmd("doctor", "--repair", home=home_with_data)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "rebuilt" in repaired.stdout and "1 ingested document(s)" in repaired.stdout
    assert list(home_with_data.glob("chroma.damaged-*"))
    found = coach_cmd("search", "how far do I run on weekends?", "-k", "2", home=home_with_data)
    assert found.returncode == 0 and "river-heron-5k" in found.stdout


@pytest.mark.slow
def test_a_deleted_store_with_ingested_documents_is_noticed_not_silently_rebuilt(home_with_data, embeddings):
    from bot.settings import Settings
    from knowledge import KnowledgeBase

    (home_with_data / "chroma" / "chroma.sqlite3").unlink()
    kb = KnowledgeBase.open(settings=Settings(home=home_with_data), embeddings=embeddings)
    assert kb.notices and "1 ingested document(s) are not in it" in kb.notices[0] and "coach doctor --repair" in kb.notices[0]
    checked = coach_cmd("doctor", home=home_with_data)
    assert checked.returncode == 1 and "BAD  knowledge store" in checked.stdout and "1 ingested document(s)" in checked.stdout
    assert coach_cmd("doctor", "--repair", home=home_with_data).returncode == 0
    assert "river-heron-5k" in coach_cmd("search", "running on Saturdays", "-k", "2", home=home_with_data).stdout


@pytest.mark.slow
def test_a_read_only_home_still_searches_lists_and_exports(home_with_data):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root to act as a second user") if not os.environ.get("CI") else pytest.fail("needs root")
    # Another user's home they may read but not write: read-only for them, whatever they try.
    base = Path(tempfile.mkdtemp(prefix="coach-ro-"))
    try:
        base.chmod(0o755)
        home = base / "home"
        shutil.copytree(home_with_data, home)
        for path in [home, *home.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        before = {p: p.stat().st_mtime_ns for p in home.rglob("*")}
        listed = coach_cmd("sessions", home=home, user=65534, HOME=str(base))
        assert listed.returncode == 0 and "keep-0" in listed.stdout and "keep-1" in listed.stdout, listed.stderr
        exported = coach_cmd("export", "keep-1", home=home, user=65534, HOME=str(base))
        assert exported.returncode == 0 and "marker keep-1" in exported.stdout, exported.stderr
        found = coach_cmd("search", "running on Saturdays", "-k", "2", home=home, user=65534, HOME=str(base))
        assert found.returncode == 0 and "river-heron-5k" in found.stdout, found.stderr
        said = coach_cmd("ask", "hello", "--session", "keep-0", home=home, user=65534, HOME=str(base))
        one_clear_line(said, "read-only", "COACH_HOME")
        assert {p: p.stat().st_mtime_ns for p in home.rglob("*")} == before  # nothing was written
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_a_non_utf8_home_is_named(tmp_path):
    home = os.fsdecode(bytes(tmp_path) + b"/caf\xe9-home")
    done = coach_cmd("sessions", home=home)
    one_clear_line(done, "not valid UTF-8", "COACH_HOME")


def test_rows_from_a_newer_version_still_load(make_coach, recording_llm, coach_home):
    coach = make_coach(recording_llm(["What do people come to you for?", NO_NOTES]))
    sid = coach.ask("I copy my manager, marker newer-1.").session_id
    with sqlite3.connect(coach_home / "journal.sqlite3") as db:
        state = json.loads(db.execute("SELECT state FROM sessions WHERE id = ?", (sid,)).fetchone()[0])
        state["stage"] = "reflection"  # a stage this version does not know
        state["strengths"] = [{"name": "reading raw logs", "kind": "talent"}, {"name": "patience"}]
        state["experiments"] = [{"title": "raw logs daily", "status": "paused", "mood": "hopeful"}]
        state["future_field"] = {"anything": 1}
        db.execute("UPDATE sessions SET state = ? WHERE id = ?", (json.dumps(state), sid))
        db.execute("UPDATE messages SET status = 'edited' WHERE session_id = ?", (sid,))
    loaded = coach.state(sid)
    assert loaded.stage.value == "open" and [s.name for s in loaded.strengths] == ["reading raw logs", "patience"]
    assert [(c.title, c.status) for c in loaded.experiments] == [("raw logs daily", "proposed")]
    assert [m.content for m in coach.history(sid)][0] == "I copy my manager, marker newer-1."
    assert [s.id for s in coach.sessions()] == [sid]
    assert "raw logs daily" in coach.export(sid)
    assert coach.ask("And now?", sid).error is None  # the conversation goes on


@pytest.mark.slow
def test_a_failed_restore_keeps_the_browser_on_its_session(make_coach, recording_llm, monkeypatch):
    from bot.journal import JournalProblem
    from privacy_support import Raw, fn_indices, launch
    from ui import build_app

    coach = make_coach(recording_llm(["What do people come to you for?", NO_NOTES]))
    sid = coach.ask("Marker kept-through-failure.").session_id
    page = build_app(coach)
    url = launch(page)
    raw = Raw.open(url)
    real_history = coach.history
    try:
        def broken(*args, **kwargs):
            raise JournalProblem("The journal /x/journal.sqlite3 is damaged (database disk image is malformed).")

        monkeypatch.setattr(coach, "history", broken)
        index = fn_indices(page)
        ok, output = raw.fn(index["restore"], [sid, None])
        assert ok
        assert not any(isinstance(v, str) and len(v) == 32 and v != sid for v in output)  # no new session id
        assert all(v is not None for v in output[:1])  # the stored id is left as it is (an update that skips)
        monkeypatch.setattr(coach, "history", real_history)  # the row is back
        ok, output = raw.fn(index["restore"], [sid, None])
        assert ok and sid in json.dumps(output) and "kept-through-failure" in json.dumps(output)
    finally:
        raw.close()
        page.close()
