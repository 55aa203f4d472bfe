"""The web coach: one Gradio page over bot's `Coach` (chat, sources, strengths, experiment board).

    from ui import build_app
    build_app().launch()          # or: coach serve

Every visitor's session id lives in their browser (gr.BrowserState); the one Coach is shared and
keeps each session's conversation and state in the journal. Nothing here is per-visitor module state.
"""

# No `from __future__ import annotations`: gr.api reads the API functions' type hints at runtime.

import logging
import os
import secrets
import tempfile
from pathlib import Path

import gradio as gr

from bot import Coach, CoachReply, Review
from bot.coach import clean_message, new_session_id
from bot.journal import InvalidSessionId, check_session_id
from bot.language import detect_language
from bot.words import message as notice

from . import views
from .theme import CSS, theme

log = logging.getLogger(__name__)

STORAGE_KEY = "on-policy-coach-session"
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

    def launch(self, *args, **kwargs):
        kwargs.setdefault("theme", theme())
        kwargs.setdefault("css", CSS)
        kwargs.setdefault("footer_links", ["api", "settings"])
        return super().launch(*args, **kwargs)


def _valid_session(session_id) -> str | None:
    try:
        return check_session_id(session_id) if session_id else None
    except InvalidSessionId:
        return None


def _browser_secret(home: Path) -> str | None:
    """A key kept in COACH_HOME, so a browser finds its session again after the server restarts."""
    path = Path(home) / "browser-state.key"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(24))
        return path.read_text().strip() or None
    except OSError:
        return None  # BrowserState then makes up a key for this process


