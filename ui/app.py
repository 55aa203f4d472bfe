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
from bot.safety import is_crisis
from bot.words import message as notice

from . import layout, views
from .controls import HIDDEN, ChatParts
from .controls import wire as wire_chat_controls
from .i18n import browser_language, page_language, translations
from .theme import CSS, JS, theme

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
        kwargs.setdefault("js", JS)
        kwargs.setdefault("i18n", getattr(self, "words", None))
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
    t = translations()  # the page's fixed words, shown in the browser's language
    with CoachPage(title=views.words()["title"], analytics_enabled=False, delete_cache=(3600, 3600)) as page:
        page.words = t
        parts = layout.build(coach, t, STORAGE_KEY, _browser_secret(coach.settings.home))
        session, pending, feedback_id = parts.session, parts.pending, parts.feedback_id
        chatbot, textbox, input_reason, new = parts.chatbot, parts.textbox, parts.input_reason, parts.new
        feedback_row, feedback_text, feedback_send = parts.feedback_row, parts.feedback_text, parts.feedback_send
        board, board_form, review_form, picker, start = parts.board, parts.board_form, parts.review_form, parts.picker, parts.start
        outcome, reward, plus, minus, next_, save_review = parts.outcome, parts.reward, parts.plus, parts.minus, parts.next_, parts.save_review
        profile, session_info, export = parts.profile, parts.session_info, parts.export

        panel_outputs = [profile, board, picker, start, board_form, review_form, session_info, export]

        def card_status(state, experiment_id) -> str | None:
            card = state.experiment(experiment_id) if experiment_id else None
            return card.status if card else None

        def export_path(session_id: str, messages: int) -> str | None:
            """The session's Markdown, written now so that one click downloads it."""
            if not messages:
                return None
            try:
                folder = Path(exports.name)
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # a /tmp sweeper may have taken it
                path = folder / f"on-policy-coach-{session_id}.md"
                path.write_text(coach.export(session_id, "md"), encoding="utf-8")
                return str(path)
            except Exception:
                log.exception("could not export session %s", session_id)
                return None

        def panels(session_id: str, request=None) -> dict:
            """The side panels for a session, as component updates, in the conversation's language."""
            state = coach.state(session_id)
            count = coach.journal.count(session_id)
            lang = page_language(state.language, count, request)
            open_cards = state.open_experiments()
            chosen = views.default_experiment(open_cards)
            status = card_status(state, chosen)
            path = export_path(session_id, count)
            return {
                profile: views.strengths_html(state.strengths, lang),
                board: views.board_html(state.experiments, lang),
                picker: gr.Dropdown(choices=views.experiment_choices(open_cards, lang), value=chosen),
                start: gr.Button(visible=status == "proposed"),
                board_form: gr.Group(visible=bool(open_cards)),
                review_form: gr.Group(visible=status == "running"),
                session_info: views.session_summary(state, count, lang),
                export: gr.DownloadButton(value=path, interactive=bool(path)),
            }

        def toast(session_id, request) -> dict:
            """The toasts in the conversation's language (the browser's before it starts)."""
            try:
                state = coach.state(session_id)
                return views.words(page_language(state.language, coach.journal.count(session_id), request))["toasts"]
            except Exception:
                return views.words(browser_language(request))["toasts"]

        def restore(session_id, request: gr.Request):
            """On page load: the browser's session (or a new one) with its history and panels."""
            session_id = _valid_session(session_id) or new_session_id()
            try:
                messages = coach.history(session_id)
                cited = coach.passages([i for m in messages for i in m.sources])
                lang = page_language(coach.state(session_id).language, len(messages), request)
                chat = views.chat_history(messages, {p.id: p for p in cited}, lang)
                return {session: session_id, chatbot: chat, **panels(session_id, request)}
            except Exception:
                log.exception("could not restore session %s", session_id)
                gr.Warning(views.words(browser_language(request))["toasts"]["restore_failed"], duration=TOAST_SECONDS)
                fresh = new_session_id()
                return {session: fresh, chatbot: [], **panels(fresh, request)}

        def busy():
            # One turn at a time per page: a second send mid-stream would race the first for the chat.
            return gr.Textbox(value="", interactive=False, submit_btn=False, stop_btn=True)

        def rejection(message, request) -> str | None:
            """Why a message cannot be sent (empty, too long), in its language; None when it can."""
            text = clean_message(message or "") if isinstance(message, str) else ""
            lang = detect_language(text, default=browser_language(request))
            limit = coach.settings.max_message_chars
            if not text:
                return views.words(lang)["input"]["empty"]
            if len(text) > limit and not is_crisis(text):  # a crisis is answered however long
                return views.words(lang)["input"]["too_long"].format(length=len(text), limit=limit)
            return None

        def take_message(message, request: gr.Request):
            """Clear the box at once; the text travels on in `pending` (and reaches the journal first thing).
            A message that cannot be sent stays in the box, with the reason beside it."""
            reason = rejection(message, request)
            if reason:
                return gr.skip(), None, gr.Markdown(f"⚠️ {reason}", visible=True)
            return busy(), message, gr.Markdown("", visible=False)

        def take_example(event: gr.SelectData):
            value = event.value
            return busy(), value.get("text", "") if isinstance(value, dict) else str(value or "")

        def respond(message, chat, session_id, request: gr.Request):
            """One turn, streamed into the chat; the reply ends with its sources, then the panels refresh."""
            if message is None:  # a retry or edit that found nothing to send
                return
            chat = views.plain_history(chat)
            session_id = _valid_session(session_id) or new_session_id()
            text = message if isinstance(message, str) else ""
            lang = detect_language(text, default=browser_language(request))
            if clean_message(text):
                chat = chat + [{"role": "user", "content": text.strip()}]
            base = list(chat)
            yield {chatbot: base + [views.assistant(views.thinking(lang))], session: session_id}
            if coach.mode == "guided" and not coach.journal.count(session_id):
                coach.offline_notice_shown(session_id)  # the page's banner has said it

            shown, reply = "", None
            stream = coach.stream(text, session_id)
            try:
                for item in stream:
                    if isinstance(item, CoachReply):
                        reply = item
                    elif item:
                        shown += item
                        chat = base + [views.assistant(views.cite_markers(shown, [], lang))]
                        yield {chatbot: chat}
            except Exception as exc:  # the person sees a sentence, the log gets the traceback
                log.exception("turn failed in session %s", session_id)
                broken = views.bot_message(notice(lang, "internal", kind=type(exc).__name__), error=True)
                kept = [views.assistant(shown.rstrip())] if shown.strip() else []  # keep what arrived
                chat = base + kept + [views.assistant(broken)]  # the notice is its own bubble
            else:
                if reply is not None:
                    lang = reply.language
                    content = views.bot_message(reply.text, reply.sources, error=bool(reply.error), lang=lang)
                    chat = base + [views.assistant(content, reply.message_id)]
            finally:
                stream.close()  # a stopped turn releases its session at once
            try:
                yield {chatbot: chat, **panels(session_id, request)}
            except Exception:
                log.exception("could not refresh panels for session %s", session_id)
                yield {chatbot: chat}

        def ready():
            return gr.Textbox(interactive=True, submit_btn=True, stop_btn=False)

        turn_outputs = [chatbot, session, *panel_outputs]
        controls = ChatParts(
            chatbot=chatbot, textbox=textbox, pending=pending, session=session, feedback_row=feedback_row,
            feedback_text=feedback_text, feedback_send=feedback_send, feedback_id=feedback_id,
            valid_session=_valid_session, busy=busy,
        )
        turns = []
        starts = [
            textbox.submit(take_message, [textbox], [textbox, pending, input_reason], queue=False, **HIDDEN),
            chatbot.example_select(take_example, None, [textbox, pending], queue=False, **HIDDEN),
            *wire_chat_controls(coach, controls),
        ]
        for started in starts:
            turn = started.success(
                respond,
                [pending, chatbot, session],
                turn_outputs,
                show_progress="minimal",
                show_progress_on=[chatbot],
                **HIDDEN,
            )
            turn.then(ready, None, textbox, queue=False, **HIDDEN).then(None, None, None, js=FOCUS_INPUT, **HIDDEN)
            turns.append(turn)
        textbox.stop(None, None, None, cancels=turns, **HIDDEN)

        def start_experiment(experiment_id, session_id, request: gr.Request):
            session_id = _valid_session(session_id)
            toasts = toast(session_id, request)
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
            return panels(session_id, request)

        def record(experiment_id, outcome_text, reward_value, plus_text, minus_text, next_text, session_id, request: gr.Request):
            session_id = _valid_session(session_id)
            toasts = toast(session_id, request)
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
                return panels(session_id, request)
            except Exception:
                log.exception("could not record review for %s", experiment_id)
                gr.Warning(toasts["save_failed"], duration=TOAST_SECONDS)
                return gr.skip()
            gr.Info(toasts["saved"], duration=TOAST_SECONDS)
            return {**panels(session_id, request), outcome: "", plus: "", minus: "", next_: "", reward: 0}

        def new_session(session_id, request: gr.Request):
            """A new conversation; the previous one stays in the journal."""
            if _valid_session(session_id) and coach.journal.count(session_id):
                gr.Info(toast(session_id, request)["new_started"], duration=TOAST_SECONDS)
            fresh = new_session_id()
            return {session: fresh, chatbot: [], textbox: "", feedback_row: gr.Group(visible=False), **panels(fresh, request)}

        def picked(experiment_id, session_id):
            session_id = _valid_session(session_id)
            try:
                status = card_status(coach.state(session_id), experiment_id) if session_id else None
            except Exception:
                log.exception("could not read session %s", session_id)
                status = None
            return gr.Button(visible=status == "proposed"), gr.Group(visible=status == "running")

        hidden = HIDDEN
        page.load(restore, [session], [session, chatbot, *panel_outputs], **hidden)
        picker.input(picked, [picker, session], [start, review_form], queue=False, **hidden)
        start.click(start_experiment, [picker, session], panel_outputs, **hidden)
        save_review.click(
            record,
            [picker, outcome, reward, plus, minus, next_, session],
            [*panel_outputs, outcome, plus, minus, next_, reward],
            **hidden,
        )
        for trigger in (new.click, chatbot.clear):  # the chat's own clear button, too, starts anew
            trigger(new_session, [session], [session, chatbot, textbox, feedback_row, *panel_outputs], **hidden)

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
