"""The served page under stress: many people at once through gradio_client, and a `coach serve`
process SIGKILLed mid-turn, whose answered turns survive and whose old session a restart serves."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.server_wait import wait_until_up

from hardening_support import integrity, notes_from_token, reopened_coach, run_at_once

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]

TOKEN = re.compile(r"tok[0-9]{2}x[0-9]")
STARTUP_SECONDS = 180  # a cold `coach serve` builds the essay store first: ~5-8 s here, more under load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _client(url: str, **kwargs):
    from gradio_client import Client

    return Client(url, verbose=False, **kwargs)


def _last_user(body: dict) -> str:
    return [m for m in body["messages"] if m["role"] == "user"][-1]["content"]


# -- many users through gradio_client ---------------------------------------------------------------

USERS = 10
TURNS = 2


def _echo(body: dict) -> str:
    return f"Echo {TOKEN.findall(_last_user(body))[-1]}: what did the world answer when you tried it your way?"


def _notes(body: dict) -> str:
    return notes_from_token(body, TOKEN)


def test_ten_gradio_clients_at_once_stay_apart(make_coach, fake_openai, coach_home):
    from ui import build_app

    answered_at: list[float] = []

    def reply(body: dict) -> str:
        answered_at.append(time.monotonic())
        return _echo(body)

    server = fake_openai(reply=reply, notes=_notes, latency=0.2)
    coach = make_coach(openai_base_url=server.url, timeout=20, max_retries=0)
    assert coach.mode == "compatible"
    coach.warm_up()
    from bot.people import GUEST_HEADER, Access, GuestTokens

    # Ten people: guests, each with their own token (the local person's sessions would share a notebook).
    guests = GuestTokens.at(coach_home)
    tokens = [guests.issue() for _ in range(USERS)]
    page = build_app(coach, Access("guests", guests=guests))
    port = _free_port()
    page.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    start = threading.Barrier(USERS)

    def converse(n: int) -> tuple[str, list[str]]:
        client = _client(url, headers={GUEST_HEADER: tokens[n]})  # each person has their own client
        try:
            start.wait(timeout=60)
            session_id, replies = "", []
            for t in range(TURNS):
                token = f"tok{n:02d}x{t}"
                reply, session_id, _sources = client.predict(
                    f"Turn {t} from person {n}: my marker is {token}.", session_id, api_name="/chat"
                )
                replies.append(reply)
            return session_id, replies
        finally:
            client.close()

    try:
        results, errors = run_at_once(converse, USERS, timeout=120)
        assert not errors, errors
    finally:
        page.close()

    assert coach.wait_for_notes(timeout=30)  # the last turns' notes land after their replies
    sessions = [session_id for session_id, _ in results]
    assert len(set(sessions)) == USERS and all(sessions)
    for n, (session_id, replies) in enumerate(results):
        for t, reply in enumerate(replies):
            assert reply.startswith("Echo "), reply  # answered by the model, not a failure notice
            assert TOKEN.findall(reply) == [f"tok{n:02d}x{t}"], reply
        person = guests.person(tokens[n])
        assert [s.name for s in coach.state(session_id, person).strengths] == [f"strength-tok{n:02d}"]
        history = coach.history(session_id, person)
        assert [m.role for m in history] == ["user", "assistant"] * TURNS
        assert all(m.status == "ok" for m in history)
        assert [TOKEN.findall(m.content) for m in history] == [
            [f"tok{n:02d}x{t}"] for t in range(TURNS) for _ in ("user", "assistant")
        ]

    assert len(server.chat_requests()) == USERS * TURNS
    assert len(server.chat_requests(notes=True)) == USERS * TURNS
    # They really were at once: one after another, ten first turns take >= 10 x 0.4 s (reply + notes).
    first_turns = sorted(answered_at)[:USERS]
    assert first_turns[-1] - first_turns[0] < 3.0, first_turns
    assert integrity(coach_home / "journal.sqlite3") == "ok"
    with sqlite3.connect(coach_home / "journal.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone() == (USERS * TURNS * 2,)


# -- sudden death of `coach serve` ------------------------------------------------------------------

SAID = [
    "I've been copying my manager's playbook and I feel stuck. Marker tok01x0.",
    "People come to me when the data looks weird. Marker tok01x1.",
    "So maybe I should lean into reading raw data. Marker tok01x2.",
    "I'm back after the server went down. Marker tok01x3.",
]
# ~20 words at 0.08 s each after 0.3 s: a turn streams for ~2 s, long enough to be killed inside.
FILLER = "and what did the world answer when you tried it your own way this week"


def _slow_echo(body: dict) -> str:
    return f"Echo {TOKEN.findall(_last_user(body))[-1]}: {FILLER}?"


def _coach_command() -> str:
    command = Path(sys.executable).with_name("coach")
    assert command.exists(), f"{command} is missing (pip install -e .)"
    return str(command)


class Served:
    """`coach serve --port N` in its own process group, with its output in a log file."""

    def __init__(self, home: Path, model_url: str, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        env = {
            **os.environ,
            "COACH_HOME": str(home),
            "OPENAI_BASE_URL": model_url,
            "COACH_TIMEOUT": "20",
            "COACH_MAX_RETRIES": "0",
            "ANONYMIZED_TELEMETRY": "False",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1",
        }
        with open(log, "wb") as out:  # the child keeps its own copy of the file
            self.proc = subprocess.Popen(
                [_coach_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        wait_until_up(self.proc, self.url, timeout=timeout, what="coach serve", log=self.log)

    def kill(self) -> None:
        """SIGKILL the server and anything it started (its own process group)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)


