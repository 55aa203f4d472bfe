"""The page's layout: every component, phone first, with its words as Gradio i18n keys.

On a wide screen the chat sits beside the side panels (tabs); on a phone (theme.py's CSS) the chat and its
input fill the first screen and the tabs follow below. `build` must run inside the page's Blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TYPE_CHECKING

import gradio as gr

from . import views

if TYPE_CHECKING:
    from bot import Coach


@dataclass
class PageParts:
    """The page's components, for the handlers in app.py and controls.py."""

    session: gr.BrowserState
    guest: gr.BrowserState
    pending: gr.State
    feedback_id: gr.State
    new: gr.Button
    chatbot: gr.Chatbot
    feedback_text: gr.Textbox
    feedback_send: gr.Button
    textbox: gr.Textbox
    input_reason: gr.Markdown
    board: gr.HTML
    picker: gr.Dropdown
    start: gr.Button
    outcome: gr.Textbox
    reward: gr.Radio
    plus: gr.Textbox
    minus: gr.Textbox
    next_: gr.Textbox
    save_review: gr.Button
    profile: gr.HTML
    session_info: gr.Markdown
    export: gr.Button
    export_file: gr.HTML
    forget: gr.Button
    forget_all: gr.Button
    confirm: gr.Group
    confirm_text: gr.Markdown
    confirm_yes: gr.Button
    confirm_no: gr.Button
    what: gr.State
    feedback_row: gr.Group
    board_form: gr.Group
    review_form: gr.Group
    extra: Any = None  # what `side` added below the tabs (the person's notebook: ui/notebook_tab.py)


