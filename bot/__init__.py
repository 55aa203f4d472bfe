"""The coach: COACHING.md as code. Front door: `Coach`, `CoachReply`, `ask`.

    from bot import Coach
    reply = Coach().ask("I keep copying my manager's way of working")
    print(reply.text, [p.id for p in reply.sources])

Imports stay light until a name is used, so `coach --help` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.lazy import lazy_attributes

__all__ = ["Coach", "CoachReply", "ExperimentCard", "Review", "Settings", "Stage", "Strength", "ask"]

_HOMES = {
    "Coach": "coach",
    "ask": "coach",
    "CoachReply": "models",
    "ExperimentCard": "models",
    "Review": "models",
    "Stage": "models",
    "Strength": "models",
    "Settings": "settings",
}

if TYPE_CHECKING:
    from .coach import Coach, ask
    from .models import CoachReply, ExperimentCard, Review, Stage, Strength
    from .settings import Settings

__getattr__ = lazy_attributes(__name__, _HOMES)
