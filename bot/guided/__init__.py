"""The guided offline mode: COACHING.md's arc without a model, in Korean and English.

    coach = GuidedCoach(passages_for=my_coach.passages_for, embed=embeddings.embed_query)
    turn = coach.reply(state, "I keep copying my manager", history)

One idea per module: `understanding` (what the person did), `answers` (questions to the coach),
`quotes` (the essay), `card` (the experiment card's fields) and `card_changes` (changes said in
chat), `flow` (the steps, one table) with its handlers in `strength_steps`, `design_steps`,
`card_steps` and `review`, `progress` (where a session stands), `turn` (one reply). Light to import until a name is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.lazy import lazy_attributes

__all__ = ["GuidedCoach", "GuidedTurn", "Progress", "parse_duration", "parse_reward", "parse_score"]

_HOMES = {
    "GuidedCoach": "coach",
    "GuidedTurn": "coach",
    "Progress": "progress",
    "parse_duration": "parsing",
    "parse_reward": "parsing",
    "parse_score": "parsing",
}

if TYPE_CHECKING:
    from .coach import GuidedCoach, GuidedTurn
    from .parsing import parse_duration, parse_reward, parse_score
    from .progress import Progress

__getattr__ = lazy_attributes(__name__, _HOMES)
