"""The chat's own controls: retry, undo and edit of the last turn, like/dislike with a comment.

The journal keeps what happened: a retried, undone or edited turn is marked replaced
(`Coach.retract_last_turn`), never erased; a like or dislike is stored with the reply's id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from bot import Coach
from bot.models import Feedback

from . import views
from .i18n import browser_language

log = logging.getLogger(__name__)
TOAST_SECONDS = 4
HIDDEN = {"api_visibility": "undocumented"}


@dataclass
class ChatParts:
    """The components the controls read and write, and the turn they hand a message to."""

    chatbot: gr.Chatbot
    textbox: gr.Textbox
    pending: gr.State
    session: gr.BrowserState
    feedback_row: gr.Group
    feedback_text: gr.Textbox
    feedback_send: gr.Button
    feedback_id: gr.State
    valid_session: Callable[[Any], str | None]
    busy: Callable[[], Any]


def last_user_index(chat: list[dict]) -> int | None:
    return next((i for i in range(len(chat) - 1, -1, -1) if chat[i].get("role") == "user"), None)


def wire(coach: Coach, parts: ChatParts) -> list:
    """Attach the controls; returns the events after which a turn should run (retry, edit)."""
    p = parts

    def lang(session_id, request) -> str:
        try:
            return coach.state(session_id).language if session_id and coach.journal.count(session_id) else browser_language(request)
        except Exception:
            return browser_language(request)

    def take_back(chat, session_id):
        """Retract the journal's last turn; the chat without it and the user's words, or None."""
        session_id = p.valid_session(session_id)
        chat = views.plain_history(chat)
        message = coach.retract_last_turn(session_id) if session_id else None
        if message is None:
            return None, chat
        cut = last_user_index(chat)
        return message.content, chat[:cut] if cut is not None else chat

    def retry(chat, session_id, request: gr.Request):
        text, chat = take_back(chat, session_id)
        if text is None:
            gr.Warning(views.words(lang(session_id, request))["toasts"]["nothing_to_undo"], duration=TOAST_SECONDS)
            return gr.skip(), None, gr.skip()
        return p.busy(), text, chat

    def undo(chat, session_id, request: gr.Request):
        text, chat = take_back(chat, session_id)
        if text is None:
            gr.Warning(views.words(lang(session_id, request))["toasts"]["nothing_to_undo"], duration=TOAST_SECONDS)
            return gr.skip(), gr.skip()
        return chat, text  # the words go back into the box, to change or send again

    def edit(chat, session_id, event: gr.EditData, request: gr.Request):
        chat = views.plain_history(chat)
        if event.index != last_user_index(chat) or not str(event.value or "").strip():
            # Only the last message can be changed and sent again; the rest is what happened.
            gr.Warning(views.words(lang(session_id, request))["toasts"]["nothing_to_undo"], duration=TOAST_SECONDS)
            return gr.skip(), None, restored(session_id)
        text, cut_chat = take_back(chat, session_id)
        if text is None:
            return gr.skip(), None, restored(session_id)
        return p.busy(), str(event.value), cut_chat

    def restored(session_id):
        session_id = p.valid_session(session_id)
        if not session_id:
            return []
        messages = coach.history(session_id)
        cited = {x.id: x for x in coach.passages([i for m in messages for i in m.sources])}
        return views.chat_history(messages, cited, coach.state(session_id).language)

    def like(chat, session_id, event: gr.LikeData, request: gr.Request):
        session_id = p.valid_session(session_id)
        rating = {True: "like", False: "dislike"}.get(event.liked) if isinstance(event.liked, bool) else None
        index = event.index if isinstance(event.index, int) else (event.index[0] if event.index else None)
        chat = views.plain_history(chat)
        if not (session_id and rating and index is not None and index < len(chat)):
            return gr.skip(), None
        try:
            feedback_id = coach.record_feedback(
                Feedback(session_id=session_id, message_id=views.message_id(chat[index]), rating=rating)
            )
        except Exception:
            log.exception("could not record feedback in session %s", session_id)
            return gr.skip(), None
        words = views.words(lang(session_id, request))["feedback"]
        gr.Info(words[f"thanks_{rating}"], duration=TOAST_SECONDS)
        return gr.Group(visible=True), feedback_id

    def comment(text, feedback_id, session_id, request: gr.Request):
        session_id = p.valid_session(session_id)
        text = (text or "").strip()
        if not (session_id and feedback_id and text):
            return gr.Group(visible=False), "", None
        rating = next((f.rating for f in coach.journal.feedback(session_id) if f.id == feedback_id), "like")
        coach.record_feedback(Feedback(id=feedback_id, session_id=session_id, rating=rating, comment=text))
        gr.Info(views.words(lang(session_id, request))["feedback"]["saved"], duration=TOAST_SECONDS)
        return gr.Group(visible=False), "", None

    chatbot = p.chatbot
    retried = chatbot.retry(retry, [chatbot, p.session], [p.textbox, p.pending, chatbot], queue=False, **HIDDEN)
    edited = chatbot.edit(edit, [chatbot, p.session], [p.textbox, p.pending, chatbot], queue=False, **HIDDEN)
    chatbot.undo(undo, [chatbot, p.session], [chatbot, p.textbox], queue=False, **HIDDEN)
    chatbot.like(like, [chatbot, p.session], [p.feedback_row, p.feedback_id], queue=False, **HIDDEN)
    for trigger in (p.feedback_send.click, p.feedback_text.submit):
        trigger(comment, [p.feedback_text, p.feedback_id, p.session], [p.feedback_row, p.feedback_text, p.feedback_id], **HIDDEN)
    return [retried, edited]
