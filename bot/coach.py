"""The Coach: one turn = validate, journal the user's words, safety, then guided or model-backed coaching."""

from __future__ import annotations

import logging
import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from .journal import Journal, SessionBusy, UnknownSession, check_session_id
from .people import LOCAL, Owned, Person
from .person_coach import PersonNotebook
from .models import ChatMessage, CoachReply, ExperimentCard, ExperimentStatus, Feedback, Review, SessionState, Stage
from .safety import Assessment, assess, distress_acknowledgement, examined
from .safety.context import in_reply
from .safety.turn import safety_reply
from .words import message as notice

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from knowledge import KnowledgeBase, Passage

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


class Coach(PersonNotebook):
    """A coaching conversation grounded in the essay; state is kept per session id in the journal.

    `llm` is any LangChain chat model; None lets the settings decide (OpenAI, a compatible server,
    or the guided offline mode). `knowledge` and `journal` default to stores under `COACH_HOME`.
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

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        return self.knowledge.search(query, k or self.settings.retrieval_k)

    def retrieve(self, session_id: str, texts: list[str], k: int | None = None) -> list[Passage]:
        """Passages for a turn whose message is `texts[-1]` (the model chain's way in): turn
        retrieval with the session's journalled history and stage."""
        texts = [t for t in texts if t.strip()]
        if not texts:
            return []
        message, history, stage = texts[-1], [], None
        if session_id:
            history = self.journal.messages(check_session_id(session_id), limit=self.settings.history_turns)
            history = [m for m in history if m.status != "error"]  # as the turn itself reads it
            if history and history[-1].role == "user" and history[-1].content == message:
                history = history[:-1]  # the turn's own message, journalled before the reply
            stage = self.state(session_id).stage.value
        return self.passages_for(message, history, k, session_id=session_id, stage=stage)

    def _session_vectors(self) -> Any:
        """Each session's recent query vectors (bot/retrieval.py SessionQueryVectors)."""
        from .retrieval import SessionQueryVectors

        knowledge = self.knowledge  # opened (under _open_lock) before that lock is taken below
        if self._query_vectors is None:
            with self._open_lock:
                if self._query_vectors is None:
                    self._query_vectors = SessionQueryVectors(knowledge.embeddings.embed_query)
        return self._query_vectors

    def message_vector(self, session_id: str, text: str) -> list[float]:
        """The message's e5 query vector, embedded once a turn and kept with the session's query
        vectors, so safety and the retrieval that follows share it."""
        return self._session_vectors().vector(session_id, text)

    def passages_for(
        self,
        message: str,
        history: list[ChatMessage] | None = None,
        k: int | None = None,
        *,
        session_id: str | None = None,
        vector: list[float] | None = None,
        stage: str | Stage | None = None,
    ) -> list[Passage]:
        """The passages a coach would quote for this turn: the message read with its context (the
        coach's question it answers, the stage, the previous message; bot/turn_retrieval.py).
        Both coaches use it; `kb.search()` stays for plain queries. `vector`, when given, is the
        message's query embedding already computed this turn (nothing is embedded twice). The
        stage, when not given, is the session's."""
        from .retrieval import query_vector
        from .turn_retrieval import Turn, rank_turn

        if not message or not message.strip():
            return []
        if stage is None and session_id:
            stage = self.state(session_id).stage
        stage = stage.value if isinstance(stage, Stage) else stage
        turn = Turn.of(message, history or [], stage)
        vectors = self._session_vectors()
        key = session_id or ""
        if vector is not None:
            vectors.remember(key, message, list(vector))
        texts = list(turn.texts)
        query = query_vector(texts, vectors.vectors(key, texts))
        return rank_turn(self.knowledge, turn, query, k or self.settings.retrieval_k)

    def claim_passages(self, number: int) -> list[Passage]:
        """The passages that back COACHING.md's claim `number` (1-5), e.g. claim 2 (imitation early)."""
        from .claims import passages_for_claim

        return passages_for_claim(number, self.knowledge)

    def passages(self, ids: list[str]) -> list[Passage]:
        """The passages with these ids (those still in the knowledge base), e.g. to show a past reply's sources."""
        return self.knowledge.get(list(dict.fromkeys(ids)))

    def warm_up(self) -> None:
        """Open the stores, load the embedding model (every copy) and make the model client now rather than on the first message."""
        self.knowledge.warm_up()
        _ = self.journal
        if self.llm is not None:
            self._notes_taker().warm_up()

    def _session_lock(self, session_id: str) -> threading.Lock:
        with self._open_lock:
            return self._session_locks.setdefault(session_id, threading.Lock())

    # -- sessions ----------------------------------------------------------------------------
    # Every public method takes `person` (None: the local person, the machine's owner). The id is
    # checked for that person once, here; someone else's id gets the answer a nonexistent one gets.

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
        reply_text = _prefaced(preface, turn.text)
        yield reply_text
        reply = self._finish(state, reply_text, turn.sources)
        yield reply.model_copy(update={"options": turn.options})

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
            partial = _prefaced(preface, run.text.rstrip()) + "\n\n" + notice(state.language, "partial")
            yield self._finish(state, partial, run.passages, status="partial")
            return
        if not run.text:
            kind = "refused" if run.refused else "no_reply"
            yield self._notice(state, notice(state.language, kind), kind)
            return
        reply = self._finish(state, _prefaced(preface, run.text), run.passages)
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

    # -- replies -----------------------------------------------------------------------------

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


def _prefaced(preface: str, text: str) -> str:
    return f"{preface}\n\n{text}" if preface and text else text


_default: Coach | None = None
_default_lock = threading.Lock()


def ask(message: str, session_id: str | None = None, person: Person | None = None) -> CoachReply:
    """One turn with the default Coach (settings from the environment)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Coach()
    return _default.ask(message, session_id, person)
