"""Where a guided conversation stands, typed: the step asked, what is pending, what was quoted.

Kept on `SessionState.guided`. Journals written before this model held a plain dict with other
key names (`pending`, `card`, `review`, ...); `Progress.model_validate` migrates them on load.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Where = Literal["early", "past", "unsure"]

# Old step names that are gone, and what they became.
_OLD_STEPS = {
    "card_hypothesis_reward": "card_hypothesis",
    "card_smallest_obstacle": "card_smallest",
    "card_obstacle_then": "card_obstacle",
    "review_plus_minus": "review_plus",
}


class Suggestion(BaseModel):
    """The coach's own option, with the short title and check it brings along."""

    action: str
    days: int = 7
    strength: str = ""
    title: str = ""
    check: str = ""
    kind: Literal["suggestion", "exploit", "explore", "change", "next"] = "suggestion"


class ReviewDraft(BaseModel):
    """A review being collected in chat, before it lands on the card."""

    card: str
    outcome: str = ""
    reward: int | None = None
    plus: str = ""
    minus: str = ""
    next: str = ""


class Tentative(BaseModel):
    """A value the coach was unsure of and asked the person to confirm ("did I get that right?")."""

    step: str
    value: str
    evidence: str = ""


class Progress(BaseModel):
    """The guided coach's memory of one session, besides the card and strengths on the state."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    step: str | None = Field(default=None, description="the step whose question was asked last")
    variant: int = 0
    key: str | None = Field(default=None, description="the wording list asked, when not the step's own")
    values: dict[str, str] = Field(default_factory=dict, description="placeholders of the question asked")
    asked: dict[str, list[int]] = Field(default_factory=dict, description="wordings asked per step")
    answers: dict[str, str] = Field(default_factory=dict)
    where: Where | None = None
    clues: int = 0
    card: str | None = Field(default=None, description="id of the card being designed")
    options: list[str] = Field(default_factory=list, description="experiment options the person named")
    offered: list[str] = Field(default_factory=list, description="quick replies offered with the last question")
    suggestion: Suggestion | None = None
    challenged: bool = False
    pushback: bool = False
    quoted: list[str] = Field(default_factory=list)
    design_quoted: list[str] = Field(default_factory=list)
    review: ReviewDraft | None = None
    obstacle: str = ""
    lead: str = Field(default="", description="the strength the design leads with (the bandit's pick once there is evidence)")
    used: dict[str, int] = Field(default_factory=dict, description="how often each wording list was used")
    tentative: Tentative | None = None
    reviews_seen: list[str] = Field(default_factory=list, description="cards whose review the coach took up")
    topics: list[str] = Field(default_factory=list, description="questions about the coach already answered")
    legacy: bool = Field(default=False, description="migrated from an old dict-shaped row")

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "pending" not in data and "ask_key" not in data:
            return data
        old = dict(data)
        pending = old.pop("pending", None)
        step = _OLD_STEPS.get(pending, pending)
        review = old.pop("review", None) or None
        if isinstance(review, dict) and not review.get("card"):
            review = None
        answers = old.get("answers") or {}
        where = answers.get("where") if isinstance(answers, dict) else None
        return {
            **{k: v for k, v in old.items() if k in cls.model_fields},
            "step": step,
            "key": old.get("ask_key"),
            "review": review,
            "where": where if where in ("early", "past", "unsure") else None,
            "answers": {k: v for k, v in answers.items() if isinstance(v, str) and k != "where"},
            "suggestion": old.get("suggestion") or None,
            "legacy": True,
        }
