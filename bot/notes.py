"""Turn notes: what a model-backed turn revealed (strengths, the card being shaped, a review, the stage)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from pydantic import BaseModel, Field, ValidationError

from .models import CARD_FIELDS, ExperimentCard, Review, SessionState, Stage, Strength, now

# The card fields a turn can set; review_on follows from the duration.
_CARD_KEYS = tuple(name for name in CARD_FIELDS if name != "review_on")


class ReviewNote(BaseModel):
    experiment_id: str | None = None
    outcome: str = ""
    reward: int = Field(default=0, ge=-2, le=2)
    plus: str = ""
    minus: str = ""
    next: str = ""


class TurnNotes(BaseModel):
    strengths: list[Strength] = Field(default_factory=list)
    experiment: dict | None = None
    experiment_agreed: bool = False
    review: ReviewNote | None = None
    stage: Stage | None = None


def parse_notes(text: str) -> TurnNotes | None:
    """The first JSON object in a model's answer, as notes; None when there is none worth trusting."""
    match = re.search(r"\{.*\}", text or "", re.DOTALL)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
        if isinstance(data.get("stage"), str) and data["stage"] not in {s.value for s in Stage}:
            data["stage"] = None
        return TurnNotes.model_validate(data)
    except (ValueError, ValidationError):
        return None


def notes_view(state: SessionState) -> str:
    """The current notes as the extraction prompt shows them."""
    return json.dumps(
        {
            "stage": state.stage.value,
            "strengths": [s.model_dump(include={"name", "kind"}) for s in state.strengths],
            "experiments": [
                e.model_dump(mode="json", exclude={"created_at", "review"}) for e in state.open_experiments()
            ],
        },
        ensure_ascii=False,
    )


def apply_notes(state: SessionState, notes: TurnNotes, passage_ids: list[str]) -> None:
    """Fold a turn's notes into the session state; values the model made up for unknown cards are ignored."""
    known = {s.name.casefold() for s in state.strengths}
    for strength in notes.strengths:
        if strength.name.strip() and strength.name.casefold() not in known:
            state.strengths.append(strength)
            known.add(strength.name.casefold())

    if notes.experiment:
        index = next((i for i, e in enumerate(state.experiments) if e.status == "proposed"), None)
        if index is None:
            state.experiments.append(ExperimentCard())
            index = len(state.experiments) - 1
        card = state.experiments[index]
        for key in _CARD_KEYS:
            value = notes.experiment.get(key)
            if value in (None, "", []):
                continue
            if key == "passages":
                value = [p for p in value if p in passage_ids or p in card.passages]
            try:  # one bad value from the model must not cost the good ones
                card = ExperimentCard.model_validate({**card.model_dump(), key: value})
            except ValidationError:
                continue
        if not card.passages:
            card.passages = passage_ids[:2]
        if card.duration_days and not card.review_on:
            card.review_on = (now() + timedelta(days=card.duration_days)).date()
        if notes.experiment_agreed and card.complete:
            card.status = "running"
        state.experiments[index] = card

    if notes.review:
        card = state.experiment(notes.review.experiment_id or "") or next(
            (e for e in state.experiments if e.status == "running"), None
        )
        if card is not None and notes.review.outcome:
            card.review = Review(**notes.review.model_dump(exclude={"experiment_id"}))
            card.status = "reviewed"

    if notes.stage is not None and notes.stage is not Stage.SAFETY:
        state.stage = notes.stage
