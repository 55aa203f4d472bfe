"""What every handler of the page shares: who a request acts for, which of their sessions it names,
the language to answer in, and the side panels for that session.

Every handler, documented or not (any Blocks event is callable by fn_index and raw HTTP), asks
`person_of` first and then touches only that person's sessions: `owned` answers someone else's
session id exactly as it answers a nonexistent one (None).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from bot.journal import InvalidSessionId, check_session_id
from bot.people import GUEST_HEADER, Access, Person

from . import views
from .downloads import Downloads
from .i18n import browser_language, page_language

if TYPE_CHECKING:
    from bot import Coach

    from .layout import PageParts

log = logging.getLogger(__name__)
TOAST_SECONDS = 4


def valid_session(session_id) -> str | None:
    try:
        return check_session_id(session_id) if session_id else None
    except InvalidSessionId:
        return None


@dataclass
class PageContext:
    coach: Coach
    access: Access
    downloads: Downloads
    parts: PageParts

    def person_of(self, request: gr.Request | None, token=None) -> Person | None:
        """The one place a request becomes a person: the login, the guest token, or the local person."""
        if token is None and request is not None and self.access.mode == "guests":
            token = request.headers.get(GUEST_HEADER.lower())
        return self.access.person(getattr(request, "username", None), token)

    def guest_token(self, token) -> tuple[Any, Any]:
        """(the token to act with, what to store in the browser): a guest without a valid token gets one."""
        if self.access.mode == "guests" and self.access.person(None, token) is None:
            token = self.access.guests.issue()
            return token, token
        return token, gr.skip()

    def owned(self, session_id, person: Person | None) -> str | None:
        """The session id when it is a valid id of one of `person`'s sessions, else None."""
        session_id = valid_session(session_id)
        if not (session_id and person and self.coach.owns(session_id, person)):
            return None
        return session_id

    def language(self, session_id: str | None, person: Person | None, request) -> str:
        """The conversation's language once it has begun; the browser's before (or when it is not theirs)."""
        try:
            session_id = self.owned(session_id, person)
            if session_id:
                state = self.coach.state(session_id, person)
                return page_language(state.language, self.coach.journal.count(session_id), request)
        except Exception:
            log.warning("could not read the language of session %s", session_id)
        return browser_language(request)

    def words(self, session_id: str | None, person: Person | None, request) -> dict:
        return views.words(self.language(session_id, person, request))

    def toasts(self, session_id: str | None, person: Person | None, request) -> dict:
        """The toasts in the conversation's language (the browser's before it starts)."""
        return self.words(session_id, person, request)["toasts"]

    def panels(self, session_id: str | None, person: Person | None = None, request=None) -> dict:
        """The side panels for one of the person's sessions (None, or not theirs: a conversation not
        started yet), in the conversation's language."""
        p, coach = self.parts, self.coach
        session_id = self.owned(session_id, person)
        state = coach.state(session_id, person) if session_id else None
        count = coach.journal.count(session_id) if session_id else 0
        lang = page_language(state.language if state else None, count, request)
        cards = state.open_experiments() if state else []
        chosen = views.default_experiment(cards)
        card = state.experiment(chosen) if state and chosen else None
        status = card.status if card else None
        return {
            p.profile: views.strengths_html(state.strengths if state else [], lang),
            p.board: views.board_html(state.experiments if state else [], lang),
            p.picker: gr.Dropdown(choices=views.experiment_choices(cards, lang), value=chosen),
            p.start: gr.Button(visible=status == "proposed"),
            p.board_form: gr.Group(visible=bool(cards)),
            p.review_form: gr.Group(visible=status == "running"),
            p.session_info: views.session_summary(state, count, lang) if state else views.words(lang)["session"]["none"],
            p.export: gr.Button(interactive=bool(count)),
        }

    def panel_outputs(self) -> list:
        p = self.parts
        return [p.profile, p.board, p.picker, p.start, p.board_form, p.review_form, p.session_info, p.export]
