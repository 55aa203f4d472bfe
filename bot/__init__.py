"""The coach: COACHING.md as code. Front door: `Coach`, `CoachReply`, `ask`.

    from bot import Coach
    reply = Coach().ask("I keep copying my manager's way of working")
    print(reply.text, [p.id for p in reply.sources])

Imports stay light until a name is used, so `coach --help` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def __getattr__(name: str):
    if name in _HOMES:
        from importlib import import_module

        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
