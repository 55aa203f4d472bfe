"""The journal: sessions, their messages and their state (strengths, experiments, reviews) in SQLite.

Each session has an owner (a person key, see people.py). Forgetting deletes with `secure_delete`
on and truncates the WAL, so the words are gone from the file, not only from the tables. A turn
claims its session first (journal_claims.py); session ids and their errors are in session_ids.py,
the file's problems by name in journal_problems.py.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from knowledge.private import private_dir, private_file, writable

from .journal_claims import CLAIM_WAIT_SECONDS, SessionBusy, SessionClaims
from .journal_problems import JournalProblem, named, problem
from .lenient import lenient_model
from .models import ChatMessage, Feedback, SessionState, now
from .session_ids import SESSION_ID, InvalidSessionId, UnknownSession, check_session_id

# Callers import the names of session ids, claims and problems from here too.
__all__ = [
    "LOCAL_OWNER", "SESSION_ID", "InvalidSessionId", "Journal", "JournalProblem", "SessionBusy", "SessionSummary",
    "UnknownSession", "check_session_id", "problem",
]

log = logging.getLogger(__name__)

LOCAL_OWNER = "local"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT 'local'
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    sources TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'ok',
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session_id, id);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    rating TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    session_id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires REAL NOT NULL
);
"""
# Journals written before sessions had owners: every session there belongs to the local person.
_MIGRATIONS = {("sessions", "owner"): "ALTER TABLE sessions ADD COLUMN owner TEXT NOT NULL DEFAULT 'local'"}


@dataclass(frozen=True)
class SessionSummary:
    id: str
    created_at: datetime
    updated_at: datetime
    messages: int
    stage: str
    first_message: str


OPEN_WAIT_SECONDS = 30.0


