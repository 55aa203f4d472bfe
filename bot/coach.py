"""The Coach: one turn = validate, journal the user's words, safety, then guided or model-backed coaching."""

from __future__ import annotations

import logging
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from .journal import Journal, SessionBusy, UnknownSession, check_session_id
from .model_turn import ModelTurn
from .people import LOCAL, Owned, Person
from .person_coach import PersonNotebook
from .models import ChatMessage, CoachReply, SessionState, Stage
from .replies import Replies, prefaced
from .safety import Assessment, assess, distress_acknowledgement, examined
from .safety.context import in_reply
from .safety.turn import safety_reply
from .session_coach import SessionData
from .turn_passages import TurnPassages
from .words import message as notice

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from knowledge import KnowledgeBase

    from .settings import Settings

log = logging.getLogger(__name__)

# Control characters other than newline and tab are dropped from messages; everything else is kept.
_KEEP_CONTROLS = {"\n", "\t"}


def clean_message(text: str) -> str:
    """The message as the coach will read it: NFC, no control characters, no unpaired surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8") if isinstance(text, str) else str(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(c for c in text if c in _KEEP_CONTROLS or unicodedata.category(c) != "Cc").strip()
    # Nothing but invisible characters (zero-width spaces, direction marks, a BOM) is an empty message.
    return text if any(unicodedata.category(c)[0] not in "CZ" for c in text) else ""


def new_session_id() -> str:
    """A server-issued session id: 128 random bits."""
    return secrets.token_hex(16)


class Coach(SessionData, TurnPassages, ModelTurn, Replies, PersonNotebook):
    """A coaching conversation grounded in the essay; state is kept per session id in the journal.

    `llm` is any LangChain chat model; None lets the settings decide (OpenAI, a compatible server,
    or the guided offline mode). `knowledge` and `journal` default to stores under `COACH_HOME`.
    Its sides live beside it: sessions (bot/session_coach.py), passages (bot/turn_passages.py), the
    model-backed turn (bot/model_turn.py), replies (bot/replies.py), the person (bot/person_coach.py).
    """

    def __init__(
        self,
        llm: BaseChatModel | None = None,
        knowledge: KnowledgeBase | None = None,
        journal: Journal | None = None,
        settings: Settings | None = None,
    ) -> None:
        from .llm import describe
        from .settings import Settings

        self.settings = settings or Settings()
        self.mode = "custom" if llm is not None else self.settings.mode
        # The settings' model client is made on first use (importing langchain_openai takes ~1.5 s),
        # so a server can answer its first request before it is ready; warm_up() makes it.
        self._llm = llm
        self._llm_ready = llm is not None or self.mode == "guided"
        self.description = describe(self.mode, self.settings, llm)
        self.badge = describe(self.mode, self.settings, llm, public=True)  # for visitors: no server URL
        self._knowledge = knowledge
        self._journal = journal
        self._open_lock = threading.Lock()
        self._session_locks: dict[str, threading.Lock] = {}
        self._chains: Any = None
        self._notes: Any = None  # the NotesTaker, made with the first model turn
        from .notes_worker import NotesWorker

        self._notes_worker = NotesWorker()
        self._guided: Any = None
        self._query_vectors: Any = None

    # -- collaborators, created on first use ----------------------------------------------

    @property
    def knowledge(self) -> KnowledgeBase:
        if self._knowledge is None:
            with self._open_lock:
                if self._knowledge is None:
                    from knowledge import KnowledgeBase

                    self._knowledge = KnowledgeBase.open(settings=self.settings)
        return self._knowledge

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            with self._open_lock:
                if self._journal is None:
                    self._journal = Journal(self.settings.journal_path)
        return self._journal

    @property
    def llm(self) -> BaseChatModel | None:
        """The chat model; None in the guided offline mode."""
        if not self._llm_ready:
            with self._open_lock:
                if not self._llm_ready:
                    from .llm import chat_model

                    self._llm = chat_model(self.settings)
                    self._llm_ready = True
        return self._llm

    @llm.setter
    def llm(self, value: BaseChatModel | None) -> None:
        self._llm, self._llm_ready = value, True
        self._chains = self._notes = None

    def wait_for_notes(self, session_id: str | None = None, timeout: float | None = None) -> bool:
        """Block until the notes of the session's last turns (every session's with None) have landed
        in its state; False if `timeout` seconds passed first. Replies never wait for notes."""
        return self._notes_worker.wait(session_id, timeout)

    def __enter__(self) -> Coach:
        return self

    def __exit__(self, *exc: object) -> None:
        # Notes run on background threads, and once the interpreter starts shutting down no thread
        # can start the model call: a script that ends right after its last `ask` would lose them.
        self.wait_for_notes(timeout=2 * self.settings.notes_timeout + 5)

    def notes_pending(self, session_id: str) -> bool:
        """Whether notes of this session are still being taken (its state will change when they land)."""
        return self._notes_worker.pending(session_id)

    @property
    def guided(self) -> bool:
        return self.llm is None

    def warm_up(self) -> None:
        """Open the stores, load the embedding model (every copy) and make the model client now rather than on the first message."""
        self.knowledge.warm_up()
        _ = self.journal
        if self.llm is not None:
            self._notes_taker().warm_up()

    # -- turns -------------------------------------------------------------------------------

    def ask(self, message: str, session_id: str | None = None, person: Person | None = None) -> CoachReply:
        """One turn; returns the complete reply."""
        reply = None
        for item in self.stream(message, session_id, person):
            if isinstance(item, CoachReply):
                reply = item
        assert reply is not None
        return reply

    def stream(
        self, message: str, session_id: str | None = None, person: Person | None = None
    ) -> Iterator[str | CoachReply]:
        """One turn, streamed.

        Yields `str` pieces of the reply as they are produced (each piece is new text, to be
        appended), then exactly one `CoachReply` as the last item. Its `.text` is the final text,
        which may differ from the joined pieces (a citation of an unknown passage is removed, a
        broken-off stream gets a note). Failures end in a `CoachReply` with `.error` set.
        `session_id` None starts a new session; an id must be the person's own (the local person
        may also name a new one, as `coach chat --session NAME` does), else UnknownSession.
        """
        person = person or LOCAL
        if isinstance(session_id, Owned):  # checked (or freshly issued) at the caller's boundary
            owned = session_id
        elif session_id is None:
            owned = Owned(new_session_id(), person)
        else:  # "" included: no silent new session
            owner = self.journal.owner(check_session_id(session_id))
            if owner != person.key and not (owner is None and person == LOCAL):
                raise UnknownSession(session_id)
            owned = Owned(session_id, person)
        reply = None
        # The session's lock, once the notes of its previous turn have landed (bounded by their timeouts).
        wait = 2 * self.settings.notes_timeout + 5
        with ExitStack() as held:
            held.enter_context(self._notes_worker.lock_after_notes(owned, self._session_lock(owned), wait))
            try:  # another process (a web tab, `coach chat`) may be mid-turn on this session
                held.enter_context(self.journal.claim(owned))
            except SessionBusy:
                state = self.state(owned)
                reply = self._notice(state, notice(state.language, "busy"), "busy")
            else:
                for item in self._turn(message, owned):
                    if isinstance(item, CoachReply):
                        reply = item
                    else:
                        yield item
        # Outside the lock and the claim, so the turn's notes can land while the caller reads the reply.
        if reply is not None:
            yield reply

    def _turn(self, raw: str, session_id: str) -> Iterator[str | CoachReply]:
        from .language import detect_language

        state = self.state(session_id)
        if raw is not None and not isinstance(raw, str):  # an API caller passed a dict, a list, a number...
            yield self._notice(state, notice(state.language, "not_text", kind=type(raw).__name__), "not_text")
            return
        text = clean_message(raw or "")
        state.language = detect_language(text, default=state.language) if text else state.language
        if not text:
            yield self._notice(state, notice(state.language, "empty"), error="empty")
            return
        # Turns, not messages; a few more for turns that failed (their words fold into the next message).
        history = self.journal.messages(session_id, limit=2 * self.settings.history_turns + 4)
        last_seen = history[-1].created_at if history else None
        limit = self.settings.max_message_chars
        # The length limit first; a too-long message is still read for danger, up to the limit
        # (its opening and closing halves), and danger is answered however long it is.
        safety = self._assess(session_id, state, examined(text, limit)) if len(text) > limit else None
        if safety is not None and safety.level == "none":
            # Kept whole in the journal, never sent to the model.
            self.journal.append(session_id, ChatMessage(role="user", content=text, status="error"), state)
            yield self._notice(state, notice(state.language, "too_long", length=len(text), limit=limit), "too_long")
            return
        opener = self._recall(state, first_message=not history)  # the person's notebook (bot/person_coach.py)
        self.journal.append(session_id, ChatMessage(role="user", content=text), state)
        history = [m for m in history if m.status != "error"]
        safety = safety or self._assess(session_id, state, text)
        # "I don't know yet" answering the coach's question is an answer (bot/safety/context.py).
        asked = bool(history) and history[-1].role == "assistant" and "?" in history[-1].content[-400:]
        safety = in_reply(safety, text, asked=asked)
        answered = safety_reply(state, text, safety, last_seen)
        if answered is not None and answered.held and self.guided and state.guided.step:
            # "No, I'm fine" to a check-in the classifier alone asked for: the message that drew it
            # answered the coach's question, and the guided coach takes it up now, as if just said.
            yield from self._guided_turn(state, answered.held, history[:-2], answered.text)
            return
        if answered is not None and not answered.goes_on:
            reply_text, stopped = answered.text, answered.stopped
            options: list[str] = []
            if not stopped and self.guided and state.guided.step:  # safe: the pending question, asked again
                back = self._guided_coach().resume(state, history)
                reply_text, options = f"{reply_text}\n\n{back.text}", back.options
            yield reply_text
            reply = self._finish(state, reply_text, [], stage=Stage.SAFETY if stopped else None)
            yield reply.model_copy(update={"options": options}) if options else reply
            return
        # The person went on with something else: the lines once more, then this message, coached.
        preface = answered.text if answered is not None else ""
        if safety.distress:
            preface = "\n\n".join(p for p in (preface, distress_acknowledgement(state.language, text, safety.worn)) if p)
        try:
            ticked = self._check_in(state, text)  # "did it today": a daily tick, not a coaching turn
            if ticked is not None:
                yield ticked
                yield self._finish(state, ticked, [])
            elif self.guided:
                # The distress acknowledgement first; the guided coach brings up a due card (the opener) itself.
                yield from self._guided_turn(state, text, history, preface, opener)
            else:
                yield from self._model_turn(state, text, history, preface)
        except Exception as exc:  # the person gets a readable message; the log gets the details
            log.exception("turn failed in session %s", session_id)
            yield self._notice(state, notice(state.language, "internal", kind=type(exc).__name__), "internal")

    def _assess(self, session_id: str, state: SessionState, text: str) -> Assessment:
        """The message's safety reading, from its query vector (computed once, reused by retrieval)."""
        from knowledge.embeddings import MODEL_ID

        vector = None
        try:
            if getattr(self.knowledge.embeddings, "model_id", None) == MODEL_ID:
                vector = self.message_vector(session_id, text)
        except Exception:  # safety still reads the message (bot.safety embeds it, or the lexicon alone)
            log.warning("could not embed the message of session %s for safety", session_id, exc_info=True)
        return assess(text, state.language, vector=vector)

    def _guided_coach(self) -> Any:
        from .guided import GuidedCoach

        if self._guided is None:
            embed = getattr(getattr(self.knowledge, "embeddings", None), "embed_query", None)
            with self._open_lock:
                if self._guided is None:
                    self._guided = GuidedCoach(passages_for=self.passages_for, embed=embed, record=self._record, clock=self._clock)
        return self._guided

    def _guided_turn(
        self, state: SessionState, text: str, history: list[ChatMessage], preface: str = "", opener: str | None = None
    ) -> Iterator[str | CoachReply]:
        """The guided offline coach: it reads the message with the knowledge base's embeddings and
        quotes through passages_for; its quick replies travel on the reply's `options`. `preface` is
        the safety step's acknowledgement of distress, said first; `opener` names a due card."""
        turn = self._guided_coach().reply(state, text, history, opener, acknowledged=bool(preface))
        reply_text = prefaced(preface, turn.text)
        yield reply_text
        reply = self._finish(state, reply_text, turn.sources)
        yield reply.model_copy(update={"options": turn.options})


_default: Coach | None = None
_default_lock = threading.Lock()


def ask(message: str, session_id: str | None = None, person: Person | None = None) -> CoachReply:
    """One turn with the default Coach (settings from the environment)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Coach()
    return _default.ask(message, session_id, person)
