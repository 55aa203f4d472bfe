"""Citations in a reply: only passages the reply was given may be cited, in any bracket form and in
lists (`[essay-3709b730e8, essay-9999999999]` keeps only the real one). Works on a stream too, so
what the person watches arrive is already the final text."""

from __future__ import annotations

import re
from collections.abc import Iterable

_OPEN, _CLOSE = "[(【〔［（", "])】〕］）"
_PAIRS = dict(zip(_OPEN, _CLOSE))
# Inside brackets any id-like token counts; bare in the text, only the real ids' shape (10 hex digits,
# give or take), so that ordinary words like "doc-string" stay.
_LOOSE_ID = re.compile(r"\b(?:essay|doc)-[0-9A-Za-z]{1,32}\b")
_BARE_ID = re.compile(r"[ \t]?\b(?:essay|doc)-[0-9a-f]{6,16}\b")
_GROUP = re.compile(r"[ \t]?([\[(【〔［（])([^\[\]()【】〔〕［］（）\n]{0,200})([\])】〕］）])")
_SEPARATORS = re.compile(r"^[\s,;/、·|&]*(?:(?:and|및|or)[\s,;/、·|&]+)?")
_DANGLING = re.compile(r"(?:\s*(?:,|;|\band|및|\bor))+\s*$")
_EMPTY_GROUP = re.compile(r"[ \t]?(?:\[\s*\]|\(\s*\)|【\s*】|〔\s*〕|［\s*］|（\s*）)")
# The longest a bracket may stay open on a stream before it is taken for ordinary text.
_MAX_HELD = 200
_PARTIAL_ID = re.compile(r"(?:^|\W)((?:e(?:s(?:s(?:a(?:y(?:-[0-9A-Za-z]*)?)?)?)?)?|d(?:o(?:c(?:-[0-9A-Za-z]*)?)?)?))$")


def keep_real_citations(text: str, real: Iterable[str]) -> str:
    """The text with every citation of a passage not in `real` removed (a list keeps its real ids)."""
    real = set(real)

    def group(m: re.Match) -> str:
        opening, content, closing = m.group(1), m.group(2), m.group(3)
        ids = _LOOSE_ID.findall(content)
        if not ids or _PAIRS.get(opening) != closing:
            return m.group(0)
        kept = [i for i in ids if i in real]
        if len(kept) == len(ids):
            return m.group(0)
        lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip(" \t"))]
        if not kept:
            return ""
        rest = _LOOSE_ID.sub("", content)
        if not _SEPARATORS.sub("", rest).strip(" \t,;/、·|&"):  # nothing but ids: rebuild the list
            separator = next((s for s in (", ", ",", "; ", ";", " / ", "、", " ") if s in content), ", ")
            return f"{lead}{opening}{separator.join(kept)}{closing}"
        for invented in set(ids) - real:
            content = re.sub(rf"{re.escape(invented)}(?:\s*(?:,|;|and\b|및|or\b)\s*)?", "", content)
        content = _DANGLING.sub("", re.sub(r"[ \t]{2,}", " ", content)).strip()
        return f"{lead}{opening}{content}{closing}"

    text = _GROUP.sub(group, text)
    text = _BARE_ID.sub(lambda m: m.group(0) if m.group(0).strip() in real else "", text)
    return _EMPTY_GROUP.sub("", text) if _EMPTY_GROUP.search(text) else text


class CitationStream:
    """Cleans a streamed reply as it arrives: holds back an open bracket, a half-written id and
    trailing spaces until they can be judged, so every piece shown is already final."""

    def __init__(self, real: Iterable[str]) -> None:
        self.real = set(real)
        self.raw = ""
        self.shown = ""

    def feed(self, piece: str) -> str:
        """New text that is safe to show now (maybe empty)."""
        self.raw += piece
        return self._release(self._safe_end())

    def finish(self) -> str:
        """The rest, once the stream has ended."""
        return self._release(len(self.raw))

    @property
    def text(self) -> str:
        """The final text of everything fed so far."""
        return keep_real_citations(self.raw, self.real).strip()

    def _release(self, end: int) -> str:
        # Trailing spaces wait for the next word: a citation removed after them takes its space along.
        clean = keep_real_citations(self.raw[:end], self.real).strip()
        if not clean.startswith(self.shown):  # cannot happen for local edits; never show text twice
            return ""
        new, self.shown = clean[len(self.shown):], clean
        return new

    def _safe_end(self) -> int:
        raw = self.raw
        end = len(raw)
        depth_start = None
        for i, c in enumerate(raw):
            if c in _OPEN and depth_start is None and len(raw) - i <= _MAX_HELD:
                depth_start = i
            elif c in _CLOSE and depth_start is not None:
                depth_start = None
        if depth_start is not None:
            end = depth_start
        partial = _PARTIAL_ID.search(raw[:end])
        if partial:
            end = partial.start(1)
        return end
