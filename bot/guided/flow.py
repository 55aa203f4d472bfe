"""COACHING.md's arc as one table of steps. Adding a question: one row here, its handler in
strength_steps.py, design_steps.py, card_steps.py or review.py, its words under [ask] in bot/text/guided.{ko,en}.toml.

A row says which stage the step belongs to, whether "I don't know" may skip it (and where a
skip goes), whether a number answers it, which quick replies it offers, and for the card's
steps, when it is needed (its field still empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import Stage
from . import card_steps, design_steps, review, strength_steps

if TYPE_CHECKING:
    from .turn import Turn


@dataclass(frozen=True)
class Step:
    name: str
    stage: Stage
    handle: Callable[[Turn], None]
    optional: bool = False
    skip: Callable[[Turn], None] | None = None
    numeric: bool = False
    options: Callable[[Turn], list[str]] | None = None
    needed: Callable[[Turn], bool] | None = None
    card: bool = False


def _empty(*fields: str) -> Callable[[Turn], bool]:
    return lambda t: any(getattr(t.card(), f) in (None, "", []) for f in fields)


STEPS: tuple[Step, ...] = (
    Step("open", Stage.OPEN, strength_steps.on_open, optional=True, skip=lambda t: t.ask("imitation_playbook")),
    Step("imitation_playbook", Stage.IMITATION, strength_steps.on_playbook, optional=True, skip=lambda t: t.ask("imitation_capped")),
    Step("imitation_capped", Stage.IMITATION, strength_steps.on_capped, optional=True, skip=lambda t: t.ask("strengths_clue"),
         options=lambda t: t.choices("where")),
    Step("strengths_clue", Stage.STRENGTHS, strength_steps.on_clue, optional=True, skip=strength_steps.after_clue),
    Step("strengths_drain", Stage.STRENGTHS, strength_steps.on_drain, optional=True, skip=lambda t: design_steps.start_design(t)),
    Step("confirm", Stage.STRENGTHS, strength_steps.on_confirm, options=lambda t: t.choices("yes_no")),
    Step("design_strength", Stage.DESIGN, strength_steps.on_design_strength),
    Step("design_options", Stage.DESIGN, design_steps.on_design_options, options=lambda t: [t.choice("idea")]),
    Step("design_pick", Stage.DESIGN, design_steps.on_design_pick, options=design_steps.pick_options),
    Step("design_concrete", Stage.DESIGN, design_steps.on_design_pick, options=design_steps.pick_options),
    Step("card_duration", Stage.DESIGN, card_steps.on_duration, numeric=True, options=lambda t: t.choices("durations"),
         needed=_empty("duration_days"), card=True),
    Step("card_hypothesis", Stage.DESIGN, card_steps.on_hypothesis, needed=_empty("hypothesis"), card=True),
    Step("card_reward_signal", Stage.DESIGN, card_steps.on_reward_signal, needed=_empty("reward_signal"), card=True),
    Step("card_smallest", Stage.DESIGN, card_steps.on_smallest, needed=_empty("smallest_version"), card=True),
    Step("card_obstacle", Stage.DESIGN, card_steps.on_obstacle, needed=_empty("obstacle_plan"), card=True),
    Step("card_obstacle_then", Stage.DESIGN, card_steps.on_obstacle_then, needed=lambda t: False, card=True),
    Step("card_confidence", Stage.DESIGN, card_steps.on_confidence, numeric=True, options=lambda t: [str(n) for n in range(11)],
         needed=lambda t: True, card=True),
    Step("card_shrink", Stage.DESIGN, card_steps.on_shrink, needed=lambda t: False, card=True),
    Step("running", Stage.DESIGN, card_steps.on_running, options=lambda t: t.choices("running")),
    Step("review_due", Stage.REVIEW, review.on_due, optional=True, skip=review.on_due, options=lambda t: t.choices("due")),
    Step("review_outcome", Stage.REVIEW, review.on_outcome),
    Step("review_reward", Stage.REVIEW, review.on_reward, numeric=True, options=lambda t: t.choices("rewards")),
    Step("review_plus", Stage.REVIEW, review.on_plus),
    Step("review_minus", Stage.REVIEW, review.on_minus),
    Step("review_next", Stage.REVIEW, review.on_next, optional=True, skip=lambda t: review.on_next(t, "")),
)

BY_NAME = {s.name: s for s in STEPS}


def step(name: str | None) -> Step | None:
    return BY_NAME.get(name or "")


def next_card_step(turn: Turn) -> Step:
    """The first card question whose field is still empty (the confidence comes last)."""
    return next(s for s in STEPS if s.card and s.needed is not None and s.needed(turn))
