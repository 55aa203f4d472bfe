"""The journal file's problems by name: an error SQLite (or the OS) gives about the file itself
becomes a JournalProblem that names the file and says what to do."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar


class JournalProblem(RuntimeError):
    """The journal file cannot be used as it is; the message names the file and what to do."""


def problem(path: Path, exc: BaseException) -> JournalProblem | None:
    """A named problem for an error SQLite (or the OS) gave about the journal, or None if it is not one."""
    text = str(exc).lower()
    if isinstance(exc, UnicodeError):
        return JournalProblem(
            f"The journal path {os.fsencode(path)!r} is not valid UTF-8: set COACH_HOME to a folder whose name is UTF-8."
        )
    if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        return JournalProblem(
            f"The journal {path} is read-only ({exc}): reading works, saving does not. "
            "Make COACH_HOME writable (or point COACH_HOME elsewhere) to go on talking."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return JournalProblem(
            f"The journal {path} is damaged ({exc}). Run `coach doctor --repair`: it salvages what it can "
            "into a new journal and keeps the damaged file beside it."
        )
    if "unable to open" in text:
        return JournalProblem(f"Cannot open the journal {path} ({exc}): check that COACH_HOME exists and is yours.")
    return None


F = TypeVar("F", bound=Callable[..., Any])


def named(method: F) -> F:
    """SQLite's errors about the file itself become a JournalProblem that says what to do
    (for methods of an object with the journal's `path`)."""

    @wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, OSError, UnicodeError) as exc:
            known = problem(self.path, exc)
            if known is None:
                raise
            raise known from None

    return run  # type: ignore[return-value]
