"""The person's policy, visible: what each strength's experiments earned, and the next proposal from
a small bandit (Thompson sampling on rewards −2..+2 mapped to [0, 1]) that says why in words.

    from bot.policy import propose, strength_stats
    proposal = propose(notebook, seed=7)   # Proposal(strength, kind="exploit"|"explore", reason)
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from .checkins import mentioned, percent
from .notebook import fold
from .person_models import Notebook, NotebookCard, NotebookStrength
from .words import fill, load

if TYPE_CHECKING:
    from .models import SessionState


@dataclass
class StrengthStats:
    """One arm: a strength of the person's and the experiments that built on it."""

    name: str
    rewards: list[int] = field(default_factory=list)
    running: int = 0
    yes: int = 0
    no: int = 0
    last_tried: dt.date | None = None

    @property
    def experiments(self) -> int:
        return len(self.rewards)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.rewards) if self.rewards else None

    @property
    def spread(self) -> float:
        """The rewards' standard deviation (0 with fewer than two)."""
        return statistics.stdev(self.rewards) if len(self.rewards) > 1 else 0.0

    @property
    def adherence(self) -> float | None:
        return self.yes / (self.yes + self.no) if self.yes + self.no else None


@dataclass(frozen=True)
class Proposal:
    strength: str
    kind: Literal["exploit", "explore"]
    reason: str
    sample: float
    experiments: int = 0  # the chosen strength's reviewed experiments (0: untested)


@dataclass(frozen=True)
class Point:
    """One mark of the chart: a reviewed experiment's reward on its review date, or a running one (pending)."""

    day: dt.date
    reward: int | None
    strength: str
    title: str
    card_id: str
    status: str


def arm_of(card: NotebookCard, names: list[str]) -> str:
    """The strength a card builds on, as one of the person's strength names when it names one."""
    return _arm(card.card.strength.strip(), tuple(names))


@lru_cache(maxsize=2048)
def _arm(said: str, names: tuple[str, ...]) -> str:
    if not said:
        return ""
    folded = fold(said)
    for name in names:
        if fold(name) == folded or fold(name) in folded or folded in fold(name):
            return name
    hits = mentioned(said, names)
    return names[hits[0]] if hits else said


def strength_stats(notebook: Notebook) -> list[StrengthStats]:
    """Per strength (the person's own first, in the order they were found; then strengths only cards named)."""
    names = [s.name for s in notebook.strengths if s.kind == "strength"]
    stats = {name: StrengthStats(name) for name in names}
    for entry in notebook.cards:
        arm = arm_of(entry, names)
        if not arm:
            continue
        s = stats.setdefault(arm, StrengthStats(arm))
        card = entry.card
        tried = card.review.date if card.review else entry.started_on
        if card.status == "reviewed" and card.review is not None:
            s.rewards.append(card.review.reward)
        elif card.status == "running":
            s.running += 1
        s.yes += entry.progress.yes
        s.no += entry.progress.no
        if tried and (s.last_tried is None or tried > s.last_tried):
            s.last_tried = tried
    return list(stats.values())


def points(notebook: Notebook) -> list[Point]:
    """The chart's marks, oldest first."""
    names = [s.name for s in notebook.strengths if s.kind == "strength"]
    marks = []
    for entry in notebook.cards:
        card = entry.card
        arm = arm_of(entry, names) or "—"
        if card.status == "reviewed" and card.review is not None:
            marks.append(Point(card.review.date, card.review.reward, arm, card.title, card.id, "reviewed"))
        elif card.status == "running":
            day = card.review_on or entry.started_on or card.created_at.date()
            marks.append(Point(day, None, arm, card.title, card.id, "running"))
    return sorted(marks, key=lambda p: (p.day, p.card_id))


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


def _text(language: str) -> dict:
    table = load("policy")
    return table.get(language, table["en"])


def default_seed(notebook: Notebook) -> int:
    """Stable for a person until new evidence arrives (a review), so the proposal does not flicker."""
    reviewed = sum(c.card.status == "reviewed" for c in notebook.cards)
    return zlib.crc32(f"{notebook.owner}:{reviewed}".encode())