def build_app(coach: Coach | None = None) -> CoachPage:
    """The page as a Gradio Blocks; pass your own Coach (say, with a fake model) or get the default."""
    coach = coach or Coach()

    # Exports are private: written to this page's temp dir, and Gradio's cached copies expire after an hour.
    exports = tempfile.TemporaryDirectory(prefix="coach-export-")
    page_text = views.words()
    board_text = page_text["board"]
    toasts = page_text["toasts"]
    with CoachPage(title=page_text["title"], analytics_enabled=False, delete_cache=(3600, 3600)) as page:
        session = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=_browser_secret(coach.settings.home))
        pending = gr.State("")

        gr.HTML(views.header(coach.mode, coach.description), elem_id="coach-header", js_on_load=None)
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
                            new = gr.Button(page_text["session"]["new"], size="sm", variant="stop", elem_id="coach-new")
                        export_file = gr.File(label=page_text["session"]["file"], visible=False, elem_id="coach-export-file")

        panel_outputs = [profile, board, picker, start, board_form, session_info]

        def can_start(state, experiment_id) -> bool:
            card = state.experiment(experiment_id) if experiment_id else None
            return card is not None and card.status == "proposed"

        def panels(session_id: str) -> dict:
            """The side panels for a session, as component updates."""
            state = coach.state(session_id)
            chosen = views.default_experiment(state.experiments)
            return {
                profile: views.strengths_html(state.strengths),
                board: views.board_html(state.experiments),
                picker: gr.Dropdown(choices=views.experiment_choices(state.experiments), value=chosen),
                start: gr.Button(visible=can_start(state, chosen)),
                board_form: gr.Accordion(visible=bool(state.experiments)),
                session_info: views.session_summary(state, coach.journal.count(session_id)),
            }

        def restore(session_id):
            """On page load: the browser's session (or a new one) with its history and panels."""
            session_id = _valid_session(session_id) or new_session_id()
            try:
                messages = coach.history(session_id)
                cited = coach.passages([i for m in messages for i in m.sources])
                chat = views.chat_history(messages, {p.id: p for p in cited})
                return {session: session_id, chatbot: chat, **panels(session_id)}
            except Exception:
                log.exception("could not restore session %s", session_id)
                gr.Warning(toasts["restore_failed"], duration=TOAST_SECONDS)
                fresh = new_session_id()
                return {session: fresh, chatbot: [], **panels(fresh)}

        def busy():
            # One turn at a time per page: a second send mid-stream would race the first for the chat.
            return gr.Textbox(value="", interactive=False, submit_btn=False, stop_btn=True)

        def take_message(message):
            """Clear the box at once; the text travels on in `pending` (and reaches the journal first thing)."""
            return busy(), message

        def take_example(event: gr.SelectData):
            value = event.value
            return busy(), value.get("text", "") if isinstance(value, dict) else str(value or "")

        def respond(message, chat, session_id):
            """One turn, streamed into the chat; the reply ends with its sources, then the panels refresh."""
            chat = views.plain_history(chat)
            session_id = _valid_session(session_id) or new_session_id()
            text = message if isinstance(message, str) else ""
            if clean_message(text):
                chat = chat + [{"role": "user", "content": text.strip()}]
            yield {chatbot: chat, session: session_id}

            shown, reply = "", None
            base = list(chat)
            stream = coach.stream(text, session_id)
            try:
                for item in stream:
                    if isinstance(item, CoachReply):
                        reply = item
                    elif item:
                        shown += item
                        chat = base + [{"role": "assistant", "content": shown}]
                        yield {chatbot: chat}
            except Exception as exc:  # the person sees a sentence, the log gets the traceback
                log.exception("turn failed in session %s", session_id)
                language = detect_language(text, default="en")
                broken = views.bot_message(notice(language, "internal", kind=type(exc).__name__), error=True)
                content = f"{shown.rstrip()}\n\n{broken}" if shown.strip() else broken  # keep what arrived
                chat = base + [{"role": "assistant", "content": content}]
            else:
                if reply is not None:
                    content = views.bot_message(reply.text, reply.sources, error=bool(reply.error))
                    chat = base + [{"role": "assistant", "content": content}]
            finally:
                stream.close()  # a stopped turn releases its session at once
            try:
                yield {chatbot: chat, **panels(session_id)}
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

        turn_outputs = [chatbot, session, *panel_outputs]
        turns = []
        for trigger, take, inputs in (
            (textbox.submit, take_message, [textbox]),
            (chatbot.example_select, take_example, None),
        ):
            turn = trigger(take, inputs, [textbox, pending], queue=False, api_visibility="undocumented").then(
                respond,
                [pending, chatbot, session],
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
            turns.append(turn)
        textbox.stop(None, None, None, cancels=turns, api_visibility="undocumented")

        def start_experiment(experiment_id, session_id):
            session_id = _valid_session(session_id)
            if not (session_id and experiment_id):
                gr.Warning(toasts["pick_first"], duration=TOAST_SECONDS)
                return gr.skip()
            try:
                coach.set_experiment_status(session_id, experiment_id, "running")
            except KeyError:
                gr.Warning(toasts["experiment_gone"], duration=TOAST_SECONDS)
            except Exception:
                log.exception("could not start experiment %s", experiment_id)
                gr.Warning(toasts["update_failed"], duration=TOAST_SECONDS)
                return gr.skip()
            else:
                gr.Info(toasts["started"], duration=TOAST_SECONDS)
            return panels(session_id)

        def record(experiment_id, outcome_text, reward_value, plus_text, minus_text, next_text, session_id):
            session_id = _valid_session(session_id)
            if not (session_id and experiment_id):
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
                coach.record_review(session_id, experiment_id, review)
            except KeyError:
                gr.Warning(toasts["experiment_gone"], duration=TOAST_SECONDS)
                return panels(session_id)
            except Exception:
                log.exception("could not record review for %s", experiment_id)
                gr.Warning(toasts["save_failed"], duration=TOAST_SECONDS)
                return gr.skip()
            gr.Info(toasts["saved"], duration=TOAST_SECONDS)
            return {**panels(session_id), outcome: "", plus: "", minus: "", next_: "", reward: 0}

        def export_markdown(session_id):
            session_id = _valid_session(session_id)
            if not session_id:
                gr.Warning(toasts["nothing_to_export"], duration=TOAST_SECONDS)
                return gr.File(visible=False)
            try:
                path = Path(exports.name) / f"on-policy-coach-{session_id}.md"
                path.write_text(coach.export(session_id, "md"), encoding="utf-8")
            except Exception:
                log.exception("could not export session %s", session_id)
                gr.Warning(toasts["export_failed"], duration=TOAST_SECONDS)
                return gr.File(visible=False)
            return gr.File(value=str(path), visible=True)

        def new_session():
            fresh = new_session_id()
            return {session: fresh, chatbot: [], export_file: gr.File(value=None, visible=False), **panels(fresh)}

        def picked(experiment_id, session_id):
            session_id = _valid_session(session_id)
            try:
                return gr.Button(visible=bool(session_id) and can_start(coach.state(session_id), experiment_id))
            except Exception:
                log.exception("could not read session %s", session_id)
                return gr.Button(visible=False)

        hidden = {"api_visibility": "undocumented"}
        page.load(restore, [session], [session, chatbot, *panel_outputs], **hidden)
        picker.input(picked, [picker, session], [start], queue=False, **hidden)
        start.click(start_experiment, [picker, session], panel_outputs, **hidden)
        save_review.click(
            record,
            [picker, outcome, reward, plus, minus, next_, session],
            [*panel_outputs, outcome, plus, minus, next_, reward],
            **hidden,
        )
        export.click(export_markdown, [session], [export_file], **hidden)
        new.click(new_session, None, [session, chatbot, export_file, *panel_outputs], **hidden)

        # -- programmatic use (gradio_client) ---------------------------------------------------

        def chat(message: str, session_id: str = "") -> tuple[str, str, list[str]]:
            """One turn; an empty session_id starts a new session. Returns (reply, session_id, passage ids)."""
            try:
                reply = coach.ask(message, session_id.strip() or None)
            except InvalidSessionId as exc:
                raise gr.Error(str(exc)) from None
            return reply.text, reply.session_id, [p.id for p in reply.sources]

        def export_session(session_id: str) -> str:
            """The session (conversation, strengths, experiments) as Markdown."""
            try:
                return coach.export(check_session_id(session_id), "md")
            except InvalidSessionId as exc:
                raise gr.Error(str(exc)) from None

        gr.api(chat, api_name="chat")
        gr.api(export_session, api_name="export")

    page.queue(default_concurrency_limit=CONCURRENCY)
    return page
