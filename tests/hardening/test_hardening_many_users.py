"""Many people at once: 20 sessions in threads against a slow fake model; nothing crosses sessions."""

from __future__ import annotations

import re
import sqlite3
import threading

import pytest

from hardening_support import notes_from_token, run_at_once

pytestmark = pytest.mark.slow

SESSIONS = 20
TURNS = 3
TOKEN = re.compile(r"tok[0-9]{2}x[0-9]")


def _last_user_token(body: dict) -> str:
    last = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
    return TOKEN.findall(last)[-1]


def _reply(body: dict) -> str:
    return f"Echo {_last_user_token(body)}: what did the world answer when you tried it your way?"


def _notes(body: dict) -> str:
    return notes_from_token(body, TOKEN)


def test_twenty_sessions_at_once_stay_apart(model_coach, fake_openai, coach_home):
    server = fake_openai(reply=_reply, notes=_notes, latency=0.2)
    coach = model_coach(server.url, timeout=10)
    coach.warm_up()
    start = threading.Barrier(SESSIONS)

    def converse(n: int) -> list:
        session = f"user-{n:02d}"
        replies = []
        start.wait()
        for t in range(TURNS):
            token = f"tok{n:02d}x{t}"
            replies.append(coach.ask(f"Turn {t} from {session}: my marker is {token}.", session))
        return replies

    results, errors = run_at_once(converse, SESSIONS, timeout=60)
    assert not errors, errors
    assert coach.wait_for_notes(timeout=30)  # the last turns' notes land after their replies

    for n, replies in enumerate(results):
        session = f"user-{n:02d}"
        for t, reply in enumerate(replies):
            assert reply.error is None, reply.text
            assert reply.session_id == session
            assert TOKEN.findall(reply.text) == [f"tok{n:02d}x{t}"], reply.text
            # A reply carries the state as known: the first turn's notes land after its reply.
            assert [s.name for s in reply.strengths] == ([f"strength-tok{n:02d}"] if t else [])
        history = coach.history(session)
        assert [m.role for m in history] == ["user", "assistant"] * TURNS
        assert all(m.status == "ok" for m in history)
        tokens = {tok for m in history for tok in TOKEN.findall(m.content)}
        assert tokens == {f"tok{n:02d}x{t}" for t in range(TURNS)}
        assert [s.name for s in coach.state(session).strengths] == [f"strength-tok{n:02d}"]

    assert len(server.chat_requests()) == SESSIONS * TURNS
    assert len(server.chat_requests(notes=True)) == SESSIONS * TURNS
    summaries = coach.sessions()
    assert len(summaries) == SESSIONS and all(s.messages == 2 * TURNS for s in summaries)
    with sqlite3.connect(coach_home / "journal.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone() == (SESSIONS * TURNS * 2,)
        assert db.execute("SELECT COUNT(*) FROM messages WHERE session_id NOT IN (SELECT id FROM sessions)").fetchone() == (0,)
