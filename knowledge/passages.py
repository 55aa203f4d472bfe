"""Splitting text into passages: meaning units with stable, content-derived ids."""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel, Field

_LIST_ITEM = re.compile(r"^\s*(\d+[.)]|[-*•])\s+")
_HEADING = re.compile(r"^#{1,6}\s+\S")
_SENTENCE_END = re.compile(r"[.!?。](?=\s)")
MAX_PASSAGE_CHARS = 1200


class Passage(BaseModel):
    """One retrievable unit of text, quoted verbatim from its source."""

    id: str
    text: str
    source: str
    position: int = 0
    title: str | None = None
    score: float | None = Field(default=None, description="similarity to the query, higher is better")

    def cite(self) -> str:
        return f"[{self.id}]"

    def rendering(self, lang: str) -> str | None:
        """The project's own rendering of this passage in `lang` (never the author's words), or
        None where there is none or `lang` is the passage's own language (user documents have none)."""
        from .corpus import rendering

        return rendering(self.id, lang)


def passage_id(prefix: str, source: str, text: str, occurrence: int = 0) -> str:
    """A stable id: the same source and text always give the same id."""
    digest = hashlib.sha1(f"{source}\x00{text}\x00{occurrence}".encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:10]}"


def _paragraphs(text: str) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_list(paragraph: list[str]) -> bool:
    return all(_LIST_ITEM.match(line) for line in paragraph)


def _is_lead_in(paragraph: list[str]) -> bool:
    """A sentence that announces what follows: ends with ',' or ':' or is a short heading."""
    last = paragraph[-1].rstrip()
    return last.endswith((",", ":", "：")) or (len(paragraph) == 1 and len(last) <= 40 and not _is_list(paragraph))


def _split_long(text: str) -> list[str]:
    """Cut an over-long unit at sentence ends (else at a space) so each piece stays embeddable and verbatim."""
    pieces: list[str] = []
    while len(text) > MAX_PASSAGE_CHARS:
        window = text[: MAX_PASSAGE_CHARS + 1]
        ends = [m.end() for m in _SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends else (window.rfind(" ") + 1 or window.rfind("\n") + 1 or MAX_PASSAGE_CHARS)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def meaning_units(text: str) -> list[str]:
    """Paragraphs, with a lead-in sentence kept together with its list or its continuation."""
    units: list[list[str]] = []
    for paragraph in _paragraphs(text):
        if units and (_is_list(paragraph) and (_is_list(units[-1]) or _is_lead_in(units[-1]) or _LIST_ITEM.match(units[-1][-1]))):
            units[-1].extend(paragraph)
        elif units and (units[-1][-1].rstrip().endswith((",", ":", "：")) or all(map(_HEADING.match, units[-1]))):
            # A sentence cut at a comma continues; a Markdown heading belongs to what it heads.
            units[-1].extend(paragraph)
        else:
            units.append(list(paragraph))
    out: list[str] = []
    for unit in units:
        out.extend(_split_long("\n".join(unit)))
    return out


def split_passages(text: str, source: str, prefix: str, title: str | None = None) -> list[Passage]:
    """Passages of one source in reading order; re-splitting unchanged text gives the same ids."""
    seen: dict[str, int] = {}
    passages = []
    for position, unit in enumerate(meaning_units(text)):
        occurrence = seen.get(unit, 0)
        seen[unit] = occurrence + 1
        passages.append(
            Passage(
                id=passage_id(prefix, source, unit, occurrence),
                text=unit,
                source=source,
                position=position,
                title=title,
            )
        )
    return passages