def test_a_killed_server_loses_no_answered_turn_and_serves_the_session_again(fake_openai, tmp_path, embeddings):
    home = tmp_path / "served-home"
    server = fake_openai(reply=_slow_echo, latency=0.3, token_delay=0.08)

    # A conversation with a served page, killed while its third turn streams.
    served = Served(home, server.url, tmp_path / "serve-1.log")
    client = None
    try:
        served.wait_ready()
        client = _client(served.url)
        reply1, session_id, _ = client.predict(SAID[0], "", api_name="/chat")
        reply2, same, _ = client.predict(SAID[1], session_id, api_name="/chat")
        assert same == session_id
        assert reply1 == _slow_echo({"messages": [{"role": "user", "content": SAID[0]}]}), served.output()
        assert reply2 == _slow_echo({"messages": [{"role": "user", "content": SAID[1]}]}), served.output()

        job = client.submit(SAID[2], session_id, api_name="/chat")
        deadline = time.monotonic() + 60
        while len(server.chat_requests()) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(server.chat_requests()) == 3, served.output()
        assert _last_user(server.chat_requests()[-1]) == SAID[2]
        time.sleep(0.6)  # past the model's first byte: the reply is streaming into the server
        assert not job.done()
        served.kill()
        assert served.proc.returncode == -signal.SIGKILL
    finally:
        served.kill()
        if client is not None:
            client.close()
    assert len(server.chat_requests(notes=True)) == 2  # the third turn never got as far as its notes

    # The journal holds both answered turns and the third message, and is intact.
    coach = reopened_coach(home, server.url, embeddings, timeout=20)
    kb = coach.knowledge
    history = coach.history(session_id)
    assert [(m.role, m.content) for m in history] == [
        ("user", SAID[0]),
        ("assistant", reply1),
        ("user", SAID[1]),
        ("assistant", reply2),
        ("user", SAID[2]),  # journalled before the model was called; its answer died with the server
    ]
    assert all(m.status == "ok" for m in history)

    # The Chroma store reopens and answers.
    assert integrity(home / "chroma" / "chroma.sqlite3") == "ok"
    top = kb.search("Why can't copying my mentor make me better than them?", 3)
    assert top and all(p.id.startswith("essay-") for p in top)

    # A new `coach serve` on the same home picks the old session up.
    again = Served(home, server.url, tmp_path / "serve-2.log")
    client = None
    try:
        again.wait_ready()
        client = _client(again.url)
        reply4, same, _ = client.predict(SAID[3], session_id, api_name="/chat")
        assert same == session_id
        assert reply4 == _slow_echo({"messages": [{"role": "user", "content": SAID[3]}]}), again.output()
    finally:
        again.kill()
        if client is not None:
            client.close()
    assert "Traceback" not in again.output()
    prompt = server.chat_requests()[-1]
    # The third message never got its answer: it is folded into the next one, so roles alternate.
    assert _last_user(prompt) == f"{SAID[2]}\n\n{SAID[3]}"
    said_before = [m["content"] for m in prompt["messages"]]
    for earlier in (SAID[0], reply1, SAID[1], reply2):
        assert earlier in said_before, said_before
    history = coach.history(session_id)
    assert [(m.role, m.content) for m in history[-2:]] == [("user", SAID[3]), ("assistant", reply4)]
