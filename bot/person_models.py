"""What the coach remembers about a person across conversations: strengths with the words that
showed them, experiment cards with their daily ticks, and how each card is going."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from .models import ExperimentCard, Strength, now

TickValue = Literal["yes", "no", "skip"]


class Evidence(BaseModel):
    """The person's words that showed a strength, and when (the session is where they were said)."""

    words: str
    at: datetime = Field(default_factory=now)
    session_id: str | None = None


class NotebookStrength(BaseModel):
    id: str
    name: str
    kind: Literal["strength", "drain", "overused"] = "strength"
    evidence: list[Evidence] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=now)

    def as_strength(self) -> Strength:
        latest = next((e.words for e in reversed(self.evidence) if e.words), "")
        return Strength(name=self.name, evidence=latest, kind=self.kind)


class Tick(BaseModel):
    """One day's daily check of a card: done (yes), not done (no) or skipped (excused)."""

    card_id: str
    day: dt.date
    value: TickValue


class Progress(BaseModel):
    """A card's daily checks so far: the streak of done days up to today, and adherence."""

    yes: int = 0
    no: int = 0
    skipped: int = 0
    streak: int = 0
    last: dt.date | None = None

    @property
    def adherence(self) -> float | None:
        """Done days over done + not-done days (skipped days count for neither); None before any tick."""
        counted = self.yes + self.no
        return self.yes / counted if counted else None


class NotebookCard(BaseModel):
    """An experiment card of the person's, where it was made, when it started, and its ticks."""

    card: ExperimentCard
    session_id: str | None = None
    started_on: dt.date | None = None
    progress: Progress = Field(default_factory=Progress)

    @property
    def id(self) -> str:
        return self.card.id

    def due(self, today: dt.date) -> bool:
        """A running card whose review date has come."""
        return self.card.status == "running" and self.card.review_on is not None and self.card.review_on <= today


class Notebook(BaseModel):
    """Everything the coach remembers about one person (besides the conversations themselves)."""

    owner: str
    strengths: list[NotebookStrength] = Field(default_factory=list)
    cards: list[NotebookCard] = Field(default_factory=list)

    def card(self, card_id: str) -> NotebookCard | None:
        return next((c for c in self.cards if c.id == card_id), None)

    def running(self) -> list[NotebookCard]:
        return [c for c in self.cards if c.card.status == "running"]

    def due(self, today: dt.date) -> list[NotebookCard]:
        """Running cards whose review is due or overdue, the oldest due first."""
        return sorted((c for c in self.cards if c.due(today)), key=lambda c: c.card.review_on)
