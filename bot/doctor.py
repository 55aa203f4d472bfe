"""`coach doctor`: is COACH_HOME private, does the journal read, does the knowledge store answer —
and, with `--repair`, the fix: tightened permissions, a damaged journal salvaged into a new file,
the store rebuilt from the essay and the recorded ingested documents (damaged files kept beside)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from knowledge.damage import read_manifest, sqlite_problem
from knowledge.private import loose, tighten_tree

from .journal import Journal, JournalProblem
from .settings import Settings


@dataclass(frozen=True)
class Finding:
    what: str
    ok: bool
    detail: str


def check(settings: Settings) -> list[Finding]:
    return [_permissions(settings), _journal(settings), *_store(settings)]


def fix(settings: Settings) -> list[Finding]:
    tighten_tree(settings.home)
    journal = _journal(settings)
    if not journal.ok and "damaged" in journal.detail:
        kept, rows = salvage_journal(settings.journal_path)
        journal = Finding("journal", True, f"salvaged {rows} row(s) into a new {settings.journal_path.name}; the damaged file is {kept.name}")
    store = _store(settings)
    if not all(f.ok for f in store):
        store = [rebuild_store(settings)]
    return [_permissions(settings), journal, *store]


def _permissions(settings: Settings) -> Finding:
    bad = loose(settings.home)
    if bad:
        names = ", ".join(str(p.relative_to(settings.home.parent)) for p in bad[:3])
        return Finding("permissions", False, f"{len(bad)} path(s) readable by others ({names}{', ...' if len(bad) > 3 else ''})")
    return Finding("permissions", True, f"{settings.home} and its files are yours only (0700/0600)")


def _journal(settings: Settings) -> Finding:
    path = settings.journal_path
    if not path.exists():
        return Finding("journal", True, f"{path} not created yet")
    try:
        journal = Journal(path)
        verdict = journal._db().execute("PRAGMA integrity_check").fetchone()[0]
        sessions = sum(journal.owners().values())
    except (JournalProblem, sqlite3.Error) as exc:
        return Finding("journal", False, str(exc))
    if verdict != "ok":
        return Finding("journal", False, f"The journal {path} is damaged ({verdict}).")
    return Finding("journal", True, f"{path}: {sessions} session(s), intact" + (" (read-only)" if journal.read_only else ""))


def _store(settings: Settings) -> list[Finding]:
    if settings.chroma_url:
        return [Finding("knowledge store", True, "a Chroma server (COACH_CHROMA_URL): not checked here")]
    path = settings.chroma_dir / "chroma.sqlite3"
    documents = read_manifest(settings.home)
    if not path.exists():
        if documents:
            return [Finding("knowledge store", False, f"{path} is missing; {len(documents)} ingested document(s) would be lost")]
        return [Finding("knowledge store", True, f"{path} not created yet (built from the essay on first use)")]
    damage = sqlite_problem(path)
    if damage:
        return [Finding("knowledge store", False, f"{path} is damaged ({damage})")]
    from knowledge import KnowledgeBase
    from knowledge.damage import KnowledgeProblem

    try:
        kb = KnowledgeBase.open(settings=settings, sync=False)
        stored = kb._sources("document")
        count = kb.count()
    except KnowledgeProblem as exc:
        return [Finding("knowledge store", False, str(exc))]
    missing = [d for d in documents if d not in stored]
    if missing:
        return [Finding("knowledge store", False, f"{len(missing)} ingested document(s) are not in the store (e.g. {missing[0]})")]
    return [Finding("knowledge store", True, f"{path}: {count} passage(s), {len(stored)} ingested document(s)")]


def salvage_journal(path: Path) -> tuple[Path, int]:
    """Move the damaged journal aside and copy every row that still reads into a new one."""
    kept = path.with_name(f"{path.name}.damaged-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}")
    path.rename(kept)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(kept.with_name(kept.name + suffix))
    fresh = Journal(path)
    rows = 0
    try:
        old = sqlite3.connect(f"file:{kept}?mode=ro", uri=True)
        old.row_factory = sqlite3.Row
        db = fresh._db()
        for table, columns in (
            ("sessions", "id, created_at, updated_at, state, owner"),
            ("messages", "id, session_id, role, content, sources, status, created_at"),
            ("feedback", "id, session_id, message_id, rating, comment, created_at"),  # none in older journals
        ):
            rows += _copy(old, db, table, columns)
        rows += _copy_notebook(old, db)
    except sqlite3.Error:
        pass  # nothing readable at all: a new, empty journal, and the damaged file kept
    return kept, rows


def _copy(old: sqlite3.Connection, db: sqlite3.Connection, table: str, columns: str) -> int:
    copied = 0
    for row in _readable_rows(old, table, columns):
        try:
            db.execute(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row))
            copied += 1
        except sqlite3.Error:
            continue
    return copied


def _copy_notebook(old: sqlite3.Connection, db: sqlite3.Connection) -> int:
    """The person-level tables (strengths, cards, ticks, conversation titles). When the damaged file had
    a notebook, the new one is marked as holding it, so opening it never copies the sessions' strengths
    and cards over it again (that would bring back what the person had deleted or edited)."""
    from .notebook import TABLES, create_tables, mark_migrated

    create_tables(db)
    try:
        had = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} & {t for t, _ in TABLES}
    except sqlite3.Error:
        had = set()
    copied = sum(_copy(old, db, table, columns) for table, columns in TABLES if table in had)
    if had:  # a journal from before the notebook gets the usual migration when the coach opens it
        mark_migrated(db)
    return copied


def _readable_rows(db: sqlite3.Connection, table: str, columns: str):
    wanted = columns
    try:
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        if "owner" in columns and "owner" not in have:
            wanted = columns.replace("owner", "'local'")
        top = db.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.Error:
        return
    for rowid in range(1, top + 1):  # row by row: one bad page costs its rows, not the table
        try:
            row = db.execute(f"SELECT {wanted} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.Error:
            continue
        if row is not None:
            yield row


def rebuild_store(settings: Settings) -> Finding:
    """A new store from the essay and the ingested documents still on disk; the old one kept beside."""
    from knowledge import KnowledgeBase

    chroma = settings.chroma_dir
    if chroma.exists():
        chroma.rename(chroma.with_name(f"{chroma.name}.damaged-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"))
    documents = read_manifest(settings.home)
    kb = KnowledgeBase.open(settings=settings)
    present = [d for d in documents if Path(d).is_file()]
    if present:
        kb.ingest([Path(d) for d in present])
    gone = len(documents) - len(present)
    detail = f"rebuilt {chroma / 'chroma.sqlite3'}: the essay and {len(present)} ingested document(s)"
    return Finding("knowledge store", True, detail + (f"; {gone} document(s) no longer exist on disk" if gone else ""))


__all__ = ["Finding", "check", "fix", "rebuild_store", "salvage_journal"]


def preflight(settings: Settings) -> str | None:
    """Before a server says it is running: one line naming a damaged journal or store, or None."""
    try:
        Journal(settings.journal_path)
    except JournalProblem as exc:
        if "read-only" not in str(exc):
            return str(exc)
    if not settings.chroma_url:
        path = settings.chroma_dir / "chroma.sqlite3"
        damage = sqlite_problem(path)
        if damage:
            return (f"The knowledge store {path} is damaged ({damage}). Run `coach doctor --repair`: it rebuilds the "
                    "store from the essay and your ingested documents, and keeps the damaged one beside it.")
    return None