def build(
    coach: Coach, t: gr.I18n, storage_key: str, guest_key: str, secret: str,
    side: Callable[[gr.BrowserState, gr.BrowserState, gr.Chatbot], Any] | None = None,
) -> PageParts:
    """Lay the page out; `t` turns a word's key into Gradio's i18n. The browser keeps its session id
    and (serving guests) its server-issued guest token. `side(session, guest, chatbot)` adds more to
    the side column, below its tabs."""
    session = gr.BrowserState(None, storage_key=storage_key, secret=secret)
    guest = gr.BrowserState(None, storage_key=guest_key, secret=secret)
    pending = gr.State(None)
    feedback_id = gr.State(None)

    with gr.Row(elem_id="coach-top", equal_height=True):
        gr.HTML(views.header(coach.mode, coach.badge), elem_id="coach-header", js_on_load=None)
        new = gr.Button(t("new_conversation"), size="sm", variant="secondary", elem_id="coach-new", scale=0, min_width=80)
    gr.Markdown(t("tagline"), elem_id="coach-tagline")
    if coach.mode == "guided":
        with gr.Accordion(t("guided_summary"), open=False, elem_id="coach-notice"):
            gr.Markdown(t("guided_notice"))

    with gr.Row(equal_height=False, elem_id="coach-main"):
        with gr.Column(scale=3, min_width=280, elem_id="coach-chat-column"):
            chatbot = gr.Chatbot(
                elem_id="coach-chat",
                label=t("chat_label"),
                show_label=False,
                height="64vh",
                min_height=360,
                placeholder=t("chat_placeholder"),
                examples=[{"text": e} for e in views.words()["examples"]],
                buttons=["copy"],
                feedback_options=("Like", "Dislike"),
                editable="user",
                group_consecutive_messages=False,
                layout="bubble",
            )
            with gr.Group(visible=False, elem_id="coach-feedback") as feedback_row:
                feedback_text = gr.Textbox(
                    label=t("feedback_label"), placeholder=t("feedback_placeholder"), lines=1, elem_id="coach-feedback-text"
                )
                feedback_send = gr.Button(t("feedback_send"), size="sm", elem_id="coach-feedback-send")
            textbox = gr.Textbox(
                elem_id="coach-input",
                label=t("input_label"),
                show_label=False,
                placeholder=t("input_placeholder"),
                lines=1,
                max_lines=8,
                submit_btn=True,
                stop_btn=False,
                autofocus=True,
            )
            input_reason = gr.Markdown("", visible=False, elem_id="coach-input-reason")
        with gr.Column(scale=2, min_width=280, elem_id="coach-panels"):
            with gr.Tabs(elem_id="coach-tabs"):
                with gr.Tab(t("tabs_experiments"), id="experiments", elem_id="coach-tab-experiments"):
                    board = gr.HTML(views.board_html([]), elem_id="coach-board", js_on_load=None)
                    with gr.Group(visible=False, elem_id="coach-board-form") as board_form:
                        picker = gr.Dropdown(label=t("board_picker"), choices=[], elem_id="coach-picker")
                        start = gr.Button(t("board_start"), size="sm", variant="primary", elem_id="coach-start")
                        with gr.Group(visible=False, elem_id="coach-review-form") as review_form:
                            outcome = gr.Textbox(
                                label=t("board_outcome"), lines=2, elem_id="coach-outcome",
                                placeholder=t("board_outcome_placeholder"),
                            )
                            reward = gr.Radio(
                                views.REWARD_CHOICES, value=0, label=t("board_reward"), elem_id="coach-reward",
                            )
                            plus = gr.Textbox(label=t("board_plus"), lines=1, elem_id="coach-plus")
                            minus = gr.Textbox(label=t("board_minus"), lines=1, elem_id="coach-minus")
                            next_ = gr.Textbox(label=t("board_next"), lines=1, elem_id="coach-next")
                            save_review = gr.Button(t("board_save"), variant="primary", elem_id="coach-save-review")
                with gr.Tab(t("tabs_strengths"), id="strengths", elem_id="coach-tab-strengths"):
                    profile = gr.HTML(views.strengths_html([]), elem_id="coach-strengths", js_on_load=None)
                with gr.Tab(t("tabs_session"), id="session", elem_id="coach-tab-session"):
                    session_info = gr.Markdown(elem_id="coach-session-info")
                    # A plain button: the export is served once from memory (ui/downloads.py), never
                    # through Gradio's file cache, and the page starts the download itself.
                    export = gr.Button(t("session_export"), size="sm", interactive=False, elem_id="coach-export")
                    export_file = gr.HTML("", visible=False, elem_id="coach-export-file", js_on_load=None)
                    with gr.Row(elem_id="coach-forget-row"):
                        forget = gr.Button(t("forget_one"), size="sm", variant="stop", elem_id="coach-forget")
                        forget_all = gr.Button(t("forget_all"), size="sm", variant="stop", elem_id="coach-forget-all")
                    with gr.Group(visible=False, elem_id="coach-forget-confirm") as confirm:
                        confirm_text = gr.Markdown(elem_id="coach-forget-question")
                        with gr.Row():
                            confirm_yes = gr.Button(t("forget_yes"), size="sm", variant="stop", elem_id="coach-forget-yes")
                            confirm_no = gr.Button(t("forget_no"), size="sm", elem_id="coach-forget-no")
                    what = gr.State("")
            extra = side(session, guest, chatbot) if side else None

    return PageParts(
        extra=extra,
        session=session,
        guest=guest,
        pending=pending,
        feedback_id=feedback_id,
        new=new,
        chatbot=chatbot,
        feedback_text=feedback_text,
        feedback_send=feedback_send,
        textbox=textbox,
        input_reason=input_reason,
        board=board,
        picker=picker,
        start=start,
        outcome=outcome,
        reward=reward,
        plus=plus,
        minus=minus,
        next_=next_,
        save_review=save_review,
        profile=profile,
        session_info=session_info,
        export=export,
        export_file=export_file,
        forget=forget,
        forget_all=forget_all,
        confirm=confirm,
        confirm_text=confirm_text,
        confirm_yes=confirm_yes,
        confirm_no=confirm_no,
        what=what,
        feedback_row=feedback_row,
        board_form=board_form,
        review_form=review_form,
    )
