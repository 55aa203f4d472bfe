"""The words the guided coach listens for, and small helpers over the person's text (both languages)."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import Any

from knowledge.passages import Passage

from ..words import load

LANGUAGES = ("ko", "en")
QUOTE_CHARS = 120
FRAGMENT_CHARS = 60

# Sentence ends, but not the "1." of a numbered list item nor a title's "Mr." / "Dr." / "e.g.".
_SENTENCE = re.compile(r"(?<=[.!?。])(?<!\d\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\bvs\.)(?<!e\.g\.)(?<!i\.e\.)\s+|\n+")
_SENTENCE_SPAN = re.compile(r"[^\n]+?(?:(?<=[.!?。])(?<!\d\.)(?=\s)|(?=\n)|$)")
_CLAUSE = re.compile(r"(?<=[.!?。])\s+|\n+|[;；]\s*|,\s+|，\s*|\s[—–-]\s")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@lru_cache(maxsize=None)
def words(language: str) -> dict[str, Any]:
    return load(f"guided.{language}")


class _Lexicon:
    """The words the coach listens for, from both languages' `[parse]` tables, compiled once."""

    def __init__(self) -> None:
        tables = [words(lang)["parse"] for lang in LANGUAGES]
        self.patterns: dict[str, re.Pattern[str]] = {}
        for key in {k for t in tables for k, v in t.items() if isinstance(v, list) and all(isinstance(x, str) for x in v)}:
            alternatives = [p for t in tables for p in t.get(key, [])]
            self.patterns[key] = re.compile("|".join(f"(?:{p})" for p in alternatives) or r"(?!x)x", re.I)
        self.ordinals = [(re.compile(p, re.I), i) for t in tables for p, i in t.get("ordinals", [])]
        self.strength_phrase = [(re.compile(p, re.I), r) for t in tables for p, r in t.get("strength_phrase", [])]
        self.nominalize = [(re.compile(p), r) for t in tables for p, r in t.get("nominalize", [])]
        self.share_of_week = [(re.compile(p, re.I), r) for t in tables for p, r in t.get("share_of_week", [])]
        self.instead_of = [(re.compile(p, re.I), r) for t in tables for p, r in t.get("instead_of", [])]
        self.proposal_as_plan = [(re.compile(p, re.I), r) for t in tables for p, r in t.get("proposal_as_plan", [])]
        self.past_forms = {k.lower(): v for t in tables for k, v in t.get("past_forms", {}).items()}
        self.duration_numbers = {k.lower(): v for t in tables for k, v in t.get("duration_numbers", {}).items()}
        self.score_words = {k.lower(): v for t in tables for k, v in t.get("score_words", {}).items()}
        # A number word must start a word: "모두 주말" is not "두 주".
        num = r"(?<![^\W\d_])(?:" + "|".join([r"\d+"] + sorted((re.escape(w) for w in self.duration_numbers), key=len, reverse=True)) + ")"
        self.duration_units = [
            (re.compile(p.replace("{num}", num), re.I), days) for t in tables for p, days in t["duration"]["units"]
        ]
        self.duration_words = [(re.compile(p, re.I), days) for t in tables for p, days in t["duration"]["words"]]
        self.tenure_units = [
            (re.compile(p.replace("{num}", num), re.I), days) for t in tables for p, days in t.get("tenure", {}).get("units", [])
        ]
        self.tenure_marker = re.compile("|".join(f"(?:{p})" for t in tables for p in t.get("tenure", {}).get("marker", [])) or r"(?!x)x", re.I)
        for name in ("span_before", "span_after", "rate_before", "rate_after"):
            alternatives = [p for t in tables for p in t["duration"].get(name, [])]
            setattr(self, name, re.compile("|".join(f"(?:{p})" for p in alternatives) or r"(?!x)x", re.I))

    def has(self, key: str, text: str) -> bool:
        return bool(self.patterns[key].search(text))

    def strip(self, key: str, text: str) -> str:
        return self.patterns[key].sub("", text).strip()


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    return _Lexicon()


# -- small text helpers -----------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def said(text: str) -> list[str]:
    """The sentences that say something: "ok." or "음." before the answer is not part of it
    ("ok. what drains me is formatting references" had recorded the drain "ok.")."""
    lex = lexicon()
    out = []
    for sentence in sentences(text):
        rest = lex.strip("filler", lex.strip("affirmative", sentence)).strip(" .!?,;:…~")
        if substance(rest) >= 4:
            out.append(sentence)
    return out or sentences(text)


