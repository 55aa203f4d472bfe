"""The guided offline mode: COACHING.md's arc, scripted and grounded in retrieved passages.

Runs when no model is configured. Each user message answers the question the coach asked
last (kept in `state.guided`, so a new process resumes the conversation); the coach reflects
the user's words, quotes the essay where it fits, fills the experiment card, and asks the
next question. All words live in bot/text/guided.{ko,en}.toml.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from knowledge.passages import Passage

from .language import detect_language
from .models import ChatMessage, ExperimentCard, Review, SessionState, Stage, Strength, now
from .words import load

log = logging.getLogger(__name__)

Search = Callable[[str, int], list[Passage]]

LANGUAGES = ("ko", "en")
CLUES = ("enjoy", "fast", "come_to_you", "tried", "free_week")
CLUES_BEFORE_DRAIN = 2
MIN_CONFIDENCE = 7
QUOTE_K = 4
RRF_K = 60
QUOTE_CHARS = 120
FRAGMENT_CHARS = 60
RETURN_AFTER = timedelta(hours=12)
DEFAULT_DAYS = 7

# Slots whose question may be skipped after "I don't know" (the card's fields may not).
OPTIONAL_SLOTS = ("open", "imitation_playbook", "imitation_capped", "strengths_clue", "strengths_drain")
SLOT_STAGE = {
    "open": Stage.OPEN,
    "imitation": Stage.IMITATION,
    "strengths": Stage.STRENGTHS,
    "design": Stage.DESIGN,
    "card": Stage.DESIGN,
    "running": Stage.DESIGN,
    "review": Stage.REVIEW,
}

# Sentence ends, but not the "1." of a numbered list item.
_SENTENCE = re.compile(r"(?<=[.!?。])(?<!\d\.)\s+|\n+")
_SENTENCE_SPAN = re.compile(r"[^\n]+?(?:(?<=[.!?。])(?<!\d\.)(?=\s)|(?=\n)|$)")
_CLAUSE = re.compile(r"(?<=[.!?。])\s+|\n+|[;；]\s*|,\s+|，\s*|\s[—–-]\s")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NUMBERED = re.compile(r"(?:^|\s)\(?\d[.)]\s+")


@dataclass
class GuidedTurn:
    """One reply of the guided mode and the passages it quoted."""

    text: str
    sources: list[Passage] = field(default_factory=list)


class GuidedCoach:
    """The coach without a model: `reply(state, message, history)` mutates `state` in place."""

    def __init__(self, search: Search, *, clock: Callable[[], datetime] = now) -> None:
        self.search = search
        self.clock = clock

    def reply(self, state: SessionState, message: str, history: list[ChatMessage]) -> GuidedTurn:
        return _Turn(self, state, message, list(history or [])).run()


# -- language data ----------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _words(language: str) -> dict[str, Any]:
    return load(f"guided.{language}")


class _Lexicon:
    """The words the coach listens for, from both languages' `[parse]` tables, compiled once."""

    def __init__(self) -> None:
        tables = [_words(lang)["parse"] for lang in LANGUAGES]
        self.patterns: dict[str, re.Pattern[str]] = {}
        for key in {k for t in tables for k, v in t.items() if isinstance(v, list) and all(isinstance(x, str) for x in v)}:
            alternatives = [p for t in tables for p in t.get(key, [])]
            self.patterns[key] = re.compile("|".join(f"(?:{p})" for p in alternatives) or r"(?!x)x", re.I)
        self.ordinals = [(re.compile(p, re.I), i) for t in tables for p, i in t.get("ordinals", [])]
        self.nominalize = [(re.compile(p), r) for t in tables for p, r in t.get("nominalize", [])]
        self.duration_numbers = {k.lower(): v for t in tables for k, v in t.get("duration_numbers", {}).items()}
        self.score_words = {k.lower(): v for t in tables for k, v in t.get("score_words", {}).items()}
        # A number word must start a word: "모두 주말" is not "두 주".
        num = r"(?<![^\W\d_])(?:" + "|".join([r"\d+"] + sorted((re.escape(w) for w in self.duration_numbers), key=len, reverse=True)) + ")"
        self.duration_units = [
            (re.compile(p.replace("{num}", num), re.I), days) for t in tables for p, days in t["duration"]["units"]
        ]
        self.duration_words = [(re.compile(p, re.I), days) for t in tables for p, days in t["duration"]["words"]]
        for name in ("span_before", "span_after", "rate_before", "rate_after"):
            alternatives = [p for t in tables for p in t["duration"].get(name, [])]
            setattr(self, name, re.compile("|".join(f"(?:{p})" for p in alternatives) or r"(?!x)x", re.I))

    def has(self, key: str, text: str) -> bool:
        return bool(self.patterns[key].search(text))

    def strip(self, key: str, text: str) -> str:
        return self.patterns[key].sub("", text).strip()


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon()


# -- small text helpers -----------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _substance(text: str) -> int:
    """How much a text says: Latin letters plus Hangul syllables weighted like in language.py."""
    return len(re.findall(r"[A-Za-z]", text)) + int(len(_HANGUL.findall(text)) * 2.5)


