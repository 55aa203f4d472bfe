"""The web coach: one Gradio page over bot's `Coach` (chat, sources, strengths, experiment board).

    from ui import build_app
    build_app().launch()          # or: coach serve

Every visitor's session id lives in their browser (gr.BrowserState); the one Coach is shared and
keeps each session's conversation and state in the journal. Nothing here is per-visitor module state.

Every request acts for one person (bot/people.py), found by `person_of` from the request alone: the
local person, the login, or the guest whose server-issued token the browser sends. Every handler,
documented or not (any Blocks event is callable by fn_index and raw HTTP), asks it first and then
touches only that person's sessions; another person's session id is answered as a nonexistent one.
"""

# No `from __future__ import annotations`: gr.api reads the API functions' type hints at runtime.

import logging
import os
import shutil
import tempfile
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from bot import Coach, CoachReply, Review
from bot.coach import clean_message, new_session_id
from bot.journal import InvalidSessionId, check_session_id
from bot.language import detect_language
from bot.people import GUEST_HEADER, Access, Owned, Person
from bot.words import message as notice
from knowledge.private import private_dir

from . import notebook_tab, views
from .door import Door
from .downloads import DownloadRoute, Downloads
from .theme import CSS, theme

log = logging.getLogger(__name__)

STORAGE_KEY = "on-policy-coach-session"
GUEST_KEY = "on-policy-coach-guest"
# BrowserState's key travels to every browser in /config, so it cannot be a secret: what the browser
# keeps is its own (its session id, its guest token), and the server checks the token, not the key.
BROWSER_STATE_KEY = "on-policy-coach"
# Turns wait mostly on the model, so many can stream at once (more than 20 visitors before any
# queues); the Coach serialises turns within a session.
CONCURRENCY = 32
TOAST_SECONDS = 4
# While it has no events, Gradio's queue looks for one every 1 ms (Queue.sleep_when_free): 1,000
# wake-ups a second of the server's event loop, each taking the GIL from any turn in progress. Idle,
# `coach serve` spent 34-37 ms of CPU a second on it; polling every 5 ms, 8-14 ms. An event then
# starts at most 5 ms later, beside a model's hundreds.
QUEUE_POLL_SECONDS = 0.005
FOCUS_INPUT = "() => { document.querySelector('#coach-input textarea')?.focus(); }"


class CoachPage(gr.Blocks):
    """The coach's Blocks. Gradio 6 takes theme and CSS in launch(), so launch() brings them."""

    def queue(self, *args, **kwargs):
        page = super().queue(*args, **kwargs)
        queue = getattr(self, "_queue", None)
        if hasattr(queue, "sleep_when_free"):  # a Gradio without it polls as it likes
            queue.sleep_when_free = QUEUE_POLL_SECONDS
        return page

    access: Access = Access()
    downloads: Downloads | None = None
    max_request_bytes: int = 1_000_000

    def launch(self, *args, **kwargs):
        kwargs.setdefault("theme", theme())
        kwargs.setdefault("css", CSS + notebook_tab.nv.CSS)
        kwargs.setdefault("footer_links", ["api", "settings"])
        if self.access.mode == "accounts" and self.access.accounts is not None:
            kwargs.setdefault("auth", self.access.accounts.check)
        # Limits at the door, and exports served once to their owner (never through Gradio's file cache).
        app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
        app_kwargs.setdefault("middleware", []).extend(
            [Middleware(DownloadRoute, downloads=self.downloads), Middleware(Door, max_body=self.max_request_bytes)]
        )
        kwargs["app_kwargs"] = app_kwargs
        kwargs.setdefault("max_file_size", 1)  # the page takes no files (the door refuses uploads too)
        return super().launch(*args, **kwargs)

    def close(self, *args, **kwargs):
        if self.downloads is not None:
            self.downloads.clear()
        return super().close(*args, **kwargs)


def _valid_session(session_id) -> str | None:
    try:
        return check_session_id(session_id) if session_id else None
    except InvalidSessionId:
        return None


_OUR_TEMP = [""]  # the GRADIO_TEMP_DIR this module set, if any


