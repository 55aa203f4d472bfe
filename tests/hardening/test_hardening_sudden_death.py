"""Sudden death: a process coaching in a loop is SIGKILLed mid-conversation; every answered turn
survives, the journal and the Chroma store reopen cleanly, and the next turn works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from hardening_support import integrity, reopened_coach

pytestmark = pytest.mark.slow

SESSION = "crash-test"
DOC = "Crash notes\n\nI rebuild small tools from scratch to understand them, one evening a week.\n"

WORKER = textwrap.dedent(
    """
    import sys
    from bot import Coach

    coach = Coach()
    coach.knowledge.ingest([sys.argv[2]])
    print("READY", flush=True)
    turn = 0
    while True:
        turn += 1
        reply = coach.ask(f"Turn {turn}: I tried my own way again, number {turn}.", sys.argv[1])
        if reply.error is None:
            print(f"ANSWERED {turn}", flush=True)
        else:
            print(f"FAILED {turn} {reply.error}", flush=True)
    """
)


def _reply(body: dict) -> str:
    last = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
    return f"Answer to: {last}"


def test_a_killed_coach_loses_no_answered_turn(fake_openai, tmp_path, embeddings):
    home = tmp_path / "crash-home"
    doc = tmp_path / "crash-notes.md"
    doc.write_text(DOC, encoding="utf-8")
    # Slow enough that the kill lands inside a turn, between writes.
    server = fake_openai(reply=_reply, latency=0.12, token_delay=0.01)
    env = {**os.environ, "COACH_HOME": str(home), "OPENAI_BASE_URL": server.url, "COACH_TIMEOUT": "10"}
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, SESSION, str(doc)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    answered: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while len(answered) < 4 and time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line:
                break
            if line.startswith("ANSWERED"):
                answered.append(int(line.split()[1]))
            assert not line.startswith("FAILED"), line
        assert len(answered) >= 4, worker.stderr.read() if worker.poll() is not None else "timed out"
        time.sleep(0.1)  # into the next turn: its request is with the model, or a write is under way
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        answered += [int(line.split()[1]) for line in worker.stdout.read().splitlines() if line.startswith("ANSWERED")]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL

    # The journal reopens cleanly in a new coach and holds every answered turn, in order.
    coach = reopened_coach(home, server.url, embeddings, timeout=10)
    kb = coach.knowledge
    history = coach.history(SESSION)
    for turn in answered:
        said = f"Turn {turn}: I tried my own way again, number {turn}."
        i = next(i for i, m in enumerate(history) if m.role == "user" and m.content == said)
        assert history[i + 1].role == "assistant" and history[i + 1].content == f"Answer to: {said}"
        assert history[i + 1].status == "ok"
    # At most the turn in flight is left without an answer; nothing else is missing or doubled.
    users = [m.content for m in history if m.role == "user"]
    assert users == [f"Turn {n}: I tried my own way again, number {n}." for n in range(1, len(users) + 1)]
    assert len(users) - len(answered) <= 1

    # The Chroma store reopens cleanly and still finds what the killed process ingested.
    chroma_db = home / "chroma" / "chroma.sqlite3"
    assert integrity(chroma_db) == "ok"
    assert kb.sync().changed is False
    top = kb.search("rebuilding tools from scratch to understand them", 1)[0]
    assert "rebuild small tools" in top.text and top.source == str(doc.resolve())

    # And the next turn works, in the same session.
    # "I'm back after the crash" draws a (false) safety check-in from the classifier; this test is
    # about the journal, so it says "restart" (the false positive is listed in the issue-11 note).
    reply = coach.ask("Back again after the restart. What should I try next?", SESSION)
    assert reply.error is None and reply.text == "Answer to: Back again after the restart. What should I try next?"
    assert coach.history(SESSION)[-1].content == reply.text