def propose(notebook: Notebook, seed: int | None = None, language: str = "en",
            stats: list[StrengthStats] | None = None) -> Proposal | None:
    """Thompson sampling: each strength's rewards as successes in [0, 1] under a Beta(1, 1) prior; the
    highest draw wins. Untested strengths draw from the flat prior, so they get explored.
    `stats`, when given, are `strength_stats(notebook)` already computed."""
    stats = strength_stats(notebook) if stats is None else stats
    if not stats:
        return None
    rng = random.Random(default_seed(notebook) if seed is None else seed)
    draws = []
    for s in stats:
        wins = sum((r + 2) / 4 for r in s.rewards)
        draws.append(rng.betavariate(1 + wins, 1 + s.experiments - wins))
    chosen, sample = max(zip(stats, draws), key=lambda pair: pair[1])
    words = _text(language)
    tested = [s for s in stats if s.experiments]
    best = max(tested, key=lambda s: s.mean) if tested else None
    values = {"name": chosen.name, "n": chosen.experiments, "mean": _signed(chosen.mean)}
    n = chosen.experiments
    if not n:
        return Proposal(chosen.name, "explore", fill(words["explore_untested"], **values), sample, n)
    if chosen is best and (chosen.mean or 0) > 0:
        return Proposal(chosen.name, "exploit", fill(words["exploit"], **values), sample, n)
    if (best.mean or 0) <= 0:
        return Proposal(chosen.name, "explore", fill(words["explore_nothing_paid"], **values), sample, n)
    return Proposal(chosen.name, "explore", fill(words["explore_uncertain"], **values), sample, n)


def with_session(notebook: Notebook, state: SessionState) -> Notebook:
    """The person's record as it stands mid-turn: the notebook, with the session's cards as the session
    has them now (a review just given in chat counts before the turn is written back) and its strengths."""
    cards = {c.id: c for c in notebook.cards}
    merged = list(notebook.cards)
    for card in state.experiments:
        known = cards.get(card.id)
        if known is None:
            merged.append(NotebookCard(card=card, session_id=state.session_id))
        else:
            merged[merged.index(known)] = known.model_copy(update={"card": card})
    strengths = list(notebook.strengths)
    seen = {(s.kind, fold(s.name)) for s in strengths}
    for i, s in enumerate(state.strengths):
        if s.name.strip() and (s.kind, fold(s.name)) not in seen:
            seen.add((s.kind, fold(s.name)))
            strengths.append(NotebookStrength(id=f"session-{i}", name=s.name.strip(), kind=s.kind))
    return Notebook(owner=notebook.owner, strengths=strengths, cards=merged)


def evidence_lines(notebook: Notebook, language: str = "en", today: dt.date | None = None, seed: int | None = None) -> list[str]:
    """What the model-backed coach should know of the person's loop: each strength's evidence, running
    and due cards with their ticks, and the bandit's next proposal with its reason."""
    today = today or dt.date.today()
    words = _text(language)
    lines = []
    for entry in notebook.due(today):
        lines.append(fill(words["line_due"], title=entry.card.title, review_on=entry.card.review_on))
    for s in strength_stats(notebook):
        if s.experiments:
            lines.append(fill(words["line_strength"],
                name=s.name, n=s.experiments, mean=_signed(s.mean), spread=f"{s.spread:.1f}",
                adherence=percent(s.adherence), last=s.last_tried or words["never"],
            ))
        else:
            lines.append(fill(words["line_untested"], name=s.name))
    for entry in notebook.running():
        p = entry.progress
        lines.append(fill(words["line_running"],
            title=entry.card.title, id=entry.id, strength=entry.card.strength, review_on=entry.card.review_on or "–",
            streak=p.streak, adherence=percent(p.adherence), yes=p.yes, no=p.no, skipped=p.skipped,
        ))
    proposal = propose(notebook, seed, language)
    if proposal is not None:
        lines.append(fill(words["line_proposal"], reason=proposal.reason))
    return lines


def shown_day(day: dt.date, language: str) -> str:
    """A day as a person says it: "9 December", "12월 9일"."""
    return f"{day.day} {day:%B}" if language == "en" else f"{day.month}월 {day.day}일"


def due_opener(notebook: Notebook, language: str, today: dt.date) -> str | None:
    """"Your experiment 'X' was due on 9 December — shall we look at how it went?" for the oldest due card."""
    due = notebook.due(today)
    if not due:
        return None
    entry = due[0]
    words = _text(language)
    text = fill(words["opener"], title=entry.card.title, review_on=shown_day(entry.card.review_on, language))
    if entry.progress.yes:
        text += " " + fill(words["opener_progress"], yes=entry.progress.yes, streak=entry.progress.streak)
    return text
