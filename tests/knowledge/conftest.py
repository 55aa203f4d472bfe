"""Fixtures for the knowledge base tests: a fresh store per test, a real Chroma server.

The shared `embeddings` fixture (one real e5 model for the run) and the per-test COACH_HOME come
from tests/conftest.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.server_wait import wait_until_up

REPO = Path(__file__).resolve().parents[2]

CORPUS_FILE = REPO / "knowledge" / "corpus" / "on-policy.ko.txt"
# shared/ sits beside the work tree (here and in CI).
SEED_FILE = REPO.parent / "shared" / "seeds" / "000_37843b200414dadf.txt"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def open_kb(home: Path, embeddings) -> Callable[..., object]:
    """Open a knowledge base under this test's home (keyword arguments go to `KnowledgeBase.open`)."""
    from knowledge import KnowledgeBase

    def _open(**kwargs):
        kwargs.setdefault("home", home)
        kwargs.setdefault("embeddings", embeddings)
        return KnowledgeBase.open(**kwargs)

    return _open


@pytest.fixture
def kb(open_kb):
    """A synced knowledge base holding the essay."""
    return open_kb()


@pytest.fixture
def corpus_text() -> str:
    return CORPUS_FILE.read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server (the `chroma` CLI from the venv) on a free local port; yields its URL."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.fail(f"the chroma CLI is missing: {chroma}")
    port = _free_port()
    log = (tmp_path / "chroma-server.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{url}/api/v2/heartbeat", timeout=30, what="chroma server", log=tmp_path / "chroma-server.log", poll=0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture
def seed_text() -> str:
    """The essay as it was captured from the web page, page chrome included."""
    if not SEED_FILE.exists():
        pytest.skip(f"seed file not found: {SEED_FILE}")
    return SEED_FILE.read_text(encoding="utf-8")