def _to_wal(db: sqlite3.Connection) -> None:
    """Put the journal in WAL mode. Two processes opening a fresh home at once (`coach serve` and
    `coach chat`): while one creates the file, SQLite answers the other's journal-mode change with
    "database is locked" at once, without waiting out the busy timeout; so it tries again a while."""
    deadline = time.monotonic() + OPEN_WAIT_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Journal:
    """One SQLite file in WAL mode; safe to share between threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._claims = SessionClaims(self.path, self._tx)
        self.read_only = False
        self._open()

    @named
    def _open(self) -> None:
        os.fsencode(self.path).decode("utf-8")  # a non-UTF-8 path fails here, by name, not deep in SQLite
        home = self.path.parent
        if home.exists() and not writable(home) or self.path.exists() and not writable(self.path):
            self.read_only = True
        else:
            private_dir(home)
            private_file(self.path)
        db = self._db()
        db.execute("PRAGMA quick_check").fetchone()  # a truncated or garbage file is named now
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self._has_feedback = "feedback" in tables
        if self.read_only:
            return
        if not {"sessions", "messages", "claims", "feedback"} <= tables:
            db.executescript(_SCHEMA)
            self._has_feedback = True
        for (table, column), statement in _MIGRATIONS.items():
            if column not in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
                db.execute(statement)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            if self.read_only:
                # Nothing else writes a read-only home: read it as it is, without a WAL index.
                db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30, isolation_level=None, check_same_thread=False)
                try:
                    db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                except sqlite3.OperationalError:  # no WAL index it may create: read the file as it is
                    db.close()
                    uri = f"file:{self.path}?mode=ro&immutable=1"
                    db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
            else:
                db = sqlite3.connect(self.path, timeout=OPEN_WAIT_SECONDS, isolation_level=None, check_same_thread=False)
                _to_wal(db)
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA secure_delete=ON")  # deleted words are overwritten, not left in free pages
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- sessions ----------------------------------------------------------------------------

    @named
    def owner(self, session_id: str) -> str | None:
        """Who owns the session (a person key), or None when there is no such session."""
        row = self._db().execute("SELECT owner FROM sessions WHERE id = ?", (check_session_id(session_id),)).fetchone()
        return row["owner"] if row else None

    @named
    def load(self, session_id: str) -> SessionState | None:
        """The session's state with its owner; fields a newer version wrote that this one cannot read are left out."""
        row = self._db().execute(
            "SELECT state, owner FROM sessions WHERE id = ?", (check_session_id(session_id),)
        ).fetchone()
        if not row:
            return None
        state = lenient_model(SessionState, row["state"], what=f"session {session_id}")
        state.owner = row["owner"]
        return state

    @named
    def save(self, state: SessionState) -> bool:
        """Store the state; False (nothing written) when this process's claim on it was dropped."""
        with self._tx() as db:
            return self._upsert(db, state)

    def _upsert(self, db: sqlite3.Connection, state: SessionState) -> bool:
        session_id = check_session_id(state.session_id)
        if not self._claims.still_claimed(db, session_id):
            return False
        db.execute(
            "INSERT INTO sessions (id, created_at, updated_at, state, owner) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, state = excluded.state",
            (session_id, state.created_at.isoformat(), now().isoformat(), state.model_dump_json(exclude={"owner"}),
             state.owner),
        )
        return True

    @named
    def sessions(self, owner: str | None = LOCAL_OWNER) -> list[SessionSummary]:
        """The owner's sessions, newest first (owner=None: everyone's, for `coach doctor`)."""
        where, params = ("WHERE s.owner = ?", (owner,)) if owner is not None else ("", ())
        rows = self._db().execute(
            "SELECT s.id, s.created_at, s.updated_at, s.state, COUNT(m.id) AS n, "
            "(SELECT content FROM messages WHERE session_id = s.id AND role = 'user' ORDER BY id LIMIT 1) AS first "
            f"FROM sessions s LEFT JOIN messages m ON m.session_id = s.id {where} GROUP BY s.id ORDER BY s.updated_at DESC",
            params,
        ).fetchall()
        return [
            SessionSummary(
                id=r["id"],
                created_at=datetime.fromisoformat(r["created_at"]),
                updated_at=datetime.fromisoformat(r["updated_at"]),
                messages=r["n"],
                stage=str(json.loads(r["state"]).get("stage", "")),
                first_message=r["first"] or "",
            )
            for r in rows
        ]

    @named
    def owners(self) -> dict[str, int]:
        """Every owner with how many sessions they have."""
        rows = self._db().execute("SELECT owner, COUNT(*) AS n FROM sessions GROUP BY owner").fetchall()
        return {r["owner"]: r["n"] for r in rows}

    @named
    def forget(self, session_id: str, owner: str = LOCAL_OWNER) -> bool:
        """Delete the owner's session with all its messages, from the file too; False if there was none."""
        check_session_id(session_id)
        with self._tx() as db:
            if db.execute("SELECT 1 FROM sessions WHERE id = ? AND owner = ?", (session_id, owner)).fetchone() is None:
                return False
            self._delete(db, [session_id])
        self.scrub()
        return True

    @named
    def forget_owner(self, owner: str) -> list[str]:
        """Delete every session of one owner; returns their ids."""
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM sessions WHERE owner = ?", (owner,))]
            self._delete(db, ids)
        self.scrub()
        return ids

    @staticmethod
    def _delete(db: sqlite3.Connection, ids: list[str]) -> None:
        for session_id in ids:
            db.execute("DELETE FROM feedback WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            db.execute("DELETE FROM claims WHERE session_id = ?", (session_id,))  # a turn in flight cannot write back

    def scrub(self, attempts: int = 20) -> bool:
        """Copy the WAL into the file and truncate it, so deleted words leave the WAL too."""
        db = self._db()
        for _ in range(attempts):
            busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            time.sleep(0.05)  # a reader in another process is mid-transaction
        log.warning("could not truncate the journal's WAL (a reader stayed busy); it will be on the next forget")
        return False

    # -- one writer per session --------------------------------------------------------------

    def claim(self, session_id: str, wait: float = CLAIM_WAIT_SECONDS) -> AbstractContextManager[None]:
        """Hold the session for one turn: another process's turn on it waits until this one is done
        (SessionBusy after `wait` seconds). A read-only journal is written by nobody: nothing to hold."""
        return nullcontext() if self.read_only else self._claims.claim(session_id, wait)

    # -- messages ----------------------------------------------------------------------------

    @named
    def append(self, session_id: str, message: ChatMessage, state: SessionState | None = None) -> int:
        """Store a message (and, in the same transaction, the session state); returns its row id
        (0 when the session was forgotten during the turn, and nothing was written)."""
        check_session_id(session_id)
        with self._tx() as db:
            if state is not None:
                if not self._upsert(db, state):
                    return 0
            elif not self._claims.still_claimed(db, session_id):
                return 0
            cur = db.execute(
                "INSERT INTO messages (session_id, role, content, sources, status, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    message.role,
                    message.content,
                    json.dumps(message.sources),
                    message.status,
                    message.created_at.isoformat(),
                ),
            )
            return int(cur.lastrowid)

    @named
    def messages(self, session_id: str, limit: int | None = None, replaced: bool = False) -> list[ChatMessage]:
        """The session's messages in order; with `limit`, only the last ones. Turns taken back
        (retried, undone, edited) are left out unless `replaced`."""
        check_session_id(session_id)
        where = "session_id = ?" + ("" if replaced else " AND status != 'replaced'")
        columns = "id, role, content, sources, status, created_at"
        query = f"SELECT {columns} FROM messages WHERE {where} ORDER BY id"
        params: tuple = (session_id,)
        if limit is not None:
            query = f"SELECT {columns} FROM (SELECT {columns} FROM messages WHERE {where} ORDER BY id DESC LIMIT ?) ORDER BY id"
            params = (session_id, limit)
        return [
            lenient_model(
                ChatMessage,
                {
                    "id": r["id"],
                    "role": r["role"],
                    "content": r["content"],
                    "sources": json.loads(r["sources"]),
                    "status": r["status"],
                    "created_at": r["created_at"],
                },
                what=f"a message of session {session_id}",
            )
            for r in self._db().execute(query, params).fetchall()
        ]

    @named
    def replace_last_turn(self, session_id: str) -> list[ChatMessage]:
        """Mark the last user message and what followed it as replaced (kept, not shown or sent to
        the model again); returns those messages, the user's first. Empty if there is none."""
        check_session_id(session_id)
        with self._tx() as db:
            row = db.execute(
                "SELECT MAX(id) FROM messages WHERE session_id = ? AND role = 'user' AND status != 'replaced'",
                (session_id,),
            ).fetchone()
            if row[0] is None or not self._claims.still_claimed(db, session_id):
                return []
            taken = [m for m in self.messages(session_id) if m.id is not None and m.id >= row[0]]
            db.execute(
                "UPDATE messages SET status = 'replaced' WHERE session_id = ? AND id >= ? AND status != 'replaced'",
                (session_id, row[0]),
            )
        return taken

    @named
    def count(self, session_id: str) -> int:
        """How many messages the session holds, without reading them."""
        row = self._db().execute(
            "SELECT COUNT(*) FROM messages WHERE session_id = ? AND status != 'replaced'", (check_session_id(session_id),)
        ).fetchone()
        return int(row[0])

    # -- feedback on replies ------------------------------------------------------------------

    @named
    def add_feedback(self, feedback: Feedback) -> int:
        """Store a like or dislike (and its comment); with `feedback.id`, update that one's comment."""
        check_session_id(feedback.session_id)
        with self._tx() as db:
            if feedback.id is not None:
                db.execute(
                    "UPDATE feedback SET comment = ? WHERE id = ? AND session_id = ?",
                    (feedback.comment, feedback.id, feedback.session_id),
                )
                return feedback.id
            message_id = feedback.message_id
            if message_id is not None and not db.execute(
                "SELECT 1 FROM messages WHERE id = ? AND session_id = ?", (message_id, feedback.session_id)
            ).fetchone():
                message_id = None  # not this session's message: keep the rating, not the link
            cur = db.execute(
                "INSERT INTO feedback (session_id, message_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)",
                (feedback.session_id, message_id, feedback.rating, feedback.comment, feedback.created_at.isoformat()),
            )
            return int(cur.lastrowid)

    @named
    def feedback(self, session_id: str | None = None) -> list[Feedback]:
        """Likes and dislikes in order, of one session or (None) of all."""
        if not self._has_feedback:
            return []  # a read-only journal written before likes were kept
        query, params = "SELECT * FROM feedback ORDER BY id", ()
        if session_id is not None:
            query, params = "SELECT * FROM feedback WHERE session_id = ? ORDER BY id", (check_session_id(session_id),)
        return [
            Feedback(
                id=r["id"], session_id=r["session_id"], message_id=r["message_id"], rating=r["rating"],
                comment=r["comment"], created_at=datetime.fromisoformat(r["created_at"]),
            )
            for r in self._db().execute(query, params).fetchall()
        ]

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

