"""The web coach: one Gradio page over bot's `Coach` (chat, sources, strengths, experiment board).

    from ui import build_app
    build_app().launch()          # or: coach serve

Every visitor's session id lives in their browser (gr.BrowserState); the one Coach is shared and
keeps each session's conversation and state in the journal. Nothing here is per-visitor module state.

Every request acts for one person (bot/people.py), found by `person_of` from the request alone: the
local person, the login, or the guest whose server-issued token the browser sends. Every handler,
documented or not (any Blocks event is callable by fn_index and raw HTTP), asks it first and then
touches only that person's sessions; another person's session id is answered as a nonexistent one.
The handlers live beside their components: the turn and the board here, the chat's controls in
controls.py, the session tab in session_tab.py, the documented API in api.py.
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from bot import Coach, CoachReply, Review
from bot.coach import clean_message, new_session_id
from bot.language import detect_language
from bot.people import Access, Owned
from bot.safety import assess, examined
from bot.words import message as notice
from knowledge.private import private_dir

from . import api, controls, layout, notebook_tab, session_tab, views
from .context import TOAST_SECONDS, PageContext, valid_session
from .door import Door
from .downloads import DownloadRoute, Downloads
from .i18n import browser_language, translations
from .theme import CSS, JS, theme

log = logging.getLogger(__name__)

STORAGE_KEY = "on-policy-coach-session"
GUEST_KEY = "on-policy-coach-guest"
# BrowserState's key travels to every browser in /config, so it cannot be a secret: what the browser
# keeps is its own (its session id, its guest token), and the server checks the token, not the key.
BROWSER_STATE_KEY = "on-policy-coach"
# Turns wait mostly on the model, so many can stream at once (more than 20 visitors before any
# queues); the Coach serialises turns within a session.
CONCURRENCY = 32
# While it has no events, Gradio's queue looks for one every 1 ms (Queue.sleep_when_free): 1,000
# wake-ups a second of the server's event loop, each taking the GIL from any turn in progress. Idle,
# `coach serve` spent 34-37 ms of CPU a second on it; polling every 5 ms, 8-14 ms. An event then
# starts at most 5 ms later, beside a model's hundreds.
QUEUE_POLL_SECONDS = 0.005
FOCUS_INPUT = "() => { document.querySelector('#coach-input textarea')?.focus(); }"
HIDDEN = {"api_visibility": "undocumented"}
_valid_session = valid_session


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
    words: gr.I18n | None = None

    def launch(self, *args, **kwargs):
        kwargs.setdefault("theme", theme())
        kwargs.setdefault("css", CSS + notebook_tab.nv.CSS)
        kwargs.setdefault("js", JS)
        kwargs.setdefault("i18n", self.words)
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
    t = translations()  # the page's fixed words, shown in the browser's language
    with CoachPage(title=views.words()["title"], analytics_enabled=False, delete_cache=(3600, 3600)) as page:
        page.access, page.downloads, page.words = access, downloads, t
        page.max_request_bytes = coach.settings.max_request_bytes
        # The person's, across conversations: notebook, check-ins, conversations (ui/notebook_tab.py).
        def notebook(session, guest, chatbot):
            return notebook_tab.person_tabs(coach, lambda *who: ctx.person_of(*who), session, guest, chatbot, downloads)

        parts = layout.build(coach, t, STORAGE_KEY, GUEST_KEY, BROWSER_STATE_KEY, side=notebook)
        ctx = PageContext(coach, access, downloads, parts)
        person_of, panels = ctx.person_of, ctx.panels
        session, guest, pending, chatbot, textbox = parts.session, parts.guest, parts.pending, parts.chatbot, parts.textbox
        picker, start, review_form, save_review = parts.picker, parts.start, parts.review_form, parts.save_review
        outcome, reward, plus, minus, next_ = parts.outcome, parts.reward, parts.plus, parts.minus, parts.next_
        panel_outputs = ctx.panel_outputs()
        person_tabs = parts.extra

        def restore(session_id, token, request: gr.Request):
            """On page load: the browser's session with its history and panels. A guest without a
            valid token gets one. If loading fails, the browser keeps its session id (a later load
            can bring it back) and is told what failed."""
            token, fresh_token = ctx.guest_token(token)
            person = person_of(request, token)
            session_id = valid_session(session_id)
            try:
                owned = ctx.owned(session_id, person)
                if not owned:
                    return {session: None, guest: fresh_token, chatbot: [], **panels(None, person, request)}
                messages = coach.history(owned, person)
                cited = coach.passages([i for m in messages for i in m.sources])
                lang = ctx.language(owned, person, request)
                chat = views.chat_history(messages, {p.id: p for p in cited}, lang)
                return {session: owned, guest: fresh_token, chatbot: chat, **panels(owned, person, request)}
            except Exception as exc:
                log.error("could not restore session %s: %s", session_id, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                toasts = views.words(browser_language(request))["toasts"]
                gr.Warning(toasts["restore_failed"].format(reason=_reason(exc)), duration=None)
                return {session: gr.skip(), guest: fresh_token, chatbot: [], **panels(None, person, request)}

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
            # As the coach does: danger (crisis or concern) is answered however long the message is.
            if len(text) > limit and assess(examined(text, limit)).level == "none":
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

        def take_option(event: gr.SelectData):
            """A clicked quick reply (the reply's `options`) is sent as the person's message."""
            return busy(), str(event.value or "")

        def respond(message, chat, session_id, token, request: gr.Request):
            """One turn, streamed into the chat; the reply ends with its sources, then the panels refresh."""
            if message is None:  # a retry or edit that found nothing to send
                return
            token, issued = ctx.guest_token(token)  # sent before the page's load gave this browser its token
            person = person_of(request, token)
            chat = views.plain_history(chat)
            text = message if isinstance(message, str) else ""
            lang = detect_language(text, default=browser_language(request))
            if person is None:
                who = views.words(lang)["toasts"]["who"]
                yield {chatbot: chat + [views.assistant(views.bot_message(who, error=True))]}
                return
            # None, not theirs, or forgotten: a new conversation (never someone else's), its id issued
            # here and kept by the browser at once, so a stopped first turn keeps it too.
            session_id = ctx.owned(session_id, person) or Owned(new_session_id(), person)
            if clean_message(text):
                chat = chat + [{"role": "user", "content": views.safe_markdown(text.strip())}]
            base = list(chat)
            yield {chatbot: base + [views.assistant(views.thinking(lang))], guest: issued, session: str(session_id)}
            if coach.mode == "guided" and not coach.journal.count(session_id):
                coach.offline_notice_shown(session_id, person)  # the page's banner has said it

            shown, reply = "", None
            stream = coach.stream(text, session_id, person)
            try:
                for item in stream:
                    if isinstance(item, CoachReply):
                        reply = item
                    elif item:
                        shown += item
                        chat = base + [views.assistant(views.cite_markers(views.safe_markdown(shown), [], lang))]
                        yield {chatbot: chat}
            except Exception as exc:  # the person sees a sentence, the log gets the traceback
                log.exception("turn failed in session %s", session_id)
                broken = views.bot_message(notice(lang, "internal", kind=type(exc).__name__), error=True)
                kept = [views.assistant(views.safe_markdown(shown.rstrip()))] if shown.strip() else []  # what arrived
                chat = base + kept + [views.assistant(broken)]  # the notice is its own bubble
            else:
                if reply is not None:
                    lang = reply.language
                    content = views.bot_message(reply.text, reply.sources, error=bool(reply.error), language=lang)
                    chat = base + [views.assistant(content, reply.message_id)]
                    if reply.options:  # quick replies: a click sends the option (option_select below)
                        chat[-1]["options"] = [{"label": o, "value": o} for o in reply.options]
            finally:
                stream.close()  # a stopped turn releases its session at once
            try:
                yield {chatbot: chat, **panels(session_id, person, request)}
            except Exception:
                log.exception("could not refresh panels for session %s", session_id)
                yield {chatbot: chat}

        def notes_landed(session_id, token, request: gr.Request):
            """After a turn: the side panels again once its notes (taken after the reply) have landed."""
            person = person_of(request, token)
            session_id = ctx.owned(session_id, person)
            if not session_id:
                return gr.skip()
            # Refreshed even when nothing is pending: the notes may have landed just after `respond` read the state.
            coach.wait_for_notes(session_id, timeout=2 * coach.settings.notes_timeout + 5)
            try:
                return panels(session_id, person, request)
            except Exception:
                log.exception("could not refresh panels for session %s", session_id)
                return gr.skip()

        def ready():
            return gr.Textbox(interactive=True, submit_btn=True, stop_btn=False)

        turn_outputs = [chatbot, session, guest, *panel_outputs]
        turns = []
        starts = [
            textbox.submit(take_message, [textbox], [textbox, pending, parts.input_reason], queue=False, **HIDDEN),
            chatbot.example_select(take_example, None, [textbox, pending], queue=False, **HIDDEN),
            chatbot.option_select(take_option, None, [textbox, pending], queue=False, **HIDDEN),
            *controls.wire(ctx, busy),
        ]
        for started in starts:
            turn = started.success(
                respond,
                [pending, chatbot, session, guest],
                turn_outputs,
                show_progress="minimal",
                show_progress_on=[chatbot],
                **HIDDEN,
            )
            turn.then(ready, None, textbox, queue=False, **HIDDEN).then(None, None, None, js=FOCUS_INPUT, **HIDDEN)
            # The reply is final at its last token; the side panels follow when the turn's notes land.
            turn.then(notes_landed, [session, guest], panel_outputs, show_progress="hidden", **HIDDEN)
            turn.then(person_tabs.refresh, [guest], person_tabs.outputs, show_progress="hidden", **HIDDEN)
            turns.append(turn)
        textbox.stop(None, None, None, cancels=turns, **HIDDEN)

        def start_experiment(experiment_id, session_id, token, request: gr.Request):
            person = person_of(request, token)
            session_id = valid_session(session_id)
            toasts = ctx.toasts(session_id, person, request)
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
            return panels(session_id, person, request)

        def record(experiment_id, outcome_text, reward_value, plus_text, minus_text, next_text, session_id, token,
                   request: gr.Request):
            person = person_of(request, token)
            session_id = valid_session(session_id)
            toasts = ctx.toasts(session_id, person, request)
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
                return panels(session_id, person, request)
            except Exception:
                log.exception("could not record review for %s", experiment_id)
                gr.Warning(toasts["save_failed"], duration=TOAST_SECONDS)
                return gr.skip()
            gr.Info(toasts["saved"], duration=TOAST_SECONDS)
            return {**panels(session_id, person, request), outcome: "", plus: "", minus: "", next_: "", reward: 0}

        def picked(experiment_id, session_id, token, request: gr.Request):
            person = person_of(request, token)
            session_id = ctx.owned(session_id, person)
            try:
                card = coach.state(session_id, person).experiment(experiment_id) if session_id and experiment_id else None
            except Exception:
                log.exception("could not read session %s", session_id)
                card = None
            status = card.status if card else None
            return gr.Button(visible=status == "proposed"), gr.Group(visible=status == "running")

        ids = [session, guest]
        page.load(restore, ids, [session, guest, chatbot, *panel_outputs], **HIDDEN).then(
            person_tabs.refresh, [guest], person_tabs.outputs, show_progress="hidden", **HIDDEN
        )
        person_tabs.reopened.then(restore, ids, [session, guest, chatbot, *panel_outputs], **HIDDEN)
        picker.input(picked, [picker, *ids], [start, review_form], queue=False, **HIDDEN)
        start.click(start_experiment, [picker, *ids], panel_outputs, **HIDDEN)
        save_review.click(
            record,
            [picker, outcome, reward, plus, minus, next_, *ids],
            [*panel_outputs, outcome, plus, minus, next_, reward],
            **HIDDEN,
        )
        session_tab.wire(ctx)
        api.add(ctx)

    page.queue(default_concurrency_limit=CONCURRENCY)
    return page


def _reason(exc: Exception) -> str:
    """What failed, in a few words fit for a toast (the log has the rest)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