def own_words(text: str) -> str:
    """The message without its sentences and clauses that talk about the conversation itself ("You
    didn't answer my question about Mr. Wei, but never mind. What drains me is …" -> "What drains me is
    …"); "" when that is all it says."""
    lex = lexicon()
    kept = []
    for sentence in sentences(text):
        if not lex.has("conversation_talk", sentence):
            for pattern, replacement in lex.instead_of:  # "빨리 배운거 말고 R이랑 파이썬이요" -> "R이랑 파이썬이요"
                sentence = pattern.sub(replacement, sentence)
            kept.append(sentence)
            continue
        # the sentence's own pieces (as typed) without those that talk about the conversation
        pieces = [p for p in _CLAUSE.split(sentence) if p and p.strip(" .!?,;:")]
        rest = ", ".join(p.strip() for p in pieces if not lex.has("conversation_talk", p))
        for pattern, replacement in lex.instead_of:
            rest = pattern.sub(replacement, rest)
        if substance(rest) >= 6 and any(_meaningful(c) for c in _clauses(rest)):
            kept.append(rest.strip(" ,"))
    return " ".join(kept)


def substance(text: str) -> int:
    """How much a text says: Latin letters plus Hangul syllables weighted like in language.py."""
    return len(re.findall(r"[A-Za-z]", text)) + int(len(HANGUL.findall(text)) * 2.5)


def trim(text: str, limit: int = FRAGMENT_CHARS) -> str:
    text = " ".join(text.split()).strip(" \t\"'“”‘’«»")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _clauses(text: str) -> list[str]:
    lex = lexicon()
    out = []
    for piece in _CLAUSE.split(text):
        piece = lex.strip("filler", (piece or "").strip()).strip(" .!?,;:\"'“”‘’")
        if piece:
            out.append(piece)
    return out


def clauses(text: str) -> list[str]:
    """The message's clauses, fillers and edge punctuation off."""
    return _clauses(text)


def _meaningful(clause: str) -> bool:
    return len(clause.split()) >= 3 or len(HANGUL.findall(clause)) >= 6


def first_clause(text: str, limit: int = FRAGMENT_CHARS) -> str:
    """The first clause that says something, trimmed: a strength's name in the user's words."""
    clauses = _clauses(text)
    chosen = next((c for c in clauses if _meaningful(c)), clauses[0] if clauses else text)
    return trim(chosen, limit)


def fragment(text: str, limit: int = FRAGMENT_CHARS) -> str:
    """A short verbatim piece of the user's words to reflect: the fullest clause that fits."""
    clauses = _clauses(text)
    fitting = [c for c in clauses if _meaningful(c) and len(c) <= limit]
    if fitting:
        return max(fitting, key=len)
    return first_clause(text, limit)


def _bigrams(text: str) -> set[str]:
    squashed = re.sub(r"\W+", "", text.lower())
    return {squashed[i : i + 2] for i in range(len(squashed) - 1)}


def overlap(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / (len(x) ** 0.5 or 1.0)


def excerpt(passage: Passage, query: str, limit: int = QUOTE_CHARS) -> str:
    """Verbatim text of `passage` around the sentence closest to `query`; '…' marks what is left out.

    A short passage is quoted whole. Lines stay lines, so every piece between '…' marks is a
    substring of the passage.
    """
    whole = passage.text.strip()
    if len(whole) <= limit:
        return whole
    spans = [(m.start(), m.end()) for m in _SENTENCE_SPAN.finditer(whole) if m.group().strip()]
    if not spans:
        return whole[:limit].rstrip() + " …"
    best = max(range(len(spans)), key=lambda i: (overlap(whole[spans[i][0] : spans[i][1]], query), -i))
    start, end = spans[best]
    last = best
    # A short sentence takes the next ones along while they fit.
    while last + 1 < len(spans) and spans[last + 1][1] - start <= limit and end - start < 50:
        last += 1
        end = spans[last][1]
    text = whole[start:end].strip()
    if len(text) > limit:
        cut = text[:limit]
        text = (cut[: cut.rfind(" ")] if " " in cut[limit // 2 :] else cut).rstrip() + " …"
    elif last < len(spans) - 1:
        text += " …"
    if best > 0:
        text = "… " + text
    return text


def stable_index(*parts: object, n: int) -> int:
    return zlib.crc32(":".join(map(str, parts)).encode("utf-8")) % n if n else 0
