"""Asking a model for notes as structured output, in the strongest form its server accepts.

`COACH_STRUCTURED`: json_schema (response_format json_schema), tools (function calling), json
(JSON mode, with the schema for servers that constrain to it, e.g. llama.cpp), text (plain text,
read leniently), or auto: try them in that order and remember the first the server accepts.
Whatever comes back is read leniently (bot/notes_parse.py), so a field that fails costs only itself.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from langchain_core.messages import BaseMessage

from .notes import TurnNotes
from .notes_parse import notes_from_data, notes_from_text

log = logging.getLogger("bot.notes")

METHODS = ("json_schema", "tools", "json", "text")
# Statuses with which a server says "not this kind of request" (llama.cpp answers json_schema with a 500).
_REJECTED = {400, 415, 422, 500, 501}


class NotesTaker:
    """Takes a turn's notes with one model, finding (in auto mode) and remembering what its server accepts."""

    def __init__(self, llm: Any, mode: str = "auto") -> None:
        self.llm, self.mode = llm, mode
        self._accepted: str | None = None if mode == "auto" else mode
        self._lock = threading.Lock()
        self._runnables: dict[str, Any] = {}

    def warm_up(self) -> None:
        """Build the requests' runnables now (schema conversion, binding), not during the first turn."""
        for method in (METHODS if self.mode == "auto" else (self.mode,)):
            try:
                self._runnable(method)
            except NotImplementedError:
                pass

    def _runnable(self, method: str) -> Any:
        runnable = self._runnables.get(method)
        if runnable is None:
            if method == "text":
                runnable = self.llm
            elif method == "json":
                runnable = self.llm.bind(response_format={"type": "json_object", "schema": _schema()})
            else:
                kind = "json_schema" if method == "json_schema" else "function_calling"
                # The schema as a dict: what comes back is then read field by field here, rather than
                # validated as a whole (where one bad field would cost all the others).
                runnable = self.llm.with_structured_output(_schema(), method=kind, include_raw=True)
            self._runnables[method] = runnable
        return runnable

    @property
    def method(self) -> str | None:
        """The method in use: the configured one, or the one auto found (None until then)."""
        return self._accepted

    def take(self, messages: list[BaseMessage], where: str = "") -> TurnNotes | None:
        """The notes, or None (logged) when the answer holds none; model errors other than a
        rejected kind of request propagate."""
        with self._lock:
            accepted = self._accepted
        order = METHODS[METHODS.index(accepted):] if accepted and self.mode == "auto" else (accepted,) if accepted else METHODS
        for method in order:
            try:
                notes = self._ask(method, messages, where)
            except NotImplementedError:
                log.info("notes: this model has no %s mode; trying the next", method)
                continue
            except Exception as exc:
                status = getattr(exc, "status_code", None)
                if self.mode != "auto" or status not in _REJECTED or method == "text":
                    raise
                log.info("notes: the server rejected %s (%s: %s); trying the next", method, status, _said(exc))
                continue
            if method != accepted:
                with self._lock:
                    self._accepted = method
                log.info("notes: the server accepts %s", method)
            return notes
        return None

    def _ask(self, method: str, messages: list[BaseMessage], where: str) -> TurnNotes | None:
        out = self._runnable(method).invoke(messages)
        if method in ("text", "json"):
            return notes_from_text(_text(out), where)
        if isinstance(out.get("parsed"), dict):
            return notes_from_data(out["parsed"], where)
        raw = out.get("raw")
        calls = getattr(raw, "tool_calls", None) or []
        if calls:
            return notes_from_data(calls[0].get("args"), where)
        return notes_from_text(_text(raw), where)


def _schema() -> dict:
    schema = TurnNotes.model_json_schema()
    schema["description"] = "The notes of the last exchange; null for anything it did not reveal."
    return schema


def _text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return content if isinstance(content, str) else ""


def _said(exc: BaseException) -> str:
    from .model_errors import objection

    return objection(exc)
