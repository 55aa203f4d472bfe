"""The guided coach's front: `GuidedCoach.reply(state, message, history)` and `resume(state, history)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from knowledge.passages import Passage

from ..models import ChatMessage, SessionState, now
from .quotes import PassagesFor
from .turn import Turn
from .intent_examples import Embed
from .understanding import Understander

if TYPE_CHECKING:
    from ..person_models import Notebook

Record = Callable[[SessionState], "Notebook"]


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
    `record(state)` is the person's whole record as the bandit reads it (bot/policy.py: the Coach
    gives their notebook with this session's cards, `policy.with_session`); without it, the session's
    own cards and strengths. `seed` fixes the bandit's draw (None: stable per person until a review).
    """

    def __init__(
        self,
        passages_for: PassagesFor | None = None,
        embed: Embed | None = None,
        *,
        clock: Callable[[], datetime] = now,
        record: Record | None = None,
        seed: int | None = None,
    ) -> None:
        self.passages_for = passages_for
        self.understander = Understander(embed)
        self.clock = clock
        self.record = record or _session_record
        self.seed = seed

    def reply(self, state: SessionState, message: str, history: list[ChatMessage], opener: str | None = None,
              acknowledged: bool = False) -> GuidedTurn:
        """The reply to `message`. `acknowledged`: the distress in it was acknowledged before this reply
        (the safety step's line), so the coach does not say so again. `opener` is the Coach's line for a card that is due, said first on a
        conversation's first message (the guided coach words its own when it is not given)."""
        turn = Turn(self, state, message, list(history or []), opener)
        turn.acknowledged = acknowledged
        return self._done(turn.run())

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


def _session_record(state: SessionState) -> Notebook:
    from ..person_models import Notebook
    from ..policy import with_session

    return with_session(Notebook(owner=state.owner), state)
