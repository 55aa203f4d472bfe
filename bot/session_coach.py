"""The Coach's session side: whose a session is, its state and history, taking a turn back,
feedback, forgetting, export, and changes to a session's experiment cards.

Every public method takes `person` (None: the local person, the machine's owner). The id is
checked for that person once, here; someone else's id gets the answer a nonexistent one gets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .journal import check_session_id
from .models import ChatMessage, ExperimentCard, ExperimentStatus, Feedback, Review, SessionState, Stage
from .people import LOCAL, Owned, Person

if TYPE_CHECKING:
    from knowledge import Passage

    from .journal import Journal
    from .notebook import NotebookStore


class SessionData:
    """Mixed into Coach: needs `journal`, its locks and caches, `passages()` (TurnPassages) and the
    notebook (PersonNotebook)."""

    journal: Journal
    notebook_store: NotebookStore
    _open_lock: threading.Lock
    _session_locks: dict[str, threading.Lock]
    _query_vectors: Any
    _remember: Callable[[SessionState], None]
    passages: Callable[[list[str]], list[Passage]]

    def _session_lock(self, session_id: str) -> threading.Lock:
        with self._open_lock:
            return self._session_locks.setdefault(session_id, threading.Lock())

    def _owned(self, session_id: str, person: Person | None) -> Owned | None:
        """The id as `person`'s own, or None when it is not theirs (nonexistent, or someone else's)."""
        if isinstance(session_id, Owned):
            return session_id
        person = person or LOCAL
        owner = self.journal.owner(check_session_id(session_id))
        return Owned(session_id, person) if owner == person.key else None

    def owns(self, session_id: str, person: Person | None = None) -> bool:
        return self._owned(session_id, person) is not None

    def retract_last_turn(self, session_id: str, person: Person | None = None) -> ChatMessage | None:
        """Take back the person's last turn (for retry, undo or edit): its messages stay in the
        journal, marked replaced, and the coach no longer sees them. Returns the user's message, or
        None (no turn, or not their session). The notes that turn took (strengths, card fields) stay."""
        owned = self._owned(session_id, person)
        if owned is None:
            return None
        with self._session_lock(owned), self.journal.claim(owned):
            taken = self.journal.replace_last_turn(owned)
        return taken[0] if taken else None

    def record_feedback(self, feedback: Feedback, person: Person | None = None) -> int | None:
        """Keep a like or dislike of a reply (or, with `feedback.id`, add its comment); returns its
        id, or None when the session is not the person's."""
        owned = self._owned(feedback.session_id, person)
        if owned is None:
            return None
        return self.journal.add_feedback(feedback)

    def offline_notice_shown(self, session_id: str, person: Person | None = None) -> None:
        """The page has shown the offline notice itself, so the guided coach does not repeat it."""
        owned = self._owned(session_id, person)
        if owned is None:
            return
        with self._session_lock(owned), self.journal.claim(owned):
            state = self.state(owned)
            if not state.offline_notice_shown:
                state.offline_notice_shown = True
                self.journal.save(state)

    def state(self, session_id: str, person: Person | None = None) -> SessionState:
        """The session's state; a fresh one for an id the journal has not seen (or that is not theirs)."""
        if isinstance(session_id, Owned):
            person = session_id.person
        person = person or LOCAL
        state = self.journal.load(check_session_id(session_id))
        if state is None or state.owner != person.key:
            return SessionState(session_id=session_id, owner=person.key)
        return state

    def history(self, session_id: str, person: Person | None = None, replaced: bool = False) -> list[ChatMessage]:
        """The person's conversation (empty when the session is not theirs); `replaced` also returns
        the turns taken back (marked so)."""
        owned = self._owned(session_id, person)
        return self.journal.messages(owned, replaced=replaced) if owned is not None else []

    def sessions(self, person: Person | None = None):
        return self.journal.sessions((person or LOCAL).key)

    def forget(self, session_id: str, person: Person | None = None) -> bool:
        """Delete the session, from the file too; a turn still running cannot write it back."""
        if self.owns(session_id, person):  # what it taught the notebook goes with it (bot/notebook.py)
            self.notebook_store.forget_session((person or LOCAL).key, session_id)
        gone = self.journal.forget(check_session_id(session_id), (person or LOCAL).key)
        if gone:
            self._drop_caches([session_id])
        return gone

    def forget_everything(self, person: Person | None = None) -> int:
        """Delete every session of the person; returns how many there were."""
        self.notebook_store.forget_owner((person or LOCAL).key)
        ids = self.journal.forget_owner((person or LOCAL).key)
        self._drop_caches(ids)
        return len(ids)

    def _drop_caches(self, session_ids: list[str]) -> None:
        with self._open_lock:
            for session_id in session_ids:
                self._session_locks.pop(session_id, None)
        if self._query_vectors is not None:
            for session_id in session_ids:
                self._query_vectors.forget(session_id)

    def export(self, session_id: str, fmt: str = "md", person: Person | None = None) -> str:
        from .export import export_session

        owned = self._owned(session_id, person)
        messages = self.history(session_id, person, replaced=True)
        cited = self.passages([i for m in messages for i in m.sources])
        feedback = self.journal.feedback(owned) if owned is not None else []
        return export_session(self.state(session_id, person), messages, fmt, cited, feedback)

    def record_review(
        self, session_id: str, experiment_id: str, review: Review, person: Person | None = None
    ) -> SessionState:
        """Store how an experiment went; the coach sees it from the next turn on."""

        def reviewed(state: SessionState, card: ExperimentCard) -> None:
            card.review, card.status, state.stage = review, "reviewed", Stage.REVIEW

        return self._change_card(session_id, experiment_id, reviewed, person)

    def set_experiment_status(
        self, session_id: str, experiment_id: str, status: ExperimentStatus, person: Person | None = None
    ) -> SessionState:
        def set_status(state: SessionState, card: ExperimentCard) -> None:
            card.status = status

        return self._change_card(session_id, experiment_id, set_status, person)

    def _change_card(
        self,
        session_id: str,
        experiment_id: str,
        change: Callable[[SessionState, ExperimentCard], None],
        person: Person | None = None,
    ) -> SessionState:
        owned = self._owned(session_id, person)
        if owned is None:
            raise KeyError(f"No experiment {experiment_id!r} in session {session_id!r}.")
        with self._session_lock(owned), self.journal.claim(owned):
            state = self.state(owned)
            card = state.experiment(experiment_id)
            if card is None:
                raise KeyError(f"No experiment {experiment_id!r} in session {session_id!r}.")
            change(state, card)
            self.journal.save(state)
            self._remember(state)
            return state
