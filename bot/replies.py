"""The Coach's replies: the assistant's message journalled with the session state, a failure
notice (shown, not journalled as coaching), and the CoachReply carrying the state as it is now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import ChatMessage, CoachReply, SessionState, Stage

if TYPE_CHECKING:
    from collections.abc import Callable

    from knowledge import Passage

    from .journal import Journal


class Replies:
    """Mixed into Coach: needs `journal`, `mode` and the notebook's `_remember()`."""

    journal: Journal
    mode: str
    _remember: Callable[[SessionState], None]

    def _finish(
        self,
        state: SessionState,
        text: str,
        sources: list[Passage],
        stage: Stage | None = None,
        status: str = "ok",
    ) -> CoachReply:
        """Journal the assistant's message with the session state, and build the reply."""
        message_id = self.journal.append(
            state.session_id,
            ChatMessage(role="assistant", content=text, sources=[p.id for p in sources], status=status),
            state,
        )
        if message_id:  # 0: forgotten during the turn, and nothing of it may come back
            self._remember(state)
        return self._reply(state, text, sources=sources, stage=stage, partial=status == "partial", message_id=message_id)

    def _notice(self, state: SessionState, text: str, error: str) -> CoachReply:
        """A failure notice: shown to the person, not journalled as coaching."""
        return self._reply(state, text, error=error)

    def _reply(self, state: SessionState, text: str, **fields: Any) -> CoachReply:
        """A reply carrying the session's state as it is now."""
        fields["stage"] = fields.get("stage") or state.stage
        return CoachReply(
            text=text,
            strengths=list(state.strengths),
            experiments=list(state.experiments),
            session_id=state.session_id,
            mode=self.mode,
            language=state.language,
            **fields,
        )


def prefaced(preface: str, text: str) -> str:
    return f"{preface}\n\n{text}" if preface and text else text
