"""One writer per session: a turn claims its session (a `claims` row in the journal, taken in a
BEGIN IMMEDIATE transaction), so two processes on one session take turns, and a write from a turn
whose claim was dropped (the session was forgotten meanwhile) is refused."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from .journal_problems import named
from .session_ids import check_session_id

log = logging.getLogger("bot.journal")  # one log for the whole journal

# A claim outlives a live turn (the model's timeout and retries are far shorter); a holder that died
# on this machine is noticed at once by its pid.
CLAIM_LEASE_SECONDS = 600.0
CLAIM_WAIT_SECONDS = 120.0


class SessionBusy(RuntimeError):
    """Another process is in the middle of a turn of this session."""


class SessionClaims:
    """This process's claims on the journal's sessions; `tx` opens a BEGIN IMMEDIATE transaction
    on the journal (this thread's connection)."""

    def __init__(self, path: Path, tx: Callable[[], AbstractContextManager[sqlite3.Connection]]) -> None:
        self.path = path  # the journal's, for the errors SQLite gives about it
        self._tx = tx
        self._held: dict[str, str] = {}  # session id -> the token of this process's claim on it
        self._holder = f"{socket.gethostname()}:{os.getpid()}"

    @contextmanager
    def claim(self, session_id: str, wait: float = CLAIM_WAIT_SECONDS) -> Iterator[None]:
        """Hold the session for one turn: another process's turn on it waits until this one is done."""
        token = f"{self._holder}:{uuid.uuid4().hex[:8]}"
        deadline = time.monotonic() + wait
        while not self._take(check_session_id(session_id), token):
            if time.monotonic() > deadline:
                raise SessionBusy(session_id)
            time.sleep(0.05)
        self._held[session_id] = token
        try:
            yield
        finally:
            if self._held.get(session_id) == token:
                del self._held[session_id]
            try:
                with self._tx() as db:
                    db.execute("DELETE FROM claims WHERE session_id = ? AND holder = ?", (session_id, token))
            except sqlite3.Error:
                log.warning("could not release the claim on session %s", session_id)

    @named
    def _take(self, session_id: str, token: str) -> bool:
        with self._tx() as db:
            row = db.execute("SELECT holder, expires FROM claims WHERE session_id = ?", (session_id,)).fetchone()
            if row is not None and row["expires"] > time.time() and _alive(row["holder"]):
                return False
            db.execute(
                "INSERT OR REPLACE INTO claims (session_id, holder, expires) VALUES (?, ?, ?)",
                (session_id, token, time.time() + CLAIM_LEASE_SECONDS),
            )
            return True

    def still_claimed(self, db: sqlite3.Connection, session_id: str) -> bool:
        """Whether a write to the session may go on (in `db`'s open transaction): True outside a
        turn, and while this process's claim holds (its lease renewed)."""
        token = self._held.get(session_id)
        if token is None:
            return True  # a write outside a turn (tests, tools): nothing to check against
        held = db.execute(
            "UPDATE claims SET expires = ? WHERE session_id = ? AND holder = ?",
            (time.time() + CLAIM_LEASE_SECONDS, session_id, token),
        ).rowcount
        if not held:
            log.info("session %s was forgotten during a turn; the turn's writes are dropped", session_id)
        return bool(held)


def _alive(holder: str) -> bool:
    """False when the claim's holder was a process on this machine that is gone."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's: the lease decides
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
