"""The model-backed turn: the reply streamed from the LangChain chain, checked as it goes, then
the turn's notes taken off the person's path by the notes taker."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .models import ChatMessage, CoachReply, SessionState
from .replies import prefaced
from .words import message as notice

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from .journal import Journal
    from .notes_worker import NotesWorker
    from .settings import Settings

log = logging.getLogger("bot.coach")  # one log for the whole coach


class ModelTurn:
    """Mixed into Coach: needs the model and its settings, the journal, the notes worker, the
    session locks (SessionData) and the replies (Replies)."""

    llm: BaseChatModel | None
    mode: str
    settings: Settings
    journal: Journal
    retrieve: Callable[..., Any]
    _llm: BaseChatModel | None
    _open_lock: threading.Lock
    _chains: Any
    _notes: Any
    _notes_worker: NotesWorker
    _session_lock: Callable[[str], threading.Lock]
    _remember: Callable[[SessionState], None]
    _finish: Callable[..., CoachReply]
    _notice: Callable[[SessionState, str, str], CoachReply]

    def _notes_taker(self) -> Any:
        """Takes notes with the settings' notes client (short timeout, one retry), or the custom model."""
        if self._notes is None:
            with self._open_lock:
                if self._notes is None:
                    from .llm import chat_model
                    from .structured import NotesTaker

                    model = self.llm if self.mode == "custom" else chat_model(self.settings, notes=True)
                    self._notes = NotesTaker(model, self.settings.structured)
        return self._notes

    def _model_turn(
        self, state: SessionState, text: str, history: list[ChatMessage], preface: str = ""
    ) -> Iterator[str | CoachReply]:
        """The reply streams (checked as it goes: citations, language); it is final at its last token.
        Notes are taken afterwards, off the person's path (bot/notes_worker.py). `preface` (the safety
        step's acknowledgement of distress) opens the reply; the model is told it is there."""
        from .chain import reply_chain
        from .language import detect_language
        from .model_reply import ReplyRun
        from .models import now
        from .prompt_state import stage_hint

        if self._chains is None:
            self._chains = reply_chain(self.llm, self.retrieve, self.settings.retrieval_k)
        request = {
            "message": text, "history": history, "state": state, "turns": self.settings.history_turns,
            "stage": stage_hint(state, history, now()), "acknowledged": preface,
        }
        # Only a message that says which language it is in makes a reply in the other one wrong.
        expected = state.language if detect_language(text, default=None) is not None else None  # type: ignore[arg-type]
        run = ReplyRun(self._chains, request, expected, strict_end=self.mode in ("openai", "compatible"))
        for i, piece in enumerate(run.stream()):
            yield f"{preface}\n\n{piece}" if preface and i == 0 else piece
        if run.error is not None:
            yield self._notice(state, self._model_error(run.error, state.language), type(run.error).__name__)
            return
        if run.partial:
            partial = prefaced(preface, run.text.rstrip()) + "\n\n" + notice(state.language, "partial")
            yield self._finish(state, partial, run.passages, status="partial")
            return
        if not run.text:
            kind = "refused" if run.refused else "no_reply"
            yield self._notice(state, notice(state.language, kind), kind)
            return
        reply = self._finish(state, prefaced(preface, run.text), run.passages)
        self._notes_later(state, text, run.text, history, [p.id for p in run.passages])
        yield reply

    def _notes_later(self, state: SessionState, text: str, reply: str, history: list[ChatMessage], passage_ids: list[str]) -> None:
        """Queue the turn's notes; they land in the state saved after the reply, under the session lock,
        so a change made meanwhile (a review recorded on the board) is kept."""
        from .chain import notes_messages
        from .notes import apply_notes

        earlier = [m for m in history if m.status == "ok"][-2:]
        messages = notes_messages(state, text, reply, earlier)
        session_id = state.session_id

        def take() -> None:
            where = f" for session {session_id}"
            try:
                notes = self._notes_taker().take(messages, where)
            except Exception as exc:  # notes are a bonus; the reply already reached the person
                log.warning("notes%s dropped: the model call failed (%s: %s)", where, type(exc).__name__, exc)
                return
            if notes is None:
                return
            # Under the session's claim too: a forget meanwhile drops the claim, and the save is refused.
            with self._session_lock(session_id), self.journal.claim(session_id):
                current = self.journal.load(session_id)
                if current is None:  # forgotten meanwhile
                    return
                apply_notes(current, notes, passage_ids)
                if self.journal.save(current):
                    self._remember(current)  # what the notes learnt goes into the person's notebook

        self._notes_worker.submit(session_id, take)

    def _model_error(self, exc: Exception, language: str) -> str:
        from .model_errors import explain

        return explain(exc, self.settings, language, self._llm)
