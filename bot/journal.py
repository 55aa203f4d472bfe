"""The journal: sessions, their messages and their state (strengths, experiments, reviews) in SQLite."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from collections.abc import Iterator

from .models import ChatMessage, Feedback, SessionState, now

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    state TEXT NOT NULL
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
"""


class InvalidSessionId(ValueError):
    """A session id that is not 1-64 letters, digits, '-' or '_' (so it can never name a path)."""


def check_session_id(session_id: str) -> str:
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        raise InvalidSessionId(
            f"Invalid session id {str(session_id)[:80]!r}: use 1-64 letters, digits, '-' or '_'."
        )
    return session_id


@dataclass(frozen=True)
class SessionSummary:
    id: str
    created_at: datetime
    updated_at: datetime
    messages: int
    stage: str
    first_message: str


class Journal:
    """One SQLite file in WAL mode; safe to share between threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._db().executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
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

    def load(self, session_id: str) -> SessionState | None:
        row = self._db().execute("SELECT state FROM sessions WHERE id = ?", (check_session_id(session_id),)).fetchone()
        return SessionState.model_validate_json(row["state"]) if row else None

    def save(self, state: SessionState) -> None:
        with self._tx() as db:
            self._upsert(db, state)

    @staticmethod
    def _upsert(db: sqlite3.Connection, state: SessionState) -> None:
        db.execute(
            "INSERT INTO sessions (id, created_at, updated_at, state) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, state = excluded.state",
            (check_session_id(state.session_id), state.created_at.isoformat(), now().isoformat(), state.model_dump_json()),
        )

    def sessions(self) -> list[SessionSummary]:
        rows = self._db().execute(
            "SELECT s.id, s.created_at, s.updated_at, s.state, COUNT(m.id) AS n, "
            "(SELECT content FROM messages WHERE session_id = s.id AND role = 'user' ORDER BY id LIMIT 1) AS first "
            "FROM sessions s LEFT JOIN messages m ON m.session_id = s.id GROUP BY s.id ORDER BY s.updated_at DESC"
        ).fetchall()
        return [
            SessionSummary(
                id=r["id"],
                created_at=datetime.fromisoformat(r["created_at"]),
                updated_at=datetime.fromisoformat(r["updated_at"]),
                messages=r["n"],
                stage=json.loads(r["state"]).get("stage", ""),
                first_message=r["first"] or "",
            )
            for r in rows
        ]

    def forget(self, session_id: str) -> bool:
        """Delete a session with all its messages; False if there was none."""
        with self._tx() as db:
            db.execute("DELETE FROM feedback WHERE session_id = ?", (check_session_id(session_id),))
            db.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
            return db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    # -- messages ----------------------------------------------------------------------------

    def append(self, session_id: str, message: ChatMessage, state: SessionState | None = None) -> int:
        """Store a message (and, in the same transaction, the session state); returns its row id."""
        check_session_id(session_id)
        with self._tx() as db:
            if state is not None:
                self._upsert(db, state)
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
            ChatMessage(
                id=r["id"],
                role=r["role"],
                content=r["content"],
                sources=json.loads(r["sources"]),
                status=r["status"],
                created_at=datetime.fromisoformat(r["created_at"]),
            )
            for r in self._db().execute(query, params).fetchall()
        ]

    def replace_last_turn(self, session_id: str) -> list[ChatMessage]:
        """Mark the last user message and what followed it as replaced (kept, not shown or sent to
        the model again); returns those messages, the user's first. Empty if there is none."""
        check_session_id(session_id)
        with self._tx() as db:
            row = db.execute(
                "SELECT MAX(id) FROM messages WHERE session_id = ? AND role = 'user' AND status != 'replaced'",
                (session_id,),
            ).fetchone()
            if row[0] is None:
                return []
            taken = [m for m in self.messages(session_id) if m.id is not None and m.id >= row[0]]
            db.execute(
                "UPDATE messages SET status = 'replaced' WHERE session_id = ? AND id >= ? AND status != 'replaced'",
                (session_id, row[0]),
            )
        return taken

    def count(self, session_id: str) -> int:
        """How many messages the session holds, without reading them."""
        row = self._db().execute(
            "SELECT COUNT(*) FROM messages WHERE session_id = ? AND status != 'replaced'", (check_session_id(session_id),)
        ).fetchone()
        return int(row[0])

    # -- feedback on replies ------------------------------------------------------------------

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

    def feedback(self, session_id: str | None = None) -> list[Feedback]:
        """Likes and dislikes in order, of one session or (None) of all."""
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
