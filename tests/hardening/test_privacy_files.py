"""Private files: COACH_HOME is 0700 and its files 0600 (another OS user cannot read them), and an
export reaches only its owner: served once from memory, never through a shared temp folder,
gone after the download, after forgetting and at shutdown; old exports are removed at start."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from hardening_support import NO_NOTES

MARKER = "export-marker-violet-4417"
NOBODY = 65534
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _as_nobody(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command],
        capture_output=True, text=True, timeout=30,
    )


@pytest.fixture
def open_base():
    """A folder everyone may enter (like a home directory), so only COACH_HOME's own bits protect it."""
    base = Path(tempfile.mkdtemp(prefix="coach-privacy-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_coach_home_and_its_files_are_the_owners_only(open_base, embeddings, recording_llm):
    from bot import Coach
    from bot.settings import Settings
    from knowledge import KnowledgeBase
    from knowledge.private import loose

    home = open_base / "coach-home"
    settings = Settings(home=home)
    kb = KnowledgeBase.open(settings=settings, embeddings=embeddings)
    note = open_base / "my-notes.md"
    note.write_text(f"My notes\n\nI read raw logs every morning. {MARKER}\n", encoding="utf-8")
    kb.ingest([note])
    coach = Coach(llm=recording_llm(["What do people come to you for?", NO_NOTES]), knowledge=kb, settings=settings)
    coach.ask(f"My private diary {MARKER}")

    assert _mode(home) == 0o700
    for name in ("journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm", "ingested.json"):
        assert (home / name).exists() and _mode(home / name) == 0o600, name
    assert _mode(home / "chroma") == 0o700 and _mode(home / "chroma" / "chroma.sqlite3") == 0o600
    assert loose(home) == []  # nothing under it is readable or enterable by others

    if os.geteuid() == 0 and shutil.which("setpriv"):  # a second OS user tries
        readable = open_base / "public.txt"
        readable.write_text("anyone may read this")
        readable.chmod(0o644)
        assert _as_nobody("cat", str(readable)).returncode == 0  # the other user can read what is meant to be read
        for target in (home / "journal.sqlite3", home / "chroma" / "chroma.sqlite3", home / "ingested.json"):
            denied = _as_nobody("cat", str(target))
            assert denied.returncode != 0 and "Permission denied" in denied.stderr, target
        assert _as_nobody("ls", str(home)).returncode != 0


def _files_containing(root: Path, needle: bytes, skip: Path, since: float) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath).is_relative_to(skip):
            dirnames[:] = []
            continue
        for name in filenames:
            path = Path(dirpath) / name
            try:
                st = path.lstat()
                if stat.S_ISREG(st.st_mode) and st.st_mtime >= since and st.st_size < 5_000_000:
                    if needle in path.read_bytes():
                        found.append(path)
            except OSError:
                continue
    return found


@pytest.mark.slow
def test_an_export_is_served_once_to_its_owner_and_never_through_a_temp_folder(make_coach, recording_llm, coach_home):
    import httpx

    from privacy_support import Raw, fn_indices, launch
    from ui import build_app

    stale = Path(tempfile.gettempdir()) / "coach-export-stale-test"
    stale.mkdir(exist_ok=True)
    (stale / "on-policy-coach-old.md").write_text(f"an old export {MARKER}")
    started = time.time() - 1
    coach = make_coach(recording_llm(["What do people come to you for?", NO_NOTES]))
    sid = coach.ask(f"My private diary {MARKER}").session_id
    page = build_app(coach)
    assert not stale.exists()  # stale exports of earlier runs are removed at start
    temp = Path(os.environ["GRADIO_TEMP_DIR"])
    assert temp.is_relative_to(coach_home) and _mode(temp) == 0o700
    url = launch(page)
    raw = Raw.open(url)
    try:
        index = fn_indices(page)
        ok, output = raw.fn(index["export_markdown"], [sid, None])
        assert ok
        link = next(v["value"] for v in output if isinstance(v, dict) and "coach-download/" in str(v.get("value")))
        href = link.split('href="')[1].split('"')[0]
        got = httpx.get(url + href)
        assert got.status_code == 200 and MARKER in got.text
        assert "attachment" in got.headers["content-disposition"] and got.headers["cache-control"] == "no-store"
        assert httpx.get(url + href).status_code == 404  # once only
        assert _files_containing(Path(tempfile.gettempdir()), MARKER.encode(), coach_home.parent, started) == []

        # A link not yet used is gone once its owner forgets.
        ok, output = raw.fn(index["export_markdown"], [sid, None])
        href = next(v["value"] for v in output if isinstance(v, dict) and "coach-download/" in str(v.get("value")))
        href = href.split('href="')[1].split('"')[0]
        kind, _ = raw.call("forget", [sid, False])
        assert kind == "complete"
        assert httpx.get(url + href).status_code == 404

        # Another export waits in memory only, and is gone at shutdown.
        coach.ask(f"Second diary {MARKER}", "second")
        ok, _ = raw.fn(index["export_markdown"], ["second", None])
        assert ok and len(page.downloads) == 1
    finally:
        raw.close()
        page.close()
    assert len(page.downloads) == 0
    assert not any(MARKER.encode() in p.read_bytes() for p in temp.rglob("*") if p.is_file())


def test_the_accounts_file_keeps_salted_slow_hashes_only(tmp_path):
    from bot.people import Accounts

    path = tmp_path / "home" / "users.json"
    accounts = Accounts.load(path)
    accounts.add("alice", "correct horse")
    accounts.add("bob", "correct horse")
    stored = json.loads(path.read_text())
    assert "correct horse" not in path.read_text()
    assert stored["alice"].startswith("scrypt$16384$8$1$") and stored["alice"] != stored["bob"]  # salted
    assert _mode(path) == 0o600
    again = Accounts.load(path)
    assert again.check("alice", "correct horse") and not again.check("alice", "wrong") and not again.check("carol", "x")
