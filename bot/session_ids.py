"""Session ids: their form (1-64 letters, digits, '-' or '_', so an id can never name a path) and
the errors a malformed id, or one that is not the person's, gets."""

from __future__ import annotations

import re

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class InvalidSessionId(ValueError):
    """A session id that is not 1-64 letters, digits, '-' or '_' (so it can never name a path)."""


class UnknownSession(InvalidSessionId):
    """No session with this id for this person: it does not exist, or belongs to someone else
    (the two are told apart by nobody)."""

    def __init__(self, session_id: str) -> None:
        super().__init__(f"No session {session_id[:80]!r} here. Start a new one with an empty session id.")


def check_session_id(session_id: str) -> str:
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        raise InvalidSessionId(
            f"Invalid session id {str(session_id)[:80]!r}: use 1-64 letters, digits, '-' or '_'."
        )
    return session_id
