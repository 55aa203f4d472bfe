"""The page's documented API (gradio_client): chat, export, forget, and in guests mode a guest token.

In guests mode a caller presents its token in the X-Coach-Guest header (from /guest). Every call acts
for the caller only; another person's session id is answered as a nonexistent one. Must run inside
the page's Blocks.
"""

# No `from __future__ import annotations`: gr.api reads the API functions' type hints at runtime.

import logging

import gradio as gr

from bot.journal import InvalidSessionId, check_session_id
from bot.people import Person

from . import views
from .context import PageContext

log = logging.getLogger(__name__)


def add(ctx: PageContext) -> None:
    coach, access, downloads = ctx.coach, ctx.access, ctx.downloads
    toasts = views.words("en")["toasts"]

    def caller(request: gr.Request) -> Person:
        person = ctx.person_of(request)
        if person is None:
            raise refused(toasts["who"])
        return person

    def session_arg(session_id, *, new_ok: bool) -> str | None:
        if not isinstance(session_id, str):
            raise refused(f"session_id must be a string, not {type(session_id).__name__}.")
        if not session_id.strip() and new_ok:
            return None
        try:
            return check_session_id(session_id.strip())
        except InvalidSessionId as exc:
            raise refused(str(exc)) from None

    def chat(message: str, session_id: str = "", request: gr.Request = None) -> tuple[str, str, list[str]]:
        """One turn; an empty session_id starts a new session. Returns (reply, session_id, passage ids)."""
        person = caller(request)
        wanted = session_arg(session_id, new_ok=True)
        if wanted is not None and not coach.owns(wanted, person):
            raise refused(unknown(wanted))  # ids are issued by the server: none is made up here
        reply = coach.ask(message, wanted, person)
        return reply.text, reply.session_id, [p.id for p in reply.sources]

    def export_session(session_id: str, request: gr.Request = None) -> str:
        """The session (conversation, strengths, experiments, likes) as Markdown."""
        person = caller(request)
        wanted = session_arg(session_id, new_ok=False)
        if not coach.owns(wanted, person):
            raise refused(unknown(wanted))
        return coach.export(wanted, "md", person)

    def forget_session(session_id: str = "", everything: bool = False, request: gr.Request = None) -> int:
        """Forget one session (or, with everything=True, all of yours). Returns how many were forgotten."""
        person = caller(request)
        if everything:
            count = coach.forget_everything(person)
        else:
            wanted = session_arg(session_id, new_ok=False)
            if not coach.forget(wanted, person):
                raise refused(unknown(wanted))
            count = 1
        downloads.drop(person.key)
        return count

    gr.api(chat, api_name="chat")
    gr.api(export_session, api_name="export")
    gr.api(forget_session, api_name="forget")
    if access.mode == "guests":

        def new_guest() -> str:
            """A guest token: send it as the X-Coach-Guest header on every call."""
            return access.guests.issue()

        gr.api(new_guest, api_name="guest")


def refused(message: str) -> gr.Error:
    """A clear error for the caller and one log line for the owner, not a traceback."""
    log.info("refused a request: %s", message[:160])
    return gr.Error(message, print_exception=False)


def unknown(session_id: str) -> str:
    return f"No session {session_id[:80]!r} here. Send an empty session_id to start one."
