"""The guided coach's front: `GuidedCoach.reply(state, message, history)` and `resume(state, history)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from knowledge.passages import Passage

from ..models import ChatMessage, SessionState, now
from .quotes import PassagesFor
from .turn import Turn
from .understanding import Embed, Understander


@dataclass
class GuidedTurn:
    """One reply of the guided mode: its text, the passages it quoted, and quick replies to offer."""

    text: str
    sources: list[Passage] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    understood: str = ""


class GuidedCoach:
    """The coach without a model; `reply` updates `state` in place.

    `passages_for` has the signature of `Coach.passages_for`; `embed` is a query embedding
    function (the Coach's `knowledge.embeddings.embed_query`), or None to listen with words only.
    """

    def __init__(
        self,
        passages_for: PassagesFor | None = None,
        embed: Embed | None = None,
        *,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.passages_for = passages_for
        self.understander = Understander(embed)
        self.clock = clock

    def reply(self, state: SessionState, message: str, history: list[ChatMessage]) -> GuidedTurn:
        return self._done(Turn(self, state, message, list(history or [])).run())

    def resume(self, state: SessionState, history: list[ChatMessage]) -> GuidedTurn:
        """The pending question again, briefly ("Where we were: …"), e.g. after a safety check-in."""
        turn = Turn(self, state, "", list(history or []))
        turn.ask_again(back=state.guided.step is not None)
        return self._done(turn)

    @staticmethod
    def _done(turn: Turn) -> GuidedTurn:
        return GuidedTurn(
            text="\n\n".join(p for p in turn.parts if p),
            sources=turn.sources,
            options=list(turn.options),
            understood=str(turn.u) if turn.u is not None else "",
        )
