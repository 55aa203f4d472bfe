"""Turn notes: what a model-backed turn revealed (strengths, the imitation check, the card being
shaped, a review, the stage), as a schema whose every field may be null, and how they fold into the state."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ValidationError

from .models import CARD_FIELDS, ExperimentCard, ImitationCheck, Review, SessionState, Stage, Strength, now

log = logging.getLogger(__name__)

# The card fields a turn can set; review_on follows from the duration.
_CARD_KEYS = tuple(name for name in CARD_FIELDS if name != "review_on")

StageName = Literal["open", "imitation", "strengths", "design", "review"]


class StrengthNote(BaseModel):
    name: str | None = None
    evidence: str | None = None
    kind: Literal["strength", "drain", "overused"] | None = None


class ImitationNote(BaseModel):
    playbook: str | None = None
    verdict: Literal["early", "past_base"] | None = None


class CardNote(BaseModel):
    """The experiment card being shaped; only what the user stated or agreed to."""

    title: str | None = None
    strength: str | None = None
    hypothesis: str | None = None
    action: str | None = None
    duration_days: int | None = None
    reward_signal: str | None = None
    daily_check: str | None = None
    smallest_version: str | None = None
    obstacle_plan: str | None = None
    confidence: int | None = None
    passages: list[str] | None = None


class ReviewNote(BaseModel):
    experiment_id: str | None = None
    outcome: str | None = None
    reward: int | None = None
    plus: str | None = None
    minus: str | None = None
    next: str | None = None


class TurnNotes(BaseModel):
    """The notes of one exchange. Every field may be null (nothing new), so a schema-following
    model can always answer, and a field that fails to parse costs only itself."""

    strengths: list[StrengthNote] | None = None
    imitation: ImitationNote | None = None
    experiment: CardNote | None = None
    experiment_agreed: bool | None = None
    review: ReviewNote | None = None
    stage: StageName | None = None


def notes_view(state: SessionState) -> str:
    """The current notes as the extraction prompt shows them."""
    return json.dumps(
        {
            "stage": state.stage.value,
            "imitation": state.imitation.model_dump() if state.imitation else None,
            "strengths": [s.model_dump(include={"name", "kind"}) for s in state.strengths],
            "experiments": [
                e.model_dump(mode="json", exclude={"created_at", "review"}, exclude_defaults=True) | {"id": e.id, "status": e.status}
                for e in state.open_experiments()
            ],
        },
        ensure_ascii=False,
    )


def apply_notes(state: SessionState, notes: TurnNotes, passage_ids: list[str]) -> None:
    """Fold a turn's notes into the session state; values the model made up for unknown cards are ignored."""
    known = {s.name.casefold() for s in state.strengths}
    for note in notes.strengths or []:
        name = (note.name or "").strip()
        if name and name.casefold() not in known:
            state.strengths.append(Strength(name=name, evidence=note.evidence or "", kind=note.kind or "strength"))
            known.add(name.casefold())

    if notes.imitation and (notes.imitation.playbook or notes.imitation.verdict):
        before = state.imitation or ImitationCheck()
        state.imitation = ImitationCheck(
            playbook=(notes.imitation.playbook or "").strip() or before.playbook,
            verdict=notes.imitation.verdict or before.verdict,
        )

    if notes.experiment and notes.experiment.model_dump(exclude_none=True):
        _apply_card(state, notes.experiment, bool(notes.experiment_agreed), passage_ids)

    if notes.review and (notes.review.outcome or "").strip():
        review = notes.review
        card = state.experiment(review.experiment_id or "") or next(
            (e for e in state.experiments if e.status == "running"), None
        )
        if card is None:
            log.info("notes for session %s: a review of no running card dropped", state.session_id)
        elif review.reward is None or not -2 <= review.reward <= 2:
            log.info("notes for session %s: review dropped, reward %r is not -2..2", state.session_id, review.reward)
        else:
            fields = review.model_dump(exclude={"experiment_id"})
            card.review = Review(**{k: v or "" for k, v in fields.items() if k != "reward"}, reward=review.reward)
            card.status = "reviewed"

    if notes.stage is not None:
        state.stage = Stage(notes.stage)


def _apply_card(state: SessionState, note: CardNote, agreed: bool, passage_ids: list[str]) -> None:
    index = next((i for i, e in enumerate(state.experiments) if e.status == "proposed"), None)
    if index is None:
        state.experiments.append(ExperimentCard())
        index = len(state.experiments) - 1
    card = state.experiments[index]
    for key in _CARD_KEYS:
        value = getattr(note, key)
        if value in (None, "", []):
            continue
        if key == "passages":
            value = [p for p in value if p in passage_ids or p in card.passages]
        try:  # one bad value from the model must not cost the good ones
            card = ExperimentCard.model_validate({**card.model_dump(), key: value})
        except ValidationError as exc:
            log.info("notes for session %s: card field %s=%r dropped (%s)", state.session_id, key, value,
                     exc.errors()[0]["msg"])
    if not card.passages:
        card.passages = passage_ids[:2]
    if card.duration_days and not card.review_on:
        card.review_on = (now() + timedelta(days=card.duration_days)).date()
    if agreed and card.complete:
        card.status = "running"
    state.experiments[index] = card
