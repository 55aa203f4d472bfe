"""The Coach's person-level side: the notebook every conversation of a person shares, daily
check-ins, reminders, the policy and its next proposal, and the whole person's export and import.

Every method takes `person` (None: the local person, the machine's owner, whom the terminal acts for).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .checkins import SaidTick, find_card, mentioned, percent, said_tick, tick_reply
from .models import ExperimentCard, Review, SessionState, now
from .people import LOCAL, Person

if TYPE_CHECKING:
    from .journal import Journal
    from .notebook import NotebookStore
    from .person_export import ImportReport
    from .person_models import Notebook, NotebookCard, NotebookStrength, TickValue
    from .policy import Point, Proposal, StrengthStats


@dataclass(frozen=True)
class ConversationSummary:
    """One of the person's conversations as `coach sessions` and the page's list show it."""

    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    messages: int
    stage: str
    first_message: str


def _key(person: Person | None) -> str:
    return (person or LOCAL).key


class PersonNotebook:
    """Mixed into Coach: needs `self.journal` and `self._open_lock`."""

    journal: Journal
    _open_lock: threading.Lock
    _notebook: NotebookStore | None = None

    def today(self) -> dt.date:
        """The person's today (tests pin it by assigning `coach.today = lambda: date(...)`)."""
        return now().date()

    @property
    def notebook_store(self) -> NotebookStore:
        if self._notebook is None:
            journal = self.journal
            with self._open_lock:
                if self._notebook is None:
                    from .notebook import NotebookStore

                    self._notebook = NotebookStore(journal, today=lambda: self.today())
        return self._notebook

    # -- reading -----------------------------------------------------------------------------

    def notebook(self, person: Person | None = None) -> Notebook:
        """Everything the coach remembers about the person: strengths (with the words that showed
        them) and experiment cards (with their streak and adherence)."""
        return self.notebook_store.load(_key(person))

    def conversations(self, person: Person | None = None) -> list[ConversationSummary]:
        titles = self.notebook_store.titles(_key(person))
        return [
            ConversationSummary(s.id, titles.get(s.id, ""), s.created_at, s.updated_at, s.messages, s.stage, s.first_message)
            for s in self.journal.sessions(_key(person))
        ]

    def rename_session(self, session_id: str, title: str, person: Person | None = None) -> str:
        """Give one of the person's conversations a title ('' removes it); KeyError when it is not theirs."""
        from .coach import clean_message

        if not self.owns(session_id, person):  # type: ignore[attr-defined]
            raise KeyError(f"No session {session_id!r} here. See: coach sessions")
        title = " ".join(clean_message(title or "").split())[:120]
        self.notebook_store.set_title(_key(person), session_id, title)
        return title

    def card(self, ref: str, person: Person | None = None) -> NotebookCard:
        """A card of the person's by id, unique id prefix, or title words (CardNotFound otherwise)."""
        return find_card(self.notebook(person).cards, ref)

    def due(self, person: Person | None = None, today: dt.date | None = None) -> list[NotebookCard]:
        """Running cards whose review is due or overdue, the oldest first."""
        return self.notebook(person).due(today or self.today())

    # -- what the person changes ---------------------------------------------------------------

    def edit_strength(self, strength_id: str, person: Person | None = None, *, name: str | None = None,
                      kind: str | None = None) -> NotebookStrength:
        return self.notebook_store.edit_strength(_key(person), strength_id, name=name, kind=kind)

    def delete_strength(self, strength_id: str, person: Person | None = None) -> bool:
        return self.notebook_store.delete_strength(_key(person), strength_id)

    def edit_card(self, ref: str, person: Person | None = None, **fields: Any) -> ExperimentCard:
        """Change fields of a card (validated as an ExperimentCard); its id cannot change."""
        entry = self.card(ref, person)
        fields.pop("id", None)
        changed = ExperimentCard.model_validate({**entry.card.model_dump(), **fields})
        self.notebook_store.put_card(_key(person), changed, entry.session_id)
        return changed

    def delete_card(self, ref: str, person: Person | None = None) -> bool:
        return self.notebook_store.delete_card(_key(person), self.card(ref, person).id)

    def review_card(self, ref: str, review: Review, person: Person | None = None) -> ExperimentCard:
        """Record how a card went, wherever it was made (the board, an import); conversations see it."""
        return self.edit_card(ref, person, review=review.model_dump(), status="reviewed")

    def check(self, ref: str, value: TickValue = "yes", day: dt.date | None = None,
              person: Person | None = None) -> NotebookCard:
        """Tick a running card's daily check for a day (today by default); returns the card with its progress."""
        entry = self.card(ref, person)
        day = day or self.today()
        if entry.card.status != "running":
            raise ValueError(f"'{entry.card.title}' is {entry.card.status}, not running: only a running card takes daily ticks.")
        if day > self.today():
            raise ValueError(f"{day} is in the future: tick a day once it has come.")
        self.notebook_store.tick(_key(person), entry.id, day, value)
        return self.card(entry.id, person)

    # -- the policy ----------------------------------------------------------------------------

    def policy(self, person: Person | None = None) -> list[StrengthStats]:
        from .policy import strength_stats

        return strength_stats(self.notebook(person))

    def chart_points(self, person: Person | None = None) -> list[Point]:
        from .policy import points

        return points(self.notebook(person))

    def next_proposal(self, person: Person | None = None, seed: int | None = None, language: str = "en") -> Proposal | None:
        """The strength to build the next experiment on, exploit or explore, and why in words."""
        from .policy import propose

        return propose(self.notebook(person), seed, language)

    def evidence_lines(self, person: Person | None = None, language: str = "en") -> list[str]:
        """The person's loop in lines for the model-backed coach's prompt (see bot/policy.py)."""
        from .policy import evidence_lines

        return evidence_lines(self.notebook(person), language, self.today())

    def remind(self, ref: str, person: Person | None = None, language: str | None = None) -> bytes:
        """The card as an .ics calendar file: the review with an alarm, the daily check repeating; in
        `language`, else the card's own (its words; the language of the conversation it came from)."""
        from .reminders import card_calendar, card_language

        entry = self.card(ref, person)
        if language is None:
            state = self.journal.load(entry.session_id) if entry.session_id and _valid_id(entry.session_id) else None
            language = card_language(entry, default=state.language if state is not None else "en")
        return card_calendar(entry, self.today(), language)

    # -- export and import -----------------------------------------------------------------------

    def export_person(self, fmt: str = "json", person: Person | None = None) -> str:
        from .person_export import Conversation, person_json, person_markdown

        key = _key(person)
        conversations = [
            Conversation(c.id, c.title, self.state(c.id, person or LOCAL), self.history(c.id, person or LOCAL))  # type: ignore[attr-defined]
            for c in reversed(self.conversations(person))
        ]
        if fmt == "json":
            return person_json(self.notebook(person), self.notebook_store.ticks(key), conversations)
        if fmt == "md":
            return person_markdown(self.notebook(person), conversations)
        raise ValueError(f"Unknown export format {fmt!r}: use 'json' or 'md'.")

    def import_person(self, text: str, person: Person | None = None) -> ImportReport:
        """Bring an export back: conversations (a new id when theirs is taken), strengths, cards and ticks.
        Importing the same file twice changes nothing the second time."""
        from .coach import new_session_id
        from .person_export import ImportReport, parse_items, read_person

        key = _key(person)
        report = ImportReport()
        strengths, cards, conversations = parse_items(read_person(text), report)
        store = self.notebook_store
        renamed: dict[str, str] = {}
        for c in conversations:
            owner = self.journal.owner(c.id) if _valid_id(c.id) else "?"
            if owner == key:
                continue  # already here
            session_id = c.id if owner is None else new_session_id()
            renamed[c.id] = session_id
            state = c.state.model_copy(update={"session_id": session_id, "owner": key})
            self.journal.save(state)
            for message in c.messages:
                self.journal.append(session_id, message)
            if c.title:
                store.set_title(key, session_id, c.title)
            report.conversations += 1
        for strength in strengths:
            for e in strength.evidence:
                e.session_id = renamed.get(e.session_id or "", e.session_id)
            store.import_strength(key, strength)
            report.strengths += 1
        for card, session_id, started_on, ticks in cards:
            store.put_card(key, card, renamed.get(session_id, session_id), started_on=started_on)
            report.ticks += store.put_ticks(key, ticks)
            report.experiments += 1
        return report

    # -- hooks for a turn (called by Coach._turn / _finish) ------------------------------------------

    def _remember(self, state: SessionState) -> None:
        """What the turn learnt goes into the owner's notebook."""
        if not self.journal.read_only:
            self.notebook_store.absorb(state, state.owner)

    def _recall(self, state: SessionState, first_message: bool) -> str | None:
        """Before a turn: the state as the person's notebook has it, and the evidence lines the model
        coach sees; on a conversation's first message, the opener for the oldest due card."""
        from .policy import due_opener, evidence_lines

        notebook = self.notebook_store.refresh(state, state.owner)
        state.notebook_lines = evidence_lines(notebook, state.language, self.today())
        return due_opener(notebook, state.language, self.today()) if first_message else None

    def _clock(self) -> datetime:
        """Now, on the person's today (the guided coach's clock: due cards, review dates)."""
        current = now()
        day = self.today()
        return current if day == current.date() else datetime.combine(day, current.timetz())

    def _record(self, state: SessionState) -> Notebook:
        """The person's record as the guided coach's bandit reads it mid-turn: their notebook with this
        session's cards as they stand now (a review just given in chat counts)."""
        from .policy import with_session

        return with_session(self.notebook_store.load(state.owner), state)

    def _check_in(self, state: SessionState, text: str) -> str | None:
        """A daily check said in chat ("did it today"), ticked, and the reply to it; None when it is not one."""
        running = [c for c in state.experiments if c.status == "running"]
        if not running:
            return None
        titles = [c.title for c in running]
        said: SaidTick | None = said_tick(text, titles)
        if said is None:
            return None
        named = mentioned(text, titles)
        if len(running) > 1 and len(named) != 1:
            return tick_reply(state.language, "which", titles=", ".join(f"'{t}'" for t in titles), first=titles[0])
        card = running[named[0] if named else 0]
        day = self.today() - dt.timedelta(days=1 if said.yesterday else 0)
        entry = self.check(card.id, said.value, day, Person.from_key(state.owner))
        p = entry.progress
        smallest = card.smallest_version or tick_reply(state.language, "no_smallest")
        return tick_reply(state.language, said.value, title=card.title, day=day.isoformat(), streak=p.streak,
                          adherence=percent(p.adherence), smallest=smallest)


def _valid_id(session_id: str) -> bool:
    from .journal import SESSION_ID

    return isinstance(session_id, str) and bool(SESSION_ID.match(session_id))