def _trim(text: str, limit: int = FRAGMENT_CHARS) -> str:
    text = " ".join(text.split()).strip(" \t\"'“”‘’«»")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _clauses(text: str) -> list[str]:
    lex = _lexicon()
    out = []
    for piece in _CLAUSE.split(text):
        piece = lex.strip("filler", (piece or "").strip()).strip(" .!?,;:\"'“”‘’")
        if piece:
            out.append(piece)
    return out


def _meaningful(clause: str) -> bool:
    return len(clause.split()) >= 3 or len(_HANGUL.findall(clause)) >= 6


def first_clause(text: str, limit: int = FRAGMENT_CHARS) -> str:
    """The first clause that says something, trimmed: a strength's name in the user's words."""
    clauses = _clauses(text)
    chosen = next((c for c in clauses if _meaningful(c)), clauses[0] if clauses else text)
    return _trim(chosen, limit)


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


def _overlap(a: str, b: str) -> float:
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
    best = max(range(len(spans)), key=lambda i: (_overlap(whole[spans[i][0] : spans[i][1]], query), -i))
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


# -- parsing answers --------------------------------------------------------------------------


def _duration_matches(text: str) -> list[tuple[int, int, int, bool]]:
    """(start, end, days, is_span) of every length of time in `text`, rates left out."""
    lex = _lexicon()
    found: list[tuple[int, int, int, bool]] = []
    for pattern, per_unit in lex.duration_units:
        for m in pattern.finditer(text):
            raw = m.group(1).lower()
            n = int(raw) if raw.isdigit() else lex.duration_numbers.get(raw)
            if n:
                found.append((m.start(), m.end(), n * per_unit, False))
    for pattern, days in lex.duration_words:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), days, False))
    kept: list[tuple[int, int, int, bool]] = []
    for start, end, days, _ in sorted(found, key=lambda f: f[0] - f[1]):  # longest first
        if any(start < e and s < end for s, e, _, _ in kept):
            continue
        before, after = text[:start], text[end:]
        if lex.rate_before.search(before) or lex.rate_after.search(after):
            continue
        span = bool(lex.span_before.search(before) or lex.span_after.search(after))
        kept.append((start, end, days, span))
    return sorted(kept)


def parse_duration(text: str) -> int | None:
    """Days in "2주", "14일", "a week", "for 10 days", "3 weeks"; None if there is no length."""
    matches = _duration_matches(text)
    if not matches:
        return None
    spans = [m for m in matches if m[3]]
    days = spans[-1][2] if spans else max(m[2] for m in matches)
    return max(1, min(365, days))


def remove_duration(text: str) -> str:
    """`text` without its length of time ("for 3 weeks", "2주 동안")."""
    lex = _lexicon()
    for start, end, _, _ in reversed(_duration_matches(text)):
        before, after = text[:start], text[end:]
        b = lex.span_before.search(before)
        if b:
            before = before[: b.start()]
        a = lex.span_after.search(after)
        if a:
            after = after[a.end() :]
        text = before.rstrip(" ,") + (" " if before.strip() and after.strip() and not after.startswith((",", ".")) else "") + after.lstrip()
    return " ".join(text.split()).strip(" ,")


def parse_score(text: str, low: int = 0, high: int = 10) -> int | None:
    """A whole number in [low, high] from "8", "8/10", "7점", "칠", "seven", "+1", "마이너스 1"."""
    lex = _lexicon()
    sign = rf"(?P<sign>[+\-−]|{lex.patterns['sign_minus'].pattern}|{lex.patterns['sign_plus'].pattern})?"
    for m in re.finditer(sign + r"\s*(?P<n>\d+(?:\.\d+)?)", text, re.I):
        value = int(float(m.group("n")))
        s = (m.group("sign") or "").strip()
        if s and (s in "-−" or lex.has("sign_minus", s)):
            value = -value
        if low <= value <= high:
            return value
    bare = lex.strip("score_suffix", text.strip().strip(".!?")).strip().lower()
    if bare in lex.score_words and low <= lex.score_words[bare] <= high:
        return lex.score_words[bare]
    for word, value in lex.score_words.items():
        if word.isascii() and len(word) >= 3 and re.search(rf"\b{word}\b", text, re.I) and low <= value <= high:
            return value
    return None


def parse_reward(text: str) -> int | None:
    """-2..+2; a 0-10 rating is mapped onto that scale."""
    value = parse_score(text, -2, 2)
    if value is not None:
        return value
    rating = parse_score(text, 0, 10)
    return None if rating is None else max(-2, min(2, round((rating - 5) / 2.5)))


def _split_by(text: str, key: str) -> tuple[str, str]:
    """Text before and from the first marker of `key` (not at the very start)."""
    for m in _lexicon().patterns[key].finditer(text):
        if m.start() > 0:
            return text[: m.start()].strip(" ,;:—-"), text[m.start() :].strip()
    return text.strip(), ""


def split_hypothesis_reward(text: str) -> tuple[str, str]:
    """The expectation and the world's signal from one answer; the signal may be ''."""
    lex = _lexicon()
    sentences = _sentences(text)
    if len(sentences) >= 2:
        marked = [i for i, s in enumerate(sentences) if i > 0 and (lex.has("signal_marker", s) or lex.has("world_signal", s))]
        cut = marked[0] if marked else len(sentences) - 1
        return " ".join(sentences[:cut]), " ".join(sentences[cut:])
    return _split_by(text, "signal_marker")


