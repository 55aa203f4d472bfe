"""The store's files when something is wrong with them: a message that names the file and what to
do, and the list of ingested documents kept outside Chroma, so a lost store can be rebuilt."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from .private import write_private

MANIFEST = "ingested.json"


class KnowledgeProblem(RuntimeError):
    """The knowledge store cannot be opened as it is; the message says which file and what to do."""


def damaged(chroma_dir: Path, exc: BaseException) -> KnowledgeProblem:
    path = Path(chroma_dir) / "chroma.sqlite3"
    if isinstance(exc, UnicodeError):
        return KnowledgeProblem(
            f"The knowledge store path {os.fsencode(chroma_dir)!r} is not valid UTF-8: set COACH_HOME to a folder whose name is UTF-8."
        )
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "permission" in text:
        return KnowledgeProblem(f"The knowledge store {path} is read-only ({_short(exc)}). Make COACH_HOME writable.")
    return KnowledgeProblem(
        f"The knowledge store {path} is damaged ({_short(exc)}). Run `coach doctor --repair`: it rebuilds the store "
        "from the essay and your ingested documents, and keeps the damaged one beside it."
    )


def sqlite_problem(path: Path) -> str | None:
    """Why a SQLite file is unusable ("ok" files give None); cheap, without importing chromadb."""
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        return str(exc)
    return None if verdict == "ok" else verdict


def _short(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:160]


def read_manifest(home: Path) -> list[str]:
    try:
        data = json.loads((Path(home) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [s for s in data.get("documents", []) if isinstance(s, str)] if isinstance(data, dict) else []


def write_manifest(home: Path, sources: list[str]) -> None:
    write_private(Path(home) / MANIFEST, json.dumps({"documents": sorted(set(sources))}, ensure_ascii=False, indent=1))