def _private_temp(home: Path) -> None:
    """Gradio's temp folder under COACH_HOME (0700), emptied now; and old exports of earlier versions
    (their `coach-export-*` folders in the system temp folder) removed."""
    if os.environ.get("GRADIO_TEMP_DIR", "") in ("", _OUR_TEMP[0]):  # one the person set stays theirs
        folder = Path(home) / "gradio-tmp"
        try:
            shutil.rmtree(folder, ignore_errors=True)
            os.environ["GRADIO_TEMP_DIR"] = _OUR_TEMP[0] = str(private_dir(folder))
        except OSError:
            log.warning("could not make a private temp folder in %s", home)
    for stale in Path(tempfile.gettempdir()).glob("coach-export-*"):
        try:
            if stale.is_dir() and stale.stat().st_uid == os.getuid():
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass


def build_app(coach: Coach | None = None, access: Access | None = None) -> CoachPage:
    """The page as a Gradio Blocks; pass your own Coach (say, with a fake model) or get the default.
    `access` says who a request acts for (default: local, everyone is the machine's owner)."""
    coach = coach or Coach()
    access = access or Access()
    _private_temp(coach.settings.home)
    downloads = Downloads()

    def person_of(request: gr.Request | None, token=None) -> Person | None:
        """The one place a request becomes a person: the login, the guest token, or the local person."""
        if token is None and request is not None and access.mode == "guests":
            token = request.headers.get(GUEST_HEADER.lower())
        return access.person(getattr(request, "username", None), token)

    page_text = views.words()
    board_text = page_text["board"]
    toasts = page_text["toasts"]
    with CoachPage(title=page_text["title"], analytics_enabled=False, delete_cache=(3600, 3600)) as page:
        page.access, page.downloads = access, downloads
        page.max_request_bytes = coach.settings.max_request_bytes
        session = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=BROWSER_STATE_KEY)
        guest = gr.BrowserState(None, storage_key=GUEST_KEY, secret=BROWSER_STATE_KEY)
        pending = gr.State("")

        gr.HTML(views.header(coach.mode, coach.badge), elem_id="coach-header", js_on_load=None)
        if coach.mode == "guided":
            gr.Markdown(page_text["guided_notice"], elem_id="coach-notice")

        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="coach-chat",
                    show_label=False,
                    height="64vh",
                    min_height=420,
                    placeholder=page_text["chat_placeholder"],
                    examples=[{"text": e} for e in page_text["examples"]],
                    buttons=["copy"],
                    feedback_options=None,
                    layout="bubble",
                )
                textbox = gr.Textbox(
                    elem_id="coach-input",
                    show_label=False,
                    placeholder=page_text["input_placeholder"],
                    lines=1,
                    max_lines=8,
                    submit_btn=True,
                    stop_btn=False,
                    autofocus=True,
                )
            with gr.Column(scale=2, min_width=340):
                with gr.Tabs():
                    with gr.Tab(page_text["tabs"]["experiments"], id="experiments"):
                        board = gr.HTML(views.board_html([]), elem_id="coach-board", js_on_load=None)
                        with gr.Accordion(board_text["form"], open=True, visible=False) as board_form:
                            picker = gr.Dropdown(label=board_text["picker"], choices=[], elem_id="coach-picker")
                            start = gr.Button(board_text["start"], size="sm", elem_id="coach-start")
                            outcome = gr.Textbox(
                                label=board_text["outcome"], lines=2, elem_id="coach-outcome",
                                placeholder=board_text["outcome_placeholder"],
                            )
                            reward = gr.Radio(
                                views.REWARD_CHOICES, value=0, label=board_text["reward"],
                                elem_id="coach-reward",
                            )
                            with gr.Row():
                                plus = gr.Textbox(label=board_text["plus"], lines=1, min_width=100, elem_id="coach-plus")
                                minus = gr.Textbox(label=board_text["minus"], lines=1, min_width=100, elem_id="coach-minus")
                                next_ = gr.Textbox(label=board_text["next"], lines=1, min_width=100, elem_id="coach-next")
                            save_review = gr.Button(board_text["save"], variant="primary", elem_id="coach-save-review")
                    with gr.Tab(page_text["tabs"]["strengths"], id="strengths"):
                        profile = gr.HTML(views.strengths_html([]), elem_id="coach-strengths", js_on_load=None)
                    with gr.Tab(page_text["tabs"]["session"], id="session"):
                        session_info = gr.Markdown(elem_id="coach-session-info")
                        with gr.Row():
                            export = gr.Button(page_text["session"]["export"], size="sm", elem_id="coach-export")
                            new = gr.Button(page_text["session"]["new"], size="sm", elem_id="coach-new")
                        export_file = gr.HTML("", visible=False, elem_id="coach-export-file", js_on_load=None)
                        with gr.Row():
                            forget = gr.Button(page_text["forget"]["one"], size="sm", variant="stop", elem_id="coach-forget")
                            forget_all = gr.Button(page_text["forget"]["all"], size="sm", variant="stop", elem_id="coach-forget-all")
                        with gr.Group(visible=False, elem_id="coach-forget-confirm") as confirm:
                            confirm_text = gr.Markdown(elem_id="coach-forget-question")
                            with gr.Row():
                                confirm_yes = gr.Button(page_text["forget"]["yes"], size="sm", variant="stop", elem_id="coach-forget-yes")
                                confirm_no = gr.Button(page_text["forget"]["no"], size="sm", elem_id="coach-forget-no")
                            what = gr.State("")
                # The person's, across conversations: notebook, check-ins, conversations (ui/notebook_tab.py).
                person_tabs = notebook_tab.person_tabs(coach, person_of, session, guest, chatbot, downloads)

        panel_outputs = [profile, board, picker, start, board_form, session_info]

        def can_start(state, experiment_id) -> bool:
            card = state.experiment(experiment_id) if experiment_id else None
            return card is not None and card.status == "proposed"

        def panels(session_id: str | None, person: Person | None = None) -> dict:
            """The side panels for one of the person's sessions (None: a conversation not started yet)."""
            from bot.models import SessionState

            owned = session_id and person and coach.owns(session_id, person)
            state = coach.state(session_id, person) if owned else None
            chosen = views.default_experiment(state.experiments) if state else None
            return {
                profile: views.strengths_html(state.strengths if state else []),
                board: views.board_html(state.experiments if state else []),
                picker: gr.Dropdown(choices=views.experiment_choices(state.experiments) if state else [], value=chosen),
                start: gr.Button(visible=bool(state) and can_start(state, chosen)),
                board_form: gr.Accordion(visible=bool(state and state.experiments)),
                session_info: views.session_summary(state, coach.journal.count(session_id))
                if state else views.session_summary(SessionState(session_id="-"), 0, started=False),
            }

        def restore(session_id, token, request: gr.Request):
            """On page load: the browser's session with its history and panels. A guest without a
            valid token gets one. If loading fails, the browser keeps its session id (a later load
            can bring it back) and is told what failed."""
            fresh_token = None
            if access.mode == "guests" and access.person(None, token) is None:
                token = fresh_token = access.guests.issue()
            person = person_of(request, token)
            session_id = _valid_session(session_id)
            try:
                if not (session_id and person and coach.owns(session_id, person)):
                    return {session: None, guest: fresh_token or gr.skip(), chatbot: [], **panels(None)}
                messages = coach.history(session_id, person)
                cited = coach.passages([i for m in messages for i in m.sources])
                chat = views.chat_history(messages, {p.id: p for p in cited}, coach.state(session_id, person).language)
                return {session: session_id, guest: fresh_token or gr.skip(), chatbot: chat, **panels(session_id, person)}
            except Exception as exc:
                log.error("could not restore session %s: %s", session_id, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                gr.Warning(toasts["restore_failed"].format(reason=_reason(exc)), duration=None)
                return {session: gr.skip(), guest: fresh_token or gr.skip(), chatbot: [], **panels(None)}

        def busy():
            # One turn at a time per page: a second send mid-stream would race the first for the chat.
            return gr.Textbox(value="", interactive=False, submit_btn=False, stop_btn=True)

        def take_message(message):
            """Clear the box at once; the text travels on in `pending` (and reaches the journal first thing)."""
            return busy(), message

        def take_example(event: gr.SelectData):
            value = event.value
            return busy(), value.get("text", "") if isinstance(value, dict) else str(value or "")

        def take_option(event: gr.SelectData):
            """A clicked quick reply (the reply's `options`) is sent as the person's message."""
            return busy(), str(event.value or "")

        def respond(message, chat, session_id, token, request: gr.Request):
            """One turn, streamed into the chat; the reply ends with its sources, then the panels refresh."""
            issued = gr.skip()
            if access.mode == "guests" and access.person(None, token) is None:
                # Sent before the page's load gave this browser its token: it gets one now.
                token = issued = access.guests.issue()
            person = person_of(request, token)
            chat = views.plain_history(chat)
            text = message if isinstance(message, str) else ""
            if person is None:
                yield {chatbot: chat + [{"role": "assistant", "content": views.bot_message(toasts["who"], error=True)}]}
                return
            session_id = _valid_session(session_id)
            if not (session_id and coach.owns(session_id, person)):
                # None, not theirs, or forgotten: a new conversation (never someone else's), its id
                # issued here and kept by the browser at once, so a stopped first turn keeps it too.
                session_id = Owned(new_session_id(), person)
            if clean_message(text):
                chat = chat + [{"role": "user", "content": views.safe_markdown(text.strip())}]
            yield {chatbot: chat, guest: issued, session: str(session_id)}

            shown, reply = "", None
            base = list(chat)
            stream = coach.stream(text, session_id, person)
            try:
                for item in stream:
                    if isinstance(item, CoachReply):
                        reply = item
                    elif item:
                        shown += item
                        chat = base + [{"role": "assistant", "content": views.safe_markdown(shown)}]
                        yield {chatbot: chat}
            except Exception as exc:  # the person sees a sentence, the log gets the traceback
                log.exception("turn failed in session %s", session_id)
                language = detect_language(text, default="en")
                broken = views.bot_message(notice(language, "internal", kind=type(exc).__name__), error=True)
                content = f"{shown.rstrip()}\n\n{broken}" if shown.strip() else broken  # keep what arrived
                chat = base + [{"role": "assistant", "content": content}]
            else:
                if reply is not None:
                    content = views.bot_message(reply.text, reply.sources, error=bool(reply.error), language=reply.language)
                    chat = base + [{"role": "assistant", "content": content}]
                    if reply.options:  # quick replies: a click sends the option (option_select below)
                        chat[-1]["options"] = [{"label": o, "value": o} for o in reply.options]
            finally:
                stream.close()  # a stopped turn releases its session at once
            try:
                yield {chatbot: chat, **panels(session_id, person)}
            except Exception:
                log.exception("could not refresh panels for session %s", session_id)
                yield {chatbot: chat}

        def notes_landed(session_id):
            session_id = _valid_session(session_id)
            if not session_id:
                return gr.skip()
            # Refreshed even when nothing is pending: the notes may have landed just after `respond` read the state.
            coach.wait_for_notes(session_id, timeout=2 * coach.settings.notes_timeout + 5)
            try:
                return panels(session_id)
            except Exception:
                log.exception("could not refresh panels for session %s", session_id)
                return gr.skip()

        def ready():
            return gr.Textbox(interactive=True, submit_btn=True, stop_btn=False)

        turn_outputs = [chatbot, session, guest, *panel_outputs]
        turns = []
        for trigger, take, inputs in (
            (textbox.submit, take_message, [textbox]),
            (chatbot.example_select, take_example, None),
            (chatbot.option_select, take_option, None),
        ):
            turn = trigger(take, inputs, [textbox, pending], queue=False, api_visibility="undocumented").then(
                respond,
                [pending, chatbot, session, guest],
                turn_outputs,
                show_progress="minimal",
                show_progress_on=[chatbot],
                api_visibility="undocumented",
            )
            turn.then(ready, None, textbox, queue=False, api_visibility="undocumented").then(
                None, None, None, js=FOCUS_INPUT, api_visibility="undocumented"
            )
            # The reply is final at its last token; the side panels follow when the turn's notes land.
            turn.then(notes_landed, [session], panel_outputs, show_progress="hidden", api_visibility="undocumented")
            turn.then(person_tabs.refresh, [guest], person_tabs.outputs, api_visibility="undocumented")
            turns.append(turn)
        textbox.stop(None, None, None, cancels=turns, api_visibility="undocumented")

        def start_experiment(experiment_id, session_id, token, request: gr.Request):
            person = person_of(request, token)
            session_id = _valid_session(session_id)
            if not (session_id and experiment_id and person):
                gr.Warning(toasts["pick_first"], duration=TOAST_SECONDS)
                return gr.skip()
            try:
                coach.set_experiment_status(session_id, experiment_id, "running", person=person)
            except KeyError:
                gr.Warning(toasts["experiment_gone"], duration=TOAST_SECONDS)
            except Exception:
                log.exception("could not start experiment %s", experiment_id)
                gr.Warning(toasts["update_failed"], duration=TOAST_SECONDS)
                return gr.skip()
            else:
                gr.Info(toasts["started"], duration=TOAST_SECONDS)
            return panels(session_id, person)

        def record(experiment_id, outcome_text, reward_value, plus_text, minus_text, next_text, session_id, token,
                   request: gr.Request):
            person = person_of(request, token)
            session_id = _valid_session(session_id)
            if not (session_id and experiment_id and person):
                gr.Warning(toasts["pick_first"], duration=TOAST_SECONDS)
                return gr.skip()
            if not (outcome_text or "").strip():
                gr.Warning(toasts["outcome_missing"], duration=TOAST_SECONDS)
                return gr.skip()
            try:
                review = Review(
                    outcome=clean_message(outcome_text),
                    reward=int(reward_value if reward_value is not None else 0),
                    plus=clean_message(plus_text or ""),
                    minus=clean_message(minus_text or ""),
                    next=clean_message(next_text or ""),
                )
                coach.record_review(session_id, experiment_id, review, person=person)
            except KeyError:
                gr.Warning(toasts["experiment_gone"], duration=TOAST_SECONDS)
                return panels(session_id, person)
            except Exception:
                log.exception("could not record review for %s", experiment_id)
                gr.Warning(toasts["save_failed"], duration=TOAST_SECONDS)
                return gr.skip()
            gr.Info(toasts["saved"], duration=TOAST_SECONDS)
            return {**panels(session_id, person), outcome: "", plus: "", minus: "", next_: "", reward: 0}

        def export_markdown(session_id, token, request: gr.Request):
            person = person_of(request, token)
            session_id = _valid_session(session_id)
            if not (person and session_id and coach.owns(session_id, person)):
                gr.Warning(toasts["nothing_to_export"], duration=TOAST_SECONDS)
                return gr.HTML("", visible=False)
            try:
                data = coach.export(session_id, "md", person).encode("utf-8")
            except Exception as exc:
                log.error("could not export session %s: %s", session_id, type(exc).__name__)
                gr.Warning(toasts["export_failed"], duration=TOAST_SECONDS)
                return gr.HTML("", visible=False)
            link = downloads.put(person.key, f"on-policy-coach-{session_id}.md", data)
            return gr.HTML(views.download_link(link, page_text["session"]["file"]), visible=True)

        def new_session():
            return {session: None, chatbot: [], export_file: gr.HTML("", visible=False), **panels(None)}

        def picked(experiment_id, session_id, token, request: gr.Request):
            person = person_of(request, token)
            session_id = _valid_session(session_id)
            try:
                owned = bool(session_id and person and coach.owns(session_id, person))
                return gr.Button(visible=owned and can_start(coach.state(session_id, person), experiment_id))
            except Exception:
                log.exception("could not read session %s", session_id)
                return gr.Button(visible=False)

        def ask_forget(kind: str):
            def ask(session_id):
                if kind == "one" and not _valid_session(session_id):
                    gr.Warning(toasts["nothing_to_forget"], duration=TOAST_SECONDS)
                    return gr.skip()
                return {confirm: gr.Group(visible=True), confirm_text: page_text["forget"][f"ask_{kind}"], what: kind}

            return ask

        def do_forget(kind, session_id, token, request: gr.Request):
            person = person_of(request, token)
            hide = {confirm: gr.Group(visible=False), what: ""}
            if person is None or kind not in ("one", "all"):
                return hide
            try:
                if kind == "all":
                    count = coach.forget_everything(person)
                else:
                    session_id = _valid_session(session_id)
                    count = int(bool(session_id) and coach.forget(session_id, person))
            except Exception as exc:
                log.error("could not forget for %s: %s", person.kind, type(exc).__name__)
                gr.Warning(toasts["forget_failed"], duration=TOAST_SECONDS)
                return hide
            downloads.drop(person.key)
            gr.Info(toasts["forgotten"].format(count=count), duration=TOAST_SECONDS)
            return {**hide, session: None, chatbot: [], export_file: gr.HTML("", visible=False), **panels(None)}

        hidden = {"api_visibility": "undocumented"}
        page.load(restore, [session, guest], [session, guest, chatbot, *panel_outputs], **hidden).then(
            person_tabs.refresh, [guest], person_tabs.outputs, **hidden
        )
        person_tabs.reopened.then(restore, [session, guest], [session, guest, chatbot, *panel_outputs], **hidden)
        picker.input(picked, [picker, session, guest], [start], queue=False, **hidden)
        start.click(start_experiment, [picker, session, guest], panel_outputs, **hidden)
        save_review.click(
            record,
            [picker, outcome, reward, plus, minus, next_, session, guest],
            [*panel_outputs, outcome, plus, minus, next_, reward],
            **hidden,
        )
        export.click(export_markdown, [session, guest], [export_file], **hidden)
        new.click(new_session, None, [session, chatbot, export_file, *panel_outputs], **hidden)
        forget.click(ask_forget("one"), [session], [confirm, confirm_text, what], queue=False, **hidden)
        forget_all.click(ask_forget("all"), [session], [confirm, confirm_text, what], queue=False, **hidden)
        confirm_no.click(lambda: {confirm: gr.Group(visible=False), what: ""}, None, [confirm, what], queue=False, **hidden)
        confirm_yes.click(
            do_forget, [what, session, guest], [confirm, what, session, chatbot, export_file, *panel_outputs], **hidden
        )

        # -- programmatic use (gradio_client) ---------------------------------------------------
        # In guests mode a caller presents its token in the X-Coach-Guest header (from /guest).

        def caller(request: gr.Request) -> Person:
            person = person_of(request)
            if person is None:
                raise _refused(toasts["who"])
            return person

        def session_arg(session_id, person: Person, *, new_ok: bool) -> str | None:
            if not isinstance(session_id, str):
                raise _refused(f"session_id must be a string, not {type(session_id).__name__}.")
            if not session_id.strip() and new_ok:
                return None
            try:
                return check_session_id(session_id.strip())
            except InvalidSessionId as exc:
                raise _refused(str(exc)) from None

        def chat(message: str, session_id: str = "", request: gr.Request = None) -> tuple[str, str, list[str]]:
            """One turn; an empty session_id starts a new session. Returns (reply, session_id, passage ids)."""
            person = caller(request)
            wanted = session_arg(session_id, person, new_ok=True)
            if wanted is not None and not coach.owns(wanted, person):
                raise _refused(_unknown(wanted))  # ids are issued by the server: none is made up here
            reply = coach.ask(message, wanted, person)
            return reply.text, reply.session_id, [p.id for p in reply.sources]

        def export_session(session_id: str, request: gr.Request = None) -> str:
            """The session (conversation, strengths, experiments) as Markdown."""
            person = caller(request)
            wanted = session_arg(session_id, person, new_ok=False)
            if not coach.owns(wanted, person):
                raise _refused(_unknown(wanted))
            return coach.export(wanted, "md", person)

        def forget_session(session_id: str = "", everything: bool = False, request: gr.Request = None) -> int:
            """Forget one session (or, with everything=True, all of yours). Returns how many were forgotten."""
            person = caller(request)
            if everything:
                count = coach.forget_everything(person)
            else:
                wanted = session_arg(session_id, person, new_ok=False)
                if not coach.forget(wanted, person):
                    raise _refused(_unknown(wanted))
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

    page.queue(default_concurrency_limit=CONCURRENCY)
    return page


def _refused(message: str) -> gr.Error:
    """A clear error for the caller and one log line for the owner, not a traceback."""
    log.info("refused a request: %s", message[:160])
    return gr.Error(message, print_exception=False)


def _unknown(session_id: str) -> str:
    return f"No session {session_id[:80]!r} here. Send an empty session_id to start one."


def _reason(exc: Exception) -> str:
    """What failed, in a few words fit for a toast (the log has the rest)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