def split_smallest_obstacle(text: str) -> tuple[str, str]:
    """The bad-day version and the "If …, then …" plan from one answer; either may be ''."""
    lex = _lexicon()
    sentences = _sentences(text)
    conditional = [i for i, s in enumerate(sentences) if lex.has("conditional", s)]
    if len(sentences) >= 2:
        cut = conditional[-1] if conditional and conditional[-1] > 0 else len(sentences) - 1
        return " ".join(sentences[:cut]), " ".join(sentences[cut:])
    return ("", text) if conditional else (text, "")


def split_plus_minus(text: str) -> tuple[str, str]:
    sentences = _sentences(text)
    if len(sentences) >= 2:
        marked = [i for i, s in enumerate(sentences) if i > 0 and _lexicon().has("minus_marker", s)]
        cut = marked[0] if marked else 1
        return " ".join(sentences[:cut]), " ".join(sentences[cut:])
    return _split_by(text, "minus_marker")


def split_options(text: str) -> tuple[list[str], str]:
    """The options the user named, and the one they chose to start with ('' if none)."""
    lex = _lexicon()
    sentences = _sentences(text)
    choice = ""
    chosen = [i for i, s in enumerate(sentences) if lex.has("choice", s)]
    if chosen and (len(sentences) > 1 or lex.has("i_will", sentences[0])):
        i = chosen[-1]
        choice = sentences.pop(i)
    options: list[str] = []
    for sentence in sentences:
        if lex.has("option_intro", sentence) and len(sentences) > 1:
            continue
        for piece in re.split(lex.patterns["option_sep"].pattern + r"|;\s*|" + _NUMBERED.pattern, sentence, flags=re.I):
            piece = lex.strip("option_prefix", (piece or "").strip()).strip(" .,")
            if _substance(piece) >= 4:
                options.append(piece)
    return options, choice


def chosen_text(choice: str) -> str:
    """The part of "I'll start with the first: I will …" that describes the action."""
    if ":" in choice:
        _, rest = choice.split(":", 1)
        if _substance(rest) >= 8:
            return rest.strip()
    return choice.strip()


# -- card derivations -------------------------------------------------------------------------


def action_core(action: str) -> tuple[str, bool]:
    """What the action does, without "I will", its length or its cadence; and whether it said "I will"."""
    lex = _lexicon()
    text = remove_duration(action)
    text = (_sentences(text) or [text])[0]
    said_i_will = lex.has("i_will", text)
    text = lex.patterns["i_will"].sub("", text, count=1)
    text = lex.strip("cadence", text)
    text = re.split(lex.patterns["clause_break"].pattern, text, maxsplit=1, flags=re.I)[0]
    return " ".join(text.split()).strip(" .,!;:"), said_i_will


def nominalized(core: str) -> tuple[str, bool]:
    """A Korean verb phrase as a noun ("분석하고" -> "분석하기"); unchanged text otherwise."""
    for pattern, replacement in _lexicon().nominalize:
        if pattern.search(core):
            return pattern.sub(replacement, core, count=1), True
    return core, False


def _stable_index(*parts: object, n: int) -> int:
    return zlib.crc32(":".join(map(str, parts)).encode("utf-8")) % n if n else 0


# -- one turn ---------------------------------------------------------------------------------


