"""The person's notebook: strengths, experiment cards and daily ticks that outlive any conversation.

Its tables sit in the journal's SQLite file, beside the sessions (same connection, same privacy:
secure_delete, and forgetting goes through here too). The notebook is the authority: a session's
state is a view of it, refreshed when a turn starts (`refresh`) and written back when it ends
(`absorb`), so what one conversation learnt, the next one knows, and what the person edits or
deletes in the notebook stays edited or deleted. Opening the store the first time copies every
existing session's strengths and cards to its owner.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache

from .checkins import progress
from .journal import Journal
from .lenient import lenient_model
from .models import ExperimentCard, SessionState, Strength, now
from .person_models import Evidence, Notebook, NotebookCard, NotebookStrength, Tick, TickValue

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS notebook_strengths (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    folded TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    UNIQUE (owner, kind, folded)
);
CREATE TABLE IF NOT EXISTS notebook_cards (
    owner TEXT NOT NULL,
    id TEXT NOT NULL,
    session_id TEXT,
    status TEXT NOT NULL,
    review_on TEXT,
    started_on TEXT,
    card TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (owner, id)
);
CREATE TABLE IF NOT EXISTS notebook_ticks (
    owner TEXT NOT NULL,
    card_id TEXT NOT NULL,
    day TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (owner, card_id, day)
);
CREATE TABLE IF NOT EXISTS session_titles (
    session_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notebook_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Every person-level table and its columns, in the order `coach doctor --repair` copies them.
TABLES: tuple[tuple[str, str], ...] = (
    ("notebook_strengths", "id, owner, kind, name, folded, evidence, created_at"),
    ("notebook_cards", "owner, id, session_id, status, review_on, started_on, card, updated_at"),
    ("notebook_ticks", "owner, card_id, day, value"),
    ("session_titles", "session_id, owner, title"),
    ("notebook_meta", "key, value"),
)
_RANK = {"proposed": 0, "running": 1, "reviewed": 2}
Today = Callable[[], dt.date]


@lru_cache(maxsize=4096)
def fold(name: str) -> str:
    return " ".join(name.casefold().split())


def create_tables(db: sqlite3.Connection) -> None:
    """The notebook's tables in a journal's database (nothing copied or migrated)."""
    db.executescript(_SCHEMA)


def mark_migrated(db: sqlite3.Connection) -> None:
    """Sessions need no copying into the notebook any more (it holds them, or they were salvaged with it)."""
    db.execute("INSERT OR REPLACE INTO notebook_meta (key, value) VALUES ('migrated', ?)", (now().isoformat(),))


class NotebookStore:
    """Person-level tables in the journal's file; `owner` is a person key (bot/people.py)."""

    def __init__(self, journal: Journal, today: Today | None = None) -> None:
        self.journal = journal
        self.today = today or (lambda: now().date())
        if not journal.read_only:
            db = journal._db()
            create_tables(db)
            if db.execute("SELECT 1 FROM notebook_meta WHERE key = 'migrated'").fetchone() is None:
                self._migrate()

    def _tx(self):
        return self.journal._tx()

    def _db(self) -> sqlite3.Connection:
        return self.journal._db()

    def _migrate(self) -> None:
        """Sessions written before the notebook existed: their strengths and cards go to their owner."""
        rows = self._db().execute("SELECT id, owner FROM sessions ORDER BY created_at").fetchall()
        for row in rows:
            state = self.journal.load(row["id"])
            if state is not None:
                self.absorb(state, row["owner"])
        with self._tx() as db:
            mark_migrated(db)
        if rows:
            log.info("copied the strengths and cards of %d session(s) to their owners' notebooks", len(rows))

    # -- reading -----------------------------------------------------------------------------

    def load(self, owner: str) -> Notebook:
        """The whole notebook of one person, each card with its progress (streak, adherence)."""
        db = self._db()
        if self.journal.read_only and not self._has_tables(db):
            return Notebook(owner=owner)
        strengths = [
            NotebookStrength(
                id=r["id"], name=r["name"], kind=r["kind"], created_at=r["created_at"],
                evidence=[Evidence.model_validate(e) for e in json.loads(r["evidence"])],
            )
            for r in db.execute(
                "SELECT * FROM notebook_strengths WHERE owner = ? ORDER BY created_at, rowid", (owner,)
            )
        ]
        ticks: dict[str, list[tuple[dt.date, str]]] = {}  # plain pairs: a long history has thousands
        for card_id, day, value in db.execute("SELECT card_id, day, value FROM notebook_ticks WHERE owner = ?", (owner,)):
            ticks.setdefault(card_id, []).append((dt.date.fromisoformat(day), value))
        today = self.today()
        cards = []
        for r in db.execute("SELECT * FROM notebook_cards WHERE owner = ? ORDER BY rowid", (owner,)):
            card = lenient_model(ExperimentCard, r["card"], what=f"card {r['id']}")
            cards.append(
                NotebookCard(
                    card=card, session_id=r["session_id"], started_on=r["started_on"],
                    progress=progress(ticks.get(card.id, []), today),
                )
            )
        return Notebook(owner=owner, strengths=strengths, cards=cards)

    @staticmethod
    def _has_tables(db: sqlite3.Connection) -> bool:
        return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'notebook_cards'").fetchone() is not None

    def ticks(self, owner: str, card_id: str | None = None) -> list[Tick]:
        query, params = "SELECT card_id, day, value FROM notebook_ticks WHERE owner = ?", [owner]
        if card_id is not None:
            query, params = query + " AND card_id = ?", [owner, card_id]
        return [Tick(card_id=r["card_id"], day=r["day"], value=r["value"]) for r in self._db().execute(query + " ORDER BY day", params)]

    # -- sessions <-> notebook ---------------------------------------------------------------

    def refresh(self, state: SessionState, owner: str) -> Notebook:
        """The session's state as the notebook has it now: all of the person's strengths; its own
        cards as the notebook holds them (gone when the person deleted them); every running card.
        Returns the notebook it read."""
        notebook = self.load(owner)
        state.strengths = [s.as_strength() for s in notebook.strengths]
        kept = []
        for card in state.experiments:
            found = notebook.card(card.id)
            if found is not None:
                kept.append(found.card)
        ids = {c.id for c in kept}
        for entry in notebook.cards:
            if entry.id not in ids and (entry.card.status == "running" or entry.session_id == state.session_id):
                kept.append(entry.card)
                ids.add(entry.id)
        state.experiments = kept
        return notebook

    def absorb(self, state: SessionState, owner: str) -> None:
        """Write what the session learnt into the person's notebook (new strengths, evidence, cards)."""
        at = now()
        with self._tx() as db:
            for strength in state.strengths:
                self._add_strength(db, owner, strength, state.session_id, at)
            for card in state.experiments:
                self._put_card(db, owner, card, state.session_id)

    def _add_strength(self, db, owner: str, strength: Strength, session_id: str | None, at) -> str:
        name = strength.name.strip()
        if not name:
            return ""
        row = db.execute(
            "SELECT id, evidence FROM notebook_strengths WHERE owner = ? AND kind = ? AND folded = ?",
            (owner, strength.kind, fold(name)),
        ).fetchone()
        words = strength.evidence.strip()
        if row is None:
            # Kept even without words: it records which conversation the strength came from.
            evidence = [Evidence(words=words, at=at, session_id=session_id).model_dump(mode="json")]
            strength_id = uuid.uuid4().hex[:8]
            db.execute(
                "INSERT INTO notebook_strengths (id, owner, kind, name, folded, evidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (strength_id, owner, strength.kind, name, fold(name), json.dumps(evidence, ensure_ascii=False), at.isoformat()),
            )
            return strength_id
        evidence = json.loads(row["evidence"])
        if words and words not in {e["words"] for e in evidence}:
            evidence.append(Evidence(words=words, at=at, session_id=session_id).model_dump(mode="json"))
            db.execute("UPDATE notebook_strengths SET evidence = ? WHERE id = ?", (json.dumps(evidence, ensure_ascii=False), row["id"]))
        return row["id"]

    def _put_card(self, db, owner: str, card: ExperimentCard, session_id: str | None, *, force: bool = False,
                  started_on: str | None = None) -> None:
        row = db.execute("SELECT status, started_on, card FROM notebook_cards WHERE owner = ? AND id = ?", (owner, card.id)).fetchone()
        if row is not None and not force and _RANK.get(row["status"], 0) > _RANK.get(card.status, 0):
            return  # a stale copy (another conversation moved the card on meanwhile)
        started = started_on or (row["started_on"] if row is not None else None)
        if card.status != "proposed" and started is None:
            started = self.today().isoformat()
        values = (card.status, card.review_on.isoformat() if card.review_on else None, started,
                  card.model_dump_json(), now().isoformat())
        if row is None:
            db.execute(
                "INSERT INTO notebook_cards (owner, id, session_id, status, review_on, started_on, card, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (owner, card.id, session_id, *values),
            )
        elif row["card"] != values[3] or row["started_on"] != started:
            db.execute(
                "UPDATE notebook_cards SET status = ?, review_on = ?, started_on = ?, card = ?, updated_at = ? "
                "WHERE owner = ? AND id = ?",
                (*values, owner, card.id),
            )

    # -- what the person edits ----------------------------------------------------------------

    def put_card(self, owner: str, card: ExperimentCard, session_id: str | None = None, *,
                 started_on: dt.date | str | None = None) -> None:
        """Store the card as given (an edit, a review, an import): it wins over any session's copy."""
        started = started_on.isoformat() if isinstance(started_on, dt.date) else started_on
        with self._tx() as db:
            self._put_card(db, owner, card, session_id, force=True, started_on=started)

    def add_strength(self, owner: str, strength: Strength, session_id: str | None = None) -> str:
        with self._tx() as db:
            return self._add_strength(db, owner, strength, session_id, now())

    def import_strength(self, owner: str, strength: NotebookStrength) -> None:
        """A strength from an export, with its id and evidence; merged into one of the same name."""
        with self._tx() as db:
            row = db.execute(
                "SELECT id, evidence FROM notebook_strengths WHERE owner = ? AND kind = ? AND folded = ?",
                (owner, strength.kind, fold(strength.name)),
            ).fetchone()
            evidence = [e.model_dump(mode="json") for e in strength.evidence]
            if row is None:
                taken = db.execute("SELECT 1 FROM notebook_strengths WHERE id = ?", (strength.id,)).fetchone()
                db.execute(
                    "INSERT INTO notebook_strengths (id, owner, kind, name, folded, evidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (uuid.uuid4().hex[:8] if taken else strength.id, owner, strength.kind, strength.name.strip(),
                     fold(strength.name), json.dumps(evidence, ensure_ascii=False), strength.created_at.isoformat()),
                )
                return
            kept = json.loads(row["evidence"])
            seen = {(e["words"], e.get("session_id")) for e in kept}
            kept += [e for e in evidence if (e["words"], e.get("session_id")) not in seen]
            db.execute("UPDATE notebook_strengths SET evidence = ? WHERE id = ?", (json.dumps(kept, ensure_ascii=False), row["id"]))

    def edit_strength(self, owner: str, strength_id: str, *, name: str | None = None, kind: str | None = None) -> NotebookStrength:
        found = self._strength(owner, strength_id)
        name = (name if name is not None else found.name).strip()
        kind = kind or found.kind
        if not name:
            raise ValueError("A strength needs a name.")
        changed = NotebookStrength(id=found.id, name=name, kind=kind, evidence=found.evidence, created_at=found.created_at)
        try:
            with self._tx() as db:
                db.execute(
                    "UPDATE notebook_strengths SET name = ?, folded = ?, kind = ? WHERE owner = ? AND id = ?",
                    (name, fold(name), kind, owner, strength_id),
                )
        except sqlite3.IntegrityError:
            raise ValueError(f"There is already a {kind} called {name!r}.") from None
        return changed

    def delete_strength(self, owner: str, strength_id: str) -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM notebook_strengths WHERE owner = ? AND id = ?", (owner, strength_id)).rowcount > 0

    def _strength(self, owner: str, strength_id: str) -> NotebookStrength:
        found = next((s for s in self.load(owner).strengths if s.id == strength_id), None)
        if found is None:
            raise KeyError(f"No strength {strength_id!r} in your notebook.")
        return found

    def delete_card(self, owner: str, card_id: str) -> bool:
        with self._tx() as db:
            db.execute("DELETE FROM notebook_ticks WHERE owner = ? AND card_id = ?", (owner, card_id))
            return db.execute("DELETE FROM notebook_cards WHERE owner = ? AND id = ?", (owner, card_id)).rowcount > 0

    def tick(self, owner: str, card_id: str, day: dt.date, value: TickValue) -> None:
        if value not in ("yes", "no", "skip"):
            raise ValueError(f"A tick is yes, no or skip, not {value!r}.")
        with self._tx() as db:
            if db.execute("SELECT 1 FROM notebook_cards WHERE owner = ? AND id = ?", (owner, card_id)).fetchone() is None:
                raise KeyError(f"No card {card_id!r} in your notebook.")
            db.execute(
                "INSERT INTO notebook_ticks (owner, card_id, day, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (owner, card_id, day) DO UPDATE SET value = excluded.value",
                (owner, card_id, day.isoformat(), value),
            )

    def put_ticks(self, owner: str, ticks: Iterable[Tick]) -> int:
        with self._tx() as db:
            rows = [(owner, t.card_id, t.day.isoformat(), t.value) for t in ticks]
            db.executemany("INSERT OR REPLACE INTO notebook_ticks (owner, card_id, day, value) VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    # -- conversation titles -----------------------------------------------------------------

    def titles(self, owner: str) -> dict[str, str]:
        if self.journal.read_only and not self._has_tables(self._db()):
            return {}
        return {r["session_id"]: r["title"] for r in self._db().execute("SELECT session_id, title FROM session_titles WHERE owner = ?", (owner,))}

    def set_title(self, owner: str, session_id: str, title: str) -> None:
        with self._tx() as db:
            if title:
                db.execute("INSERT OR REPLACE INTO session_titles (session_id, owner, title) VALUES (?, ?, ?)", (session_id, owner, title))
            else:
                db.execute("DELETE FROM session_titles WHERE session_id = ? AND owner = ?", (session_id, owner))

    # -- forgetting ---------------------------------------------------------------------------

    def forget_session(self, owner: str, session_id: str) -> None:
        """What a forgotten conversation taught: its cards (with their ticks), the words it gave as
        evidence, and strengths that only it showed."""
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM notebook_cards WHERE owner = ? AND session_id = ?", (owner, session_id))]
            for card_id in ids:
                db.execute("DELETE FROM notebook_ticks WHERE owner = ? AND card_id = ?", (owner, card_id))
            db.execute("DELETE FROM notebook_cards WHERE owner = ? AND session_id = ?", (owner, session_id))
            for row in db.execute("SELECT id, evidence FROM notebook_strengths WHERE owner = ?", (owner,)).fetchall():
                evidence = json.loads(row["evidence"])
                kept = [e for e in evidence if e.get("session_id") != session_id]
                if len(kept) == len(evidence):
                    continue
                if kept:
                    db.execute("UPDATE notebook_strengths SET evidence = ? WHERE id = ?", (json.dumps(kept, ensure_ascii=False), row["id"]))
                else:
                    db.execute("DELETE FROM notebook_strengths WHERE id = ?", (row["id"],))
            db.execute("DELETE FROM session_titles WHERE session_id = ?", (session_id,))

    def forget_owner(self, owner: str) -> None:
        with self._tx() as db:
            for table in ("notebook_strengths", "notebook_cards", "notebook_ticks", "session_titles"):
                db.execute(f"DELETE FROM {table} WHERE owner = ?", (owner,))
