"""Reading notes out of whatever a model sent: prose around the JSON, a `<think>` block, code
fences, two objects, a trailing comma, a cut-off answer; then field by field, so one bad field
never costs the rest. Every value dropped is logged with its reason."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from .notes import CardNote, ImitationNote, ReviewNote, StrengthNote, TurnNotes

log = logging.getLogger("bot.notes")

_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[a-zA-Z]*\n?|```")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_FIRST_INT = re.compile(r"[-+]?\d+(?:\.\d+)?")
_KEYS = set(TurnNotes.model_fields)
_OBJECTS: dict[str, type[BaseModel]] = {"imitation": ImitationNote, "experiment": CardNote, "review": ReviewNote}
_INT_FIELDS = {("experiment", "duration_days"), ("experiment", "confidence"), ("review", "reward")}


def notes_from_text(text: str, where: str = "") -> TurnNotes | None:
    """The notes in a model's text answer, or None (logged) when it holds no usable JSON object."""
    data = json_object(text or "")
    if data is None:
        log.warning("notes%s dropped: no JSON object in the answer (%d characters: %r)", where, len(text or ""), (text or "")[:120])
        return None
    return notes_from_data(data, where)


def json_object(text: str) -> dict | None:
    """The first JSON object in `text` that looks like notes (else the first object at all)."""
    text = _FENCE.sub("", _THINK.sub("", text))
    found: list[dict] = []
    decoder = json.JSONDecoder()
    for start in (i for i, c in enumerate(text) if c == "{"):
        for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                found.append(value)
                break
        if found and _KEYS & found[-1].keys():
            return found[-1]
    first = text.find("{")
    closed = _closed(text[first:]) if first >= 0 else None
    if closed is not None and _KEYS & closed.keys():
        return closed
    return found[0] if found else closed


def _closed(text: str) -> dict | None:
    """A cut-off object, closed where it broke off (the last incomplete value is dropped)."""
    text = _TRAILING_COMMA.sub(r"\1", text[:4000])
    for end in range(len(text), 0, -1):
        head = text[:end].rstrip().rstrip(",").rstrip()
        if head.endswith(":"):
            continue
        closers: list[str] = []
        in_string = escaped = False
        for c in head:
            if in_string:
                if escaped:
                    escaped = False
                elif c == "\\":
                    escaped = True
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c in "{[":
                closers.append("}" if c == "{" else "]")
            elif c in "}]" and closers:
                closers.pop()
        if in_string or not closers:
            continue
        try:
            value = json.loads(head + "".join(reversed(closers)))
        except ValueError:
            continue
        return value if isinstance(value, dict) else None
    return None


def notes_from_data(data: Any, where: str = "") -> TurnNotes | None:
    """TurnNotes from a decoded object, field by field; what does not fit is dropped and logged."""
    if not isinstance(data, dict):
        log.warning("notes%s dropped: the answer is a %s, not an object", where, type(data).__name__)
        return None
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KEYS:
            log.info("notes%s: unknown key %r dropped", where, key)
        elif value is not None:
            kept = _field(key, value, where)
            if kept is not None:
                fields[key] = kept
    return TurnNotes.model_construct(**fields)


def _field(key: str, value: Any, where: str) -> Any:
    if key == "strengths":
        items = value if isinstance(value, list) else [value]
        return [s for s in (_strength(item, where) for item in items) if s is not None]
    if key in _OBJECTS:
        return _object(key, value, where)
    try:
        return TurnNotes.model_validate({key: value}).__dict__[key]
    except ValidationError as exc:
        log.info("notes%s: %s=%r dropped (%s)", where, key, value, exc.errors()[0]["msg"])
        return None


def _strength(item: Any, where: str) -> StrengthNote | None:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        log.info("notes%s: strength %r dropped (not an object)", where, item)
        return None
    kind = item.get("kind")
    if kind is not None and kind not in ("strength", "drain", "overused"):
        log.info("notes%s: strength %r: unknown kind %r dropped, read as a strength", where, item.get("name"), kind)
        item = {**item, "kind": None}
    return _object("strength", item, where, StrengthNote)


def _object(key: str, value: Any, where: str, model: type[BaseModel] | None = None) -> BaseModel | None:
    model = model or _OBJECTS[key]
    if not isinstance(value, dict):
        log.info("notes%s: %s=%r dropped (not an object)", where, key, value)
        return None
    kept: dict[str, Any] = {}
    for name, raw in value.items():
        if name not in model.model_fields:
            log.info("notes%s: %s.%s dropped (unknown field)", where, key, name)
            continue
        if (key, name) in _INT_FIELDS:
            raw = _number(key, name, raw, where)
        try:
            kept[name] = model.model_validate({name: raw}).__dict__[name]
        except ValidationError as exc:
            log.info("notes%s: %s.%s=%r dropped (%s)", where, key, name, raw, exc.errors()[0]["msg"])
    return model.model_construct(**kept)


def _number(key: str, name: str, raw: Any, where: str) -> Any:
    """Numbers as models write them ("8/10", "7 days", 1.5); a 0-10 reward is mapped to -2..+2."""
    if isinstance(raw, str) and (match := _FIRST_INT.search(raw)):
        raw = match.group(0)
    try:
        number = round(float(raw)) if raw is not None else None
    except (TypeError, ValueError):
        return raw  # validation drops it, with its reason
    if key == "review" and number is not None and 2 < number <= 10:
        mapped = round((number - 5) / 2.5)
        log.info("notes%s: review reward %r read as 0-10 and mapped to %+d", where, raw, mapped)
        return mapped
    if key == "review" and number is not None and not -2 <= number <= 2:
        log.info("notes%s: review reward %r dropped (not -2..2 or 0-10)", where, raw)
        return None
    return number