class _Turn:
    """Builds one reply: parts of text in order, the passages quoted, and the state's updates."""

    def __init__(self, coach: GuidedCoach, state: SessionState, message: str, history: list[ChatMessage]) -> None:
        self.coach = coach
        self.state = state
        self.message = (message or "").strip()
        self.history = history
        self.lex = _lexicon()
        self.parts: list[str] = []
        self.sources: list[Passage] = []
        g = state.guided
        for key, default in (
            ("pending", None), ("variant", 0), ("asked", {}), ("answers", {}), ("clues", 0), ("card", None),
            ("options", []), ("suggestion", None), ("challenged", False), ("pushback", False), ("quoted", []),
            ("design_quoted", []), ("review", {}), ("obstacle", ""), ("used", {}),
        ):
            g.setdefault(key, default)
        self.g = g

    # -- words --------------------------------------------------------------------------------

    @property
    def words(self) -> dict[str, Any]:
        return _words(self.state.language)

    def pick(self, options: str | list[str], key: str) -> str:
        """One of several wordings: rotating, from a start fixed by the session, so none repeats twice running."""
        if isinstance(options, str):
            return options
        used = self.g["used"]
        count = used.get(key, 0)
        used[key] = count + 1
        return options[(_stable_index(self.state.session_id, key, n=len(options)) + count) % len(options)]

    def text(self, path: str, **values: Any) -> str:
        node: Any = self.words
        for part in path.split("."):
            node = node[part]
        return self.pick(node, path).format(**values)

    def say(self, path: str, **values: Any) -> None:
        self.parts.append(self.text(path, **values))

    def reflect(self, key: str, source: str | None = None, **values: Any) -> None:
        values.setdefault("fragment", fragment(source if source is not None else self.message))
        self.say(f"reflect.{key}", **values)

    # -- questions ----------------------------------------------------------------------------

    def variants(self, slot: str) -> list[str]:
        if slot == "strengths_clue":
            return [self.words["clues"][k] for k in CLUES]
        return self.words["ask"][slot]

    def next_variant(self, slot: str) -> int | None:
        asked = self.g["asked"].get(slot, [])
        return next((i for i in range(len(self.variants(slot))) if i not in asked), None)

    def ask(self, slot: str, index: int | None = None, key: str | None = None, **values: Any) -> None:
        """Ask `slot`'s question (a fresh variant unless `index` is given); its answer comes next."""
        if index is None:
            index = self.next_variant(slot)
            if index is None:
                index = len(self.variants(slot)) - 1
        asked = self.g["asked"].setdefault(slot, [])
        if index not in asked:
            asked.append(index)
        self.g["pending"] = slot
        self.g["variant"] = index
        self.g["ask_key"] = key
        self.state.stage = SLOT_STAGE[slot.split("_")[0]]
        question = self.words["ask"][key] if key else self.variants(slot)
        if isinstance(question, list):
            question = question[min(index, len(question) - 1)]
        self.parts.append(question.format(**values))

    def ask_again(self) -> None:
        slot = self.g["pending"] or "open"
        if self.g["pending"] is None:
            self.ask(slot)
        else:
            self.ask(slot, index=self.g.get("variant", 0), key=self.g.get("ask_key"), **self.ask_values(slot))

    def ask_values(self, slot: str) -> dict[str, Any]:
        if slot == "review_outcome":
            card = self.review_card()
            return {"title": card.title if card else ""}
        return {}

    # -- passages -----------------------------------------------------------------------------

    def quote(self, context: str, query: str) -> Passage | None:
        """Quote the passage that best fits both the user's words and the stage, not quoted before.

        Two searches, the user's words with the stage context and the context alone, fused by
        reciprocal rank: a passage both agree on beats one that only echoes the user's topic.
        """
        stage_query = self.words["search"][context]
        full_query = f"{query} {stage_query}".strip()
        scores: dict[str, float] = {}
        found: dict[str, Passage] = {}
        for q in dict.fromkeys((full_query, stage_query)):
            try:
                passages = self.coach.search(q, QUOTE_K) or []
            except Exception:  # a broken store should not stop the conversation
                log.warning("guided search failed", exc_info=True)
                passages = []
            for rank, p in enumerate(passages):
                scores[p.id] = scores.get(p.id, 0.0) + 1.0 / (RRF_K + rank)
                found.setdefault(p.id, p)
        ranked = sorted(found, key=lambda pid: -scores[pid])  # stable: first found wins ties
        passage = next((found[pid] for pid in ranked if pid not in self.g["quoted"] and found[pid].text.strip()), None)
        if passage is None:
            return None
        quoted = "\n".join(f"> {line.strip()}" for line in excerpt(passage, full_query).splitlines() if line.strip())
        self.parts.append(f"{self.text('quote_intro')}\n{quoted} {passage.cite()}")
        self.sources.append(passage)
        self.g["quoted"].append(passage.id)
        self.g["design_quoted"].append(passage.id)
        return passage

    # -- the turn -----------------------------------------------------------------------------

    def run(self) -> GuidedTurn:
        state, g, msg = self.state, self.g, self.message
        state.language = detect_language(msg, default=state.language)
        if not state.offline_notice_shown:
            self.say("notice")
            state.offline_notice_shown = True
        pending = g["pending"]

        if self.is_return(pending):
            self.start_review()
        elif pending is None and self.lex.has("returning_strong", msg) and not self.has_design_intent():
            self.say("say.no_experiment")
            self.ask("strengths_clue", index=CLUES.index("tried"))
        elif self.handle_aside(pending):
            pass
        elif self.has_design_intent() and (pending is None or pending == "running" or not pending.startswith(("design", "card", "review"))):
            self.start_design(new_card=True)
        elif pending is None:
            if self.lex.has("greeting", msg) and _substance(msg) < 25 or _substance(msg) < 8:
                self.ask("open")
            else:
                self.on_open()
        elif self.is_dont_know():
            self.on_dont_know(pending)
        elif hasattr(self, f"on_{pending}"):
            getattr(self, f"on_{pending}")()
        else:  # a slot this version no longer knows (an old saved session): start afresh
            g["pending"] = None
            self.on_open()
        return GuidedTurn(text="\n\n".join(p for p in self.parts if p), sources=self.sources)

    # -- recognising what kind of message this is ---------------------------------------------

    def running_card(self) -> ExperimentCard | None:
        return next((c for c in reversed(self.state.experiments) if c.status == "running"), None)

    def review_card(self) -> ExperimentCard | None:
        return self.state.experiment(self.g["review"].get("card", "")) if self.g["review"] else None

    def away_long(self) -> bool:
        if not self.history:
            return False
        last = self.history[-1].created_at
        if last.tzinfo is None:
            last = last.replace(tzinfo=timezone.utc)
        return self.coach.clock() - last > RETURN_AFTER

    def is_return(self, pending: str | None) -> bool:
        if self.running_card() is None or (pending or "").startswith("review"):
            return False
        if self.away_long():
            return True
        return pending in (None, "running") and self.lex.has("returning", self.message)

    def has_design_intent(self) -> bool:
        return self.lex.has("design_intent", self.message)

    def is_dont_know(self) -> bool:
        m = self.lex.patterns["dont_know"].search(self.message)
        if not m:
            return False
        rest = self.message[: m.start()] + self.message[m.end() :]
        return len(self.message) <= 40 or _substance(rest) < 15

    def handle_aside(self, pending: str | None) -> bool:
        """Questions about the coach, off-topic requests, requests for advice: answer briefly, steer back."""
        msg = self.message
        if pending in ("design_options", "design_pick") and self.lex.has("ask_suggestion", msg):
            return False  # there, asking for advice is asking for the coach's one option
        if self.lex.has("identity", msg):
            self.say("say.identity")
        elif self.lex.has("off_topic", msg) and len(msg) <= 200:
            self.say("say.steer")
        elif self.lex.has("advice", msg) and (msg.rstrip().endswith("?") or len(msg) <= 60):
            self.say("say.advice")
            self.quote("advice", msg)
        else:
            return False
        self.ask_again()
        return True

    # -- open and imitation -------------------------------------------------------------------

    def on_open(self) -> None:
        self.g["answers"]["open"] = self.message
        self.reflect("open")
        # Someone who already named whose way they follow is asked what it gave them.
        named = self.lex.has("playbook", self.message) or self.lex.has("imitation", self.message)
        self.ask("imitation_playbook", key="imitation_given" if named else None)

    def on_imitation_playbook(self) -> None:
        self.g["answers"]["playbook"] = self.message
        self.reflect("imitation_playbook")
        self.quote("imitation", self.message)
        self.ask("imitation_capped")

    def on_imitation_capped(self) -> None:
        self.g["answers"]["capped"] = self.message
        early = len(self.lex.patterns["early"].findall(self.message))
        past = len(self.lex.patterns["past"].findall(self.message))
        where = "early" if early > past else "past" if past > early else "unsure"
        self.g["answers"]["where"] = where
        self.reflect(f"capped_{where}")
        self.quote("strengths", self.message)
        self.ask("strengths_clue")

    # -- strengths ----------------------------------------------------------------------------

    def capture(self, kind: str, text: str | None = None) -> Strength:
        text = text if text is not None else self.message
        strength = Strength(name=first_clause(text), evidence=text, kind=kind)
        self.state.strengths.append(strength)
        return strength

    def on_strengths_clue(self) -> None:
        self.capture("strength")
        self.g["clues"] += 1
        self.reflect("clue")
        if self.g["clues"] < CLUES_BEFORE_DRAIN and self.next_variant("strengths_clue") is not None:
            self.ask("strengths_clue")
        elif "strengths_drain" not in self.g["asked"]:
            self.ask("strengths_drain")
        else:
            self.start_design()

    def on_strengths_drain(self) -> None:
        sentences = _sentences(self.message)
        overused = [s for s in sentences if self.lex.has("overused", s)]
        drains = [s for s in sentences if s not in overused]
        if drains:
            self.capture("drain", " ".join(drains))
            self.reflect("drain", drains[0])
        if overused:
            self.capture("overused", " ".join(overused))
            if not drains:
                self.reflect("overused", overused[0])
        self.start_design()

    def on_design_strength(self) -> None:
        self.capture("strength")
        self.reflect("clue")
        self.start_design()

    # -- design -------------------------------------------------------------------------------

    def card(self) -> ExperimentCard:
        card = self.state.experiment(self.g["card"] or "")
        if card is None or card.status != "proposed":
            card = ExperimentCard()
            self.state.experiments.append(card)
            # A new card asks its questions in their first, plainest wording again.
            self.g["asked"] = {k: v for k, v in self.g["asked"].items() if not k.startswith(("design_", "card_"))}
            self.g.update(card=card.id, options=[], suggestion=None, challenged=False, pushback=False,
                          design_quoted=[], obstacle="")
        return card

    def own_strengths(self) -> list[Strength]:
        return [s for s in self.state.strengths if s.kind == "strength"]

    def drop_unused_card(self) -> None:
        """Forget a card whose design was abandoned before it had an action."""
        card = self.state.experiment(self.g["card"] or "")
        if card is not None and card.status == "proposed" and not card.action:
            self.state.experiments.remove(card)
        self.g["card"] = None

    def start_design(self, new_card: bool = False) -> None:
        self.state.stage = Stage.DESIGN
        if new_card:
            self.drop_unused_card()
        self.card()
        strengths = self.own_strengths()
        if not strengths:
            self.ask("design_strength")
            return
        self.say("say.options_lead", strength=strengths[0].name)
        self.quote("design", " ".join(s.name for s in strengths))
        self.ask("design_options")

    def suggestion_text(self) -> str:
        strengths = self.own_strengths()
        name = strengths[-1].name if strengths else ""
        action = self.text("card.suggestion", strength=name)
        self.g["suggestion"] = {
            "action": action, "days": DEFAULT_DAYS, "strength": name,
            "title": self.text("card.suggestion_title"), "check": self.text("card.suggestion_check"),
        }
        return action

    def offer_suggestion(self, asked: bool) -> None:
        self.say("say.suggest" if asked else "say.suggest_unasked", suggestion=self.suggestion_text())
        self.ask("design_pick", index=1)

    def on_design_options(self) -> None:
        msg = self.message
        options, choice = split_options(msg)
        options = [o for o in options if not (self.lex.has("ask_suggestion", o) or self.lex.has("affirmative", o))]
        self.g["options"] = options
        wants_idea = self.lex.has("ask_suggestion", msg) or (_substance(msg) < 30 and self.lex.has("affirmative", msg))
        if wants_idea and not self.g["suggestion"]:
            if options:
                self.reflect("options", count=len(options), options=", ".join(f"“{_trim(o, 40)}”" for o in options))
            self.offer_suggestion(asked=True)
        elif choice:
            self.set_action(chosen_text(choice), chosen=len(options) > 0)
        elif len(options) == 1 or (not options and _substance(msg) >= 8):
            self.set_action(options[0] if options else msg)
        elif options:
            self.reflect("options", count=len(options), options=", ".join(f"“{_trim(o, 40)}”" for o in options))
            self.ask("design_pick")
        else:
            self.ask_again()

    def resolve_pick(self) -> str | None:
        msg = self.message
        suggestion = self.g["suggestion"]
        short = _substance(msg) < 30
        if suggestion and (self.lex.has("refers_suggestion", msg) or (short and self.lex.has("affirmative", msg))):
            return suggestion["action"]
        _, choice = split_options(msg)
        described = chosen_text(choice or msg)
        options = list(self.g["options"]) + ([suggestion["action"]] if suggestion else [])
        for pattern, index in self.lex.ordinals:
            if pattern.search(msg) and options and -len(options) <= index < len(options):
                if _substance(pattern.sub("", described)) >= 30:
                    break  # "the second: I will …" describes the action itself
                option, days = options[index], parse_duration(msg)
                if days and parse_duration(option) is None:
                    option = self.text("card.action_with_duration", action=option.rstrip(" ."), days=days)
                return option
        return described

    def on_design_pick(self) -> None:
        msg = self.message
        wants_idea = self.lex.has("ask_suggestion", msg) or (
            _substance(msg) < 30 and self.lex.has("affirmative", msg) and not self.lex.has("refers_suggestion", msg)
        )
        if wants_idea and not self.g["suggestion"]:
            self.offer_suggestion(asked=True)
            return
        if _substance(msg) < 30 and self.lex.has("negative", msg):
            self.ask("design_pick", index=1)
            return
        action = self.resolve_pick()
        if action:
            self.set_action(action)

    def set_action(self, action: str, chosen: bool = False) -> None:
        card = self.card()
        action = " ".join(action.split()).strip()
        if self.lex.has("imitation", action) and not self.g["challenged"]:
            self.g["challenged"] = True
            self.say("say.imitation_challenge", fragment=fragment(action))
            self.ask("design_pick", index=1)
            return
        card.action = action
        suggestion = self.g["suggestion"]
        days = parse_duration(action)
        if days is None and suggestion and action == suggestion["action"]:
            days = suggestion["days"]
        self.derive(card)
        if suggestion and action == suggestion["action"]:
            # The coach's own wording makes a poor title; it brought a short one along.
            card.title, card.daily_check = suggestion["title"], suggestion["check"]
            self.reflect("pick", fragment=card.title)
        else:
            self.reflect("options_chosen" if chosen else "pick", fragment=first_clause(action))
        if days is None:
            self.ask("card_duration")
            return
        self.set_duration(card, days)
        self.next_card_question()

    def derive(self, card: ExperimentCard) -> None:
        """Title, daily check and strength from the action, in the user's words."""
        core, said_i_will = action_core(card.action)
        core = core or _trim(card.action, 40)
        noun, changed = nominalized(core)
        if _HANGUL.search(core):
            card.title = _trim(noun, 40)
            card.daily_check = self.text("card.daily_check_i" if changed else "card.daily_check", core=noun)
        else:
            words = core.split()[:6]
            while len(words) > 2 and self.lex.has("title_stop", words[-1]):
                words.pop()
            title = " ".join(words)
            card.title = _trim(title[:1].upper() + title[1:], 40)
            key = "card.daily_check_i" if said_i_will else "card.daily_check"
            card.daily_check = self.text(key, core=core if said_i_will else core[:1].upper() + core[1:])
        if not card.strength:
            strengths = self.own_strengths()
            if strengths:
                best = max(strengths, key=lambda s: (_overlap(card.action, s.name + " " + s.evidence), -strengths.index(s)))
                card.strength = best.name

    def set_duration(self, card: ExperimentCard, days: int) -> None:
        card.duration_days = days
        card.review_on = self.coach.clock().date() + timedelta(days=days)

    def on_card_duration(self) -> None:
        card = self.card()
        days = parse_duration(self.message)
        bare = re.fullmatch(r"\s*(\d{1,3})\s*[.!]?\s*", self.message)
        if days is None and bare and 1 <= int(bare.group(1)) <= 365:
            days = int(bare.group(1))  # asked for a length, a bare number means days
        if days is None:
            self.say("say.duration_unclear")
            self.ask("card_duration", index=1)
            return
        card.action = self.text("card.action_with_duration", action=card.action.rstrip(" ."), days=days)
        self.set_duration(card, days)
        self.reflect("duration", days=days)
        self.next_card_question()

    def next_card_question(self) -> None:
        card = self.card()
        if card.duration_days is None:
            self.ask("card_duration")
        elif not card.hypothesis and not card.reward_signal:
            self.ask("card_hypothesis_reward")
        elif not card.hypothesis:
            self.ask("card_hypothesis")
        elif not card.reward_signal:
            self.ask("card_reward_signal")
        elif not card.smallest_version and not card.obstacle_plan:
            self.ask("card_smallest_obstacle")
        elif not card.smallest_version:
            self.ask("card_smallest")
        elif not card.obstacle_plan:
            self.ask("card_obstacle")
        else:
            self.parts.append(self.text("say.card_intro") + "\n" + self.summary(card))
            self.ask("card_confidence")

    def summary(self, card: ExperimentCard) -> str:
        values = {name: getattr(card, name) or "…" for name in (
            "title", "strength", "action", "hypothesis", "reward_signal", "daily_check", "smallest_version",
            "obstacle_plan", "review_on",
        )}
        return self.text("card.summary", **values)

    def set_hypothesis(self, card: ExperimentCard, answer: str) -> None:
        answer = answer.strip()
        days = card.duration_days or DEFAULT_DAYS
        if self.lex.has("conditional", answer):
            card.hypothesis = answer
        elif self.lex.has("expectation", answer):  # "I expect …": only the "If" part is missing
            card.hypothesis = self.text("card.hypothesis_expect", days=days, answer=answer)
        else:
            card.hypothesis = self.text("card.hypothesis", days=days, answer=answer.rstrip("."))

    def set_reward_signal(self, card: ExperimentCard, answer: str) -> bool:
        """Keep the signal unless it is a feeling of effort (pushed back once); True if kept."""
        if self.lex.has("effort_feeling", answer) and not self.lex.has("world_signal", answer) and not self.g["pushback"]:
            self.g["pushback"] = True
            self.say("say.reward_pushback", fragment=fragment(answer))
            return False
        card.reward_signal = answer.strip()
        return True

    def on_card_hypothesis_reward(self) -> None:
        card = self.card()
        hypothesis, signal = split_hypothesis_reward(self.message)
        self.set_hypothesis(card, hypothesis or self.message)
        if signal and not self.set_reward_signal(card, signal):
            self.ask("card_reward_signal")
            return
        self.reflect("reward", signal) if signal else self.reflect("hypothesis", hypothesis or self.message)
        self.next_card_question()

    def on_card_hypothesis(self) -> None:
        card = self.card()
        self.set_hypothesis(card, self.message)
        self.reflect("hypothesis")
        self.next_card_question()

    def on_card_reward_signal(self) -> None:
        card = self.card()
        if not self.set_reward_signal(card, self.message):
            self.ask("card_reward_signal", index=1)
            return
        self.reflect("reward")
        self.next_card_question()

    def set_obstacle(self, card: ExperimentCard, answer: str) -> bool:
        """Keep an "If …, then …" plan; a bare obstacle waits for its response. True if complete."""
        answer = answer.strip()
        if self.lex.has("if_then", answer):
            card.obstacle_plan = answer
            return True
        self.g["obstacle"] = answer.rstrip(" .")
        return False

    def on_card_smallest_obstacle(self) -> None:
        card = self.card()
        smallest, obstacle = split_smallest_obstacle(self.message)
        if smallest:
            card.smallest_version = smallest
        self.reflect("smallest_obstacle")
        if obstacle and not self.set_obstacle(card, obstacle):
            self.ask("card_obstacle_then")
            return
        self.next_card_question()

    def on_card_smallest(self) -> None:
        self.card().smallest_version = self.message
        self.reflect("smallest_obstacle")
        self.next_card_question()

    def on_card_obstacle(self) -> None:
        if not self.set_obstacle(self.card(), self.message):
            self.ask("card_obstacle_then")
            return
        self.reflect("smallest_obstacle")
        self.next_card_question()

    def on_card_obstacle_then(self) -> None:
        card = self.card()
        condition = self.g["obstacle"] or ""
        response = self.message.strip().rstrip(".")
        key = "card.obstacle_if" if self.lex.has("conditional", condition) else "card.obstacle"
        card.obstacle_plan = self.text(key, condition=condition, response=response)
        self.g["obstacle"] = ""
        self.next_card_question()

    def on_card_confidence(self) -> None:
        card = self.card()
        n = parse_score(self.message)
        if n is None:
            self.say("say.confidence_range")
            self.ask("card_confidence", index=1)
            return
        card.confidence = n
        if n < MIN_CONFIDENCE:
            self.say("reflect.confidence_low", n=n)
            self.ask("card_shrink")
            return
        self.say("reflect.confidence_ok", n=n)
        self.finish_card(card)

    def on_card_shrink(self) -> None:
        card = self.card()
        days = parse_duration(self.message)
        base = card.action.rstrip(" .")
        if days:
            base = self.text("card.action_with_duration", action=remove_duration(card.action).rstrip(" ."), days=days)
        card.action = self.text("card.action_smaller", action=base, answer=self.message.strip().rstrip("."))
        if days:
            self.set_duration(card, days)
        card.confidence = None
        self.reflect("shrink")
        self.say("say.card_now", action=card.action)
        self.ask("card_confidence")

    def finish_card(self, card: ExperimentCard) -> None:
        if not card.passages:
            card.passages = list(dict.fromkeys(self.g["design_quoted"] or self.g["quoted"][-2:]))
        if not card.passages and self.quote("design", card.action):
            card.passages = [self.sources[-1].id]
        # Without any passage (an empty store) the card still runs: the user did their part.
        if card.complete or card.missing() == ["passages"]:
            card.status = "running"
        self.g["pending"] = "running"
        self.state.stage = Stage.DESIGN
        self.say("say.running", title=card.title, daily_check=card.daily_check, review_on=card.review_on)

    def on_running(self) -> None:
        card = self.running_card()
        if card is None:
            self.start_design(new_card=True)
            return
        self.say("say.still_running", title=card.title, review_on=card.review_on, daily_check=card.daily_check)

    # -- review -------------------------------------------------------------------------------

    def start_review(self) -> None:
        card = self.running_card()
        assert card is not None
        self.g["review"] = {"card": card.id}
        self.g["asked"] = {k: v for k, v in self.g["asked"].items() if not k.startswith("review_")}
        self.state.stage = Stage.REVIEW
        self.say("say.welcome_back")
        rest = self.lex.strip("returning", self.message)
        if _substance(rest) >= 40:
            self.on_review_outcome()
        else:
            self.ask("review_outcome", title=card.title)

    def on_review_outcome(self) -> None:
        self.g["review"]["outcome"] = self.message
        self.reflect("review_outcome")
        self.ask("review_reward")

    def on_review_reward(self) -> None:
        reward = parse_reward(self.message)
        if reward is None:
            self.say("say.reward_range")
            self.ask("review_reward", index=1)
            return
        self.g["review"]["reward"] = reward
        self.reflect("review_reward", reward=reward)
        self.ask("review_plus_minus")

    def on_review_plus_minus(self) -> None:
        plus, minus = split_plus_minus(self.message)
        self.g["review"]["plus"] = plus or self.message
        if minus:
            self.g["review"]["minus"] = minus
            self.reflect("review_plus_minus", plus=fragment(plus or self.message), minus=fragment(minus))
            self.ask("review_next")
        else:
            self.reflect("review_plus", plus or self.message)
            self.ask("review_minus")

    def on_review_minus(self) -> None:
        self.g["review"]["minus"] = self.message
        self.reflect("review_minus")
        self.ask("review_next")

    def on_review_next(self) -> None:
        r = self.g["review"]
        card = self.review_card()
        if card is None:  # the card vanished from the state; start afresh
            self.start_design(new_card=True)
            return
        reward = int(r.get("reward", 0))
        card.review = Review(
            outcome=r.get("outcome", ""), reward=reward, plus=r.get("plus", ""), minus=r.get("minus", ""),
            next=self.message, date=self.coach.clock().date(),
        )
        card.status = "reviewed"
        self.say("say.review_saved", title=card.title, reward=reward)
        self.propose_next(card, reward)

    def propose_next(self, done: ExperimentCard, reward: int) -> None:
        """Exploit a strength that paid off; otherwise explore one not tested yet."""
        tested = {c.strength for c in self.state.experiments}
        untested = [s for s in self.own_strengths() if s.name not in tested]
        days = done.duration_days or DEFAULT_DAYS
        if reward > 0:
            strength, kind = done.strength, "exploit"
            self.say("say.exploit", strength=strength)
            action = self.text("card.suggestion_exploit", title=done.title, plus=fragment(done.review.plus, 40), days=days)
        elif untested:
            strength, kind, days = untested[0].name, "suggestion", DEFAULT_DAYS
            self.say("say.explore", strength=strength)
            action = self.text("card.suggestion_explore", strength=strength)
        else:
            strength, kind = done.strength, "change"
            self.say("say.explore_same", strength=strength)
            action = self.text("card.suggestion_change", title=done.title, minus=fragment(done.review.minus or done.review.next, 40), days=days)
        title = _trim(self.text(f"card.{kind}_title", title=done.title), 60)
        check = self.text(f"card.{kind}_check")
        self.drop_unused_card()
        self.g["review"] = {}
        card = self.card()
        card.strength = strength
        self.g["suggestion"] = {"action": action, "days": days, "strength": strength, "title": title, "check": check}
        self.say("say.proposal", suggestion=action)
        self.quote("review", f"{done.review.outcome} {done.review.next}")
        self.ask("design_pick", key="design_next")

    # -- "I don't know" -----------------------------------------------------------------------

    def on_dont_know(self, slot: str) -> None:
        index = self.next_variant(slot)
        if index is not None:
            self.say("say.dont_know")
            self.ask(slot, index=index, **self.ask_values(slot))
            return
        if slot in OPTIONAL_SLOTS:
            self.say("say.dont_know_skip")
            after = {
                "open": lambda: self.ask("imitation_playbook"),
                "imitation_playbook": lambda: self.ask("imitation_capped"),
                "imitation_capped": lambda: self.ask("strengths_clue"),
                "strengths_clue": lambda: self.ask("strengths_drain") if "strengths_drain" not in self.g["asked"] else self.start_design(),
                "strengths_drain": self.start_design,
            }[slot]
            after()
        elif slot in ("design_options", "design_pick") and not self.g["suggestion"]:
            self.offer_suggestion(asked=False)
        else:
            self.say({"card_confidence": "say.confidence_range", "review_reward": "say.reward_range"}.get(slot, "say.dont_know_again"))
            self.ask(slot, index=len(self.variants(slot)) - 1, **self.ask_values(slot))
