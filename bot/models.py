"""The coach's data: stages, strengths, experiment cards, reviews, session state and replies."""

from __future__ import annotations

import uuid
import datetime as dt
from datetime import datetime, timezone
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

from knowledge.passages import Passage

from .guided.progress import Progress

Language = Literal["ko", "en"]


def now() -> datetime:
    return datetime.now(timezone.utc)


class Stage(str, Enum):
    """COACHING.md's arc; a compass, not a script. SAFETY means coaching stopped for a crisis."""

    OPEN = "open"
    IMITATION = "imitation"
    STRENGTHS = "strengths"
    DESIGN = "design"
    REVIEW = "review"
    SAFETY = "safety"


class Strength(BaseModel):
    """Something that is the user's own, in their words; `kind` also records drains and overuse."""

    name: str = Field(description="the strength in the user's own words, a few words")
    evidence: str = Field(default="", description="what the user said that shows it")
    kind: Literal["strength", "drain", "overused"] = "strength"


class Review(BaseModel):
    """What the world answered when the user ran an experiment."""

    outcome: str = Field(description="what happened, in the user's words")
    reward: int = Field(ge=-2, le=2, description="-2 (clearly worse) .. +2 (clearly better)")
    plus: str = ""
    minus: str = ""
    next: str = ""
    date: dt.date = Field(default_factory=lambda: now().date())


class ImitationCheck(BaseModel):
    """The imitation check's result: whose playbook the user follows, and whether they are still early."""

    playbook: str = ""
    verdict: Literal["early", "past_base"] | None = None


ExperimentStatus = Literal["proposed", "running", "reviewed"]

CARD_FIELDS = (
    "title",
    "strength",
    "hypothesis",
    "action",
    "duration_days",
    "reward_signal",
    "daily_check",
    "smallest_version",
    "obstacle_plan",
    "confidence",
    "review_on",
    "passages",
)


class ExperimentCard(BaseModel):
    """A small self-directed experiment, shaped until the user is at least 7/10 confident."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:8])
    title: str = ""
    strength: str = ""
    hypothesis: str = Field(default="", description='"If I do X, I expect to notice Y"')
    action: str = Field(default="", description='"I will [action] for [duration]"')
    duration_days: int | None = Field(default=None, ge=1, le=365)
    reward_signal: str = Field(default="", description="feedback from the world, not a feeling of effort")
    daily_check: str = Field(default="", description="a yes/no the user can tick each day")
    smallest_version: str = Field(default="", description="what to do on a bad day")
    obstacle_plan: str = Field(default="", description='"If [likely obstacle], then [response]"')
    confidence: int | None = Field(default=None, ge=0, le=10)
    review_on: dt.date | None = None
    passages: list[str] = Field(default_factory=list, description="ids of the essay passages it draws on")
    status: ExperimentStatus = "proposed"
    review: Review | None = None
    created_at: datetime = Field(default_factory=now)

    def missing(self) -> list[str]:
        """Card fields still empty, in the order COACHING.md lists them."""
        return [name for name in CARD_FIELDS if getattr(self, name) in (None, "", [])]

    @property
    def complete(self) -> bool:
        return not self.missing() and (self.confidence or 0) >= 7


class SafetyFollowUp(BaseModel):
    """A safety question the coach asked: the next message is read as its answer (COACHING.md, Safety).

    `question` is "harm" for "are you thinking about ending your life or hurting yourself?" (yes is
    not safe) and "safe" for "are you safe right now?" (yes is safe)."""

    level: Literal["crisis", "concern", "return"]
    question: Literal["harm", "safe"]
    words: str = Field(default="", description="the person's words the check-in named")
    cued: bool = Field(default=True, description="words of danger were seen (not the classifier alone)")
    unclear: int = Field(default=0, description="answers in a row that were neither safe nor a sign of danger")
    held: str = Field(default="", description="the message that drew a check-in the classifier alone asked for: "
                                              "coached once the person says they are safe")
    asked_at: datetime = Field(default_factory=now)


class SessionState(BaseModel):
    """Everything the coach knows about one conversation besides its messages."""

    session_id: str
    language: Language = "en"
    stage: Stage = Stage.OPEN
    strengths: list[Strength] = Field(default_factory=list)
    experiments: list[ExperimentCard] = Field(default_factory=list)
    imitation: ImitationCheck | None = None
    # Where the guided offline mode stands (old dict-shaped rows are migrated on load).
    guided: Progress = Field(default_factory=Progress)
    offline_notice_shown: bool = False
    # The safety question awaiting its answer, and when the session last got the crisis response.
    safety: SafetyFollowUp | None = None
    crisis_at: datetime | None = None
    # When the person last told the coach they are safe (an answer to a check-in); for a while after
    # it, the classifier alone (no danger word) does not ask again.
    safe_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)
    # The person key of the session's owner (bot/people.py); the journal's column is the authority.
    owner: str = "local"
    # The person's loop across conversations (bot/policy.py evidence_lines), set before each turn, never stored.
    notebook_lines: list[str] = Field(default_factory=list, exclude=True)

    def open_experiments(self) -> list[ExperimentCard]:
        return [e for e in self.experiments if e.status != "reviewed"]

    def experiment(self, experiment_id: str) -> ExperimentCard | None:
        return next((e for e in self.experiments if e.id == experiment_id), None)


class ChatMessage(BaseModel):
    id: int | None = Field(default=None, description="the journal's row id, once stored")
    role: Literal["user", "assistant"]
    content: str
    created_at: datetime = Field(default_factory=now)
    sources: list[str] = Field(default_factory=list, description="passage ids an assistant message drew on")
    # "replaced": taken back by retry, undo or edit; kept in the journal, never shown or sent again.
    status: Literal["ok", "partial", "error", "replaced"] = "ok"


class Feedback(BaseModel):
    """A like or dislike of one reply, with an optional comment."""

    id: int | None = None
    session_id: str
    message_id: int | None = Field(default=None, description="the journalled reply it is about")
    rating: Literal["like", "dislike"]
    comment: str = ""
    created_at: datetime = Field(default_factory=now)


class CoachReply(BaseModel):
    """One answer of the coach, with what it was based on and the session's state after it."""

    text: str
    sources: list[Passage] = Field(default_factory=list)
    stage: Stage
    strengths: list[Strength] = Field(default_factory=list)
    experiments: list[ExperimentCard] = Field(default_factory=list)
    session_id: str
    mode: str
    language: Language = "en"
    error: str | None = Field(default=None, description="set when the reply is a failure notice, not coaching")
    partial: bool = Field(default=False, description="the model's stream broke off; text is what arrived")
    message_id: int | None = Field(default=None, description="the journal's id of this reply (None for a notice)")
    options: list[str] = Field(
        default_factory=list, description="choices the person can pick with one click or a number (quick replies)"
    )
