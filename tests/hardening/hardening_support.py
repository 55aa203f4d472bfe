"""Constants and small helpers shared by the hardening tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Must never show up in a notice, a log line or an export.
SECRET = "sk-test-SECRET-123"
NO_NOTES = json.dumps({"strengths": [], "experiment": None, "experiment_agreed": False, "review": None})


def notes_with_strength(name: str) -> str:
    return json.dumps(
        {"strengths": [{"name": name, "kind": "strength"}], "experiment": None, "experiment_agreed": False, "review": None}
    )


def notes_from_token(body: dict, token: re.Pattern) -> str:
    """Notes whose strength is named after the first token the person's message carries.

    The note-taking request quotes the person's message first, then the coach's reply.
    """
    text = body["messages"][-1]["content"]
    said = text.split("<user>")[-1] if "<user>" in text else text
    return notes_with_strength(f"strength-{token.findall(said)[0][:5]}")


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def integrity(path: Path) -> str:
    """SQLite's own verdict on a database file ("ok" when intact)."""
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def reopened_coach(home: Path, model_url: str, embeddings, timeout: float):
    """After a process was killed: a new Coach on the same home, once the journal passes SQLite's
    integrity check."""
    from bot import Coach
    from bot.settings import Settings
    from knowledge import KnowledgeBase

    assert integrity(home / "journal.sqlite3") == "ok"
    settings = Settings(home=home, openai_base_url=model_url, timeout=timeout, max_retries=0)
    return Coach(knowledge=KnowledgeBase.open(settings=settings, embeddings=embeddings), settings=settings)


def run_at_once(work: Callable[[int], object], count: int, timeout: float) -> tuple[list, list[BaseException]]:
    """work(0..count-1) on that many threads at once: (results in order, errors raised)."""
    results, errors = [], []
    with ThreadPoolExecutor(max_workers=count) as pool:
        for future in [pool.submit(work, n) for n in range(count)]:
            try:
                results.append(future.result(timeout=timeout))
            except BaseException as exc:  # noqa: BLE001 - reported by the caller, all together
                errors.append(exc)
    return results, errors
