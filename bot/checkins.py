"""Daily check-ins: a card's progress from its ticks (streak, adherence), a tick said in chat
("did it today", "오늘 했어요"), and finding a card from what a person types (id, prefix, title words)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .person_models import Progress, Tick, TickValue
from .words import fill, load

if TYPE_CHECKING:
    from .person_models import NotebookCard


def progress(ticks: Iterable[Tick | tuple[dt.date, str]], today: dt.date) -> Progress:
    """Counts, and the streak: done days in a row up to today (today itself may still be unticked);
    a skipped day neither breaks nor lengthens it."""
    by_day = dict(t if isinstance(t, tuple) else (t.day, t.value) for t in ticks)
    counts = {"yes": 0, "no": 0, "skip": 0}
    for value in by_day.values():
        counts[value] = counts.get(value, 0) + 1
    streak = 0
    day = today if today in by_day else today - dt.timedelta(days=1)
    while by_day.get(day) in ("yes", "skip"):
        streak += by_day[day] == "yes"
        day -= dt.timedelta(days=1)
    return Progress(
        yes=counts["yes"], no=counts["no"], skipped=counts["skip"], streak=streak, last=max(by_day) if by_day else None
    )


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


# -- a tick said in chat -----------------------------------------------------------------------


@dataclass(frozen=True)
class SaidTick:
    value: TickValue
    yesterday: bool


class _Patterns:
    def __init__(self) -> None:
        table = load("checkins")
        self.max_chars = int(table["max_chars"])
        self.compiled = {
            key: [re.compile(p, re.IGNORECASE) for p in patterns] for key, patterns in table["patterns"].items()
        }

    def has(self, key: str, text: str) -> bool:
        return any(p.search(text) for p in self.compiled[key])


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns()


def said_tick(message: str, titles: Sequence[str] = ()) -> SaidTick | None:
    """The tick a short message reports ("did it today", "오늘 못 했어요"), or None when it is not one:
    too long, a report of results (that is a review), or naming neither a day nor a card."""
    text = " ".join((message or "").split())
    p = _patterns()
    if not text or len(text) > p.max_chars or p.has("not_checkin", text):
        return None
    alone, named = p.has("alone", text), bool(mentioned(text, titles))
    if not (alone or named or p.has("day_words", text)):
        return None
    for value in ("no", "skip", "yes"):
        if p.has(value, text) or value == "yes" and (alone or named and p.has("did", text)):
            return SaidTick(value, p.has("yesterday", text))  # type: ignore[arg-type]
    return None


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) > 1}


def mentioned(text: str, titles: Sequence[str]) -> list[int]:
    """Indexes of the titles most of whose words the text contains."""
    said = _words(text)
    found = []
    for i, title in enumerate(titles):
        words = _words(title)
        if words and len(words & said) * 2 >= len(words):
            found.append(i)
    return found


def tick_reply(language: str, key: str, **values) -> str:
    table = load("checkins")
    return fill(table.get(language, table["en"])[key], **values)


# -- a card from what a person typed -------------------------------------------------------------


class CardNotFound(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def find_card(cards: Sequence[NotebookCard], ref: str) -> NotebookCard:
    """The card named by `ref`: its id, a unique id prefix, or words of its title (a running card
    wins over others with the same words)."""
    ref = (ref or "").strip()
    if not ref:
        raise CardNotFound("Name a card: its id (see `coach notebook`), the start of its id, or words of its title.")
    exact = [c for c in cards if c.id == ref]
    if exact:
        return exact[0]
    prefixed = [c for c in cards if c.id.startswith(ref.lower())]
    if len(prefixed) == 1:
        return prefixed[0]
    wanted = _words(ref)
    titled = [c for c in cards if wanted and wanted <= _words(c.card.title)]
    running = [c for c in titled if c.card.status == "running"]
    for group in (running, titled):
        if len(group) == 1:
            return group[0]
    if len(titled) > 1 or len(prefixed) > 1:
        names = ", ".join(f"{c.id} '{c.card.title}'" for c in (titled or prefixed)[:6])
        raise CardNotFound(f"{ref!r} could be several cards: {names}. Use its id.")
    raise CardNotFound(f"No card {ref!r} in your notebook. See: coach notebook")
