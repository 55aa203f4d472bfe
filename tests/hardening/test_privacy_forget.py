"""Forgetting that forgets: the words leave the journal file and its WAL (while the server still has
it open), the in-memory caches go, a turn in flight cannot write the session back, and a person
can forget everything of theirs from the CLI and the API."""

from __future__ import annotations

import threading
import time

import pytest
from typer.testing import CliRunner

from hardening_support import NO_NOTES

SECRET_WORDS = "zebra-quartz-salary-91000"
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")


def _bytes_of(home) -> bytes:
    """Everything on disk under the journal: the file, its WAL and its SHM (what `strings` would see)."""
    found = b""
    for path in sorted(home.glob("journal.sqlite3*")):
        found += path.read_bytes()
    return found


@pytest.fixture
def coach(make_coach, recording_llm):
    return make_coach(recording_llm(["I hear you. What would make this worth it?", NO_NOTES]))


def test_forgotten_words_leave_the_file_and_the_wal(coach, coach_home):
    keep = coach.ask("A conversation to keep: tok-keep-1").session_id
    forget = coach.ask(f"My private diary: {SECRET_WORDS}").session_id
    for _ in range(3):
        coach.ask(f"Again {SECRET_WORDS}", forget)
    assert _bytes_of(coach_home).count(SECRET_WORDS.encode()) >= 4  # the test can see them
    # The kept conversation's notes land after its reply, in the background: let them land first,
    # or their write after the forget is what the WAL holds (it failed so once, under load).
    coach.wait_for_notes()

    assert coach.forget(forget) is True
    # The coach (like a running server) still has the journal open.
    assert SECRET_WORDS.encode() not in _bytes_of(coach_home)
    assert (coach_home / "journal.sqlite3-wal").stat().st_size == 0  # the WAL was truncated
    assert [s.id for s in coach.sessions()] == [keep] and coach.history(forget) == []
    assert b"tok-keep-1" in _bytes_of(coach_home)
    assert coach.forget(forget) is False


def test_forgetting_drops_the_query_vectors_and_the_session_lock(coach):
    sid = coach.ask(f"I copy my manager: {SECRET_WORDS}").session_id
    assert coach._query_vectors is not None and sid in coach._session_locks
    coach._query_vectors.vectors(sid, [f"the words {SECRET_WORDS}"])  # the session's remembered query vectors
    assert sid in coach._query_vectors._recent
    coach.forget(sid)
    assert sid not in coach._session_locks and sid not in coach._query_vectors._recent


def test_a_turn_in_flight_cannot_write_a_forgotten_session_back(make_coach, recording_llm):
    slow = make_coach(recording_llm([f"slowly thinking about {SECRET_WORDS} " * 20, NO_NOTES], sleep=0.02))
    sid = slow.ask("First turn, to have a session.").session_id
    streaming = threading.Event()
    done: list = []

    def turn() -> None:
        for item in slow.stream(f"Second turn with {SECRET_WORDS}", sid):
            streaming.set()
            done.append(item)

    worker = threading.Thread(target=turn)
    worker.start()
    assert streaming.wait(30)
    assert slow.forget(sid) is True  # does not wait for the turn
    worker.join(60)
    assert done and done[-1].text  # the turn ended normally for whoever was watching it...
    assert slow.sessions() == [] and slow.history(sid) == []  # ...but wrote nothing back
    assert slow.journal.load(sid) is None
    # And the id can start afresh afterwards.
    assert slow.ask("A new beginning.", sid).error is None and len(slow.history(sid)) == 2


def test_forget_everything_of_a_person_from_the_cli_and_the_api(coach, monkeypatch):
    from bot import cli
    from bot.people import Person

    alice = Person.user("alice")
    for n in range(3):
        coach.ask(f"alice {n} {SECRET_WORDS}", person=alice)
    mine = coach.ask("the owner's own words").session_id
    monkeypatch.setattr(cli, "_coach", lambda: coach)
    runner = CliRunner()
    result = runner.invoke(cli.app, ["forget", "--user", "alice"])
    assert result.exit_code == 0 and "Forgot 3 session(s) of alice" in result.stdout
    assert coach.sessions(alice) == [] and [s.id for s in coach.sessions()] == [mine]
    result = runner.invoke(cli.app, ["forget", "--all"])
    assert result.exit_code == 0 and "Forgot 1 session(s)" in result.stdout and coach.sessions() == []
    assert runner.invoke(cli.app, ["forget"]).exit_code == 2  # nothing said: nothing forgotten
    assert coach.forget_everything(alice) == 0


@pytest.mark.slow
def test_forget_from_the_page_asks_first_and_then_forgets(coach, coach_home):
    from privacy_support import Raw, fn_indices, launch
    from ui import build_app

    sid = coach.ask(f"page diary {SECRET_WORDS}").session_id
    page = build_app(coach)
    url = launch(page)
    raw = Raw.open(url)
    try:
        index = fn_indices(page)
        ok, _ = raw.fn(index["do_forget"], ["one", sid, None])  # "Yes" without having been asked: nothing
        assert ok and coach.owns(sid)
        tab = "one-tab"
        ok, output = raw.fn(index["ask"], [sid, None], tab)  # the button only asks (for its owner)
        assert ok and any("Forget this conversation?" in str(v) for v in output)
        assert coach.owns(sid)
        ok, _ = raw.fn(index["do_forget"], ["", sid, None], tab)  # "Yes, forget it"
        assert ok and not coach.owns(sid)
        assert SECRET_WORDS.encode() not in _bytes_of(coach_home)
        # The API, too.
        other = coach.ask("api diary").session_id
        kind, text = raw.call("forget", [other, False])
        assert kind == "complete" and text == "[1]" and not coach.owns(other)
        time.sleep(0)  # nothing left running
    finally:
        raw.close()
        page.close()
