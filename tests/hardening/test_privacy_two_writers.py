"""One session, one writer: two processes (a web tab's server and `coach chat --session ID`) taking
turns on the same session never interleave their messages nor clobber each other's state."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time

import pytest

from hardening_support import notes_from_token

pytestmark = pytest.mark.slow
TOKEN = re.compile(r"p[0-9]t[0-9]")
TURNS = 5

SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from types import SimpleNamespace
    from pathlib import Path
    from langchain_core.embeddings import DeterministicFakeEmbedding
    from bot import Coach
    from bot.settings import Settings

    class NoKnowledge:  # this test is about the journal; the essay store is not shared between processes
        embeddings = DeterministicFakeEmbedding(size=8)
        def search_by_vector(self, vector, k=4): return []
        def search_views(self, vector, k=4, **context): return []
        def views(self): return SimpleNamespace(lexical=None, tokenize=None, ids=[])
        def search(self, query, k=4): return []
        def get(self, ids): return []

    home, url, me, go = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
    settings = Settings(home=home, openai_base_url=url, timeout=30, max_retries=0)
    coach = Coach(knowledge=NoKnowledge(), settings=settings)
    while not go.exists():
        time.sleep(0.01)
    for t in range(int(sys.argv[5])):
        reply = coach.ask(f"Process {me} turn {t}: my marker is p{me}t{t}.", "shared-session")
        assert reply.error is None, reply.text
    coach.wait_for_notes()  # as `coach ask` does before it exits: notes land after the reply
    print("done", me)
    """
)


def _last_user(body: dict) -> str:
    return [m for m in body["messages"] if m["role"] == "user"][-1]["content"]


def test_two_processes_on_one_session_take_turns(fake_openai, tmp_path):
    def reply(body: dict) -> str:
        return f"Echo {TOKEN.findall(_last_user(body))[-1]}: " + " ".join(["and what did the world answer"] * 3)

    server = fake_openai(reply=reply, notes=lambda body: notes_from_token(body, TOKEN), token_delay=0.01)
    home = tmp_path / "shared-home"
    go = tmp_path / "go"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "OMP_WAIT_POLICY": "PASSIVE"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(home), server.url, str(n), str(go), str(TURNS)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for n in (1, 2)
    ]
    time.sleep(3)  # both imported and waiting
    go.touch()
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-3000:]

    from bot.journal import Journal

    journal = Journal(home / "journal.sqlite3")
    history = journal.messages("shared-session")
    assert [m.role for m in history] == ["user", "assistant"] * (2 * TURNS)  # never two of a role in a row
    for said, answered in zip(history[::2], history[1::2]):
        assert TOKEN.findall(answered.content) == TOKEN.findall(said.content)  # each reply to its own message
    # The state each turn saved included every earlier turn's: nothing was clobbered.
    names = sorted(s.name for s in journal.load("shared-session").strengths)
    assert names == sorted(f"strength-p{n}t{t}"[:14] for n in (1, 2) for t in range(TURNS))
    # And the two processes really did overlap (their turns interleave in time).
    order = [TOKEN.findall(m.content)[0][1] for m in history[::2]]
    assert "12" in "".join(order) or "21" in "".join(order), order
    assert json.loads(json.dumps(order))
