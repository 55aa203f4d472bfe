"""The chat's own controls: retry, undo and edit of the last turn, like/dislike with a comment.

The journal keeps what happened: a retried, undone or edited turn is marked replaced
(`Coach.retract_last_turn`), never erased; a like or dislike is stored with the reply's id. Each
control acts for the person the request comes from (ui/context.py), on their own session only:
someone else's session id is treated as no session at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from bot.models import Feedback

from . import views
from .context import TOAST_SECONDS, PageContext

log = logging.getLogger(__name__)
HIDDEN = {"api_visibility": "undocumented"}


def last_user_index(chat: list[dict]) -> int | None:
    return next((i for i in range(len(chat) - 1, -1, -1) if chat[i].get("role") == "user"), None)


def wire(ctx: PageContext, busy: Callable[[], Any]) -> list:
    """Attach the controls; returns the events after which a turn should run (retry, edit)."""
    coach, p = ctx.coach, ctx.parts

    def take_back(chat, session_id, person):
        """Retract the person's last turn; the chat without it and the user's words, or None."""
        session_id = ctx.owned(session_id, person)
        chat = views.plain_history(chat)
        message = coach.retract_last_turn(session_id, person) if session_id else None
        if message is None:
            return None, chat
        cut = last_user_index(chat)
        return message.content, chat[:cut] if cut is not None else chat

    def nothing(session_id, person, request) -> None:
        gr.Warning(ctx.toasts(session_id, person, request)["nothing_to_undo"], duration=TOAST_SECONDS)

    def retry(chat, session_id, token, request: gr.Request):
        person = ctx.person_of(request, token)
        text, chat = take_back(chat, session_id, person)
        if text is None:
            nothing(session_id, person, request)
            return gr.skip(), None, gr.skip()
        return busy(), text, chat

    def undo(chat, session_id, token, request: gr.Request):
        person = ctx.person_of(request, token)
        text, chat = take_back(chat, session_id, person)
        if text is None:
            nothing(session_id, person, request)
            return gr.skip(), gr.skip()
        return chat, text  # the words go back into the box, to change or send again

    def edit(chat, session_id, token, event: gr.EditData, request: gr.Request):
        person = ctx.person_of(request, token)
        chat = views.plain_history(chat)
        if event.index != last_user_index(chat) or not str(event.value or "").strip():
            # Only the last message can be changed and sent again; the rest is what happened.
            nothing(session_id, person, request)
            return gr.skip(), None, restored(session_id, person)
        text, cut_chat = take_back(chat, session_id, person)
        if text is None:
            return gr.skip(), None, restored(session_id, person)
        return busy(), str(event.value), cut_chat

    def restored(session_id, person):
        session_id = ctx.owned(session_id, person)
        if not session_id:
            return []
        messages = coach.history(session_id, person)
        cited = {x.id: x for x in coach.passages([i for m in messages for i in m.sources])}
        return views.chat_history(messages, cited, coach.state(session_id, person).language)

    def like(chat, session_id, token, event: gr.LikeData, request: gr.Request):
        person = ctx.person_of(request, token)
        session_id = ctx.owned(session_id, person)
        rating = {True: "like", False: "dislike"}.get(event.liked) if isinstance(event.liked, bool) else None
        index = event.index if isinstance(event.index, int) else (event.index[0] if event.index else None)
        chat = views.plain_history(chat)
        if not (session_id and rating and index is not None and index < len(chat)):
            return gr.skip(), None
        try:
            feedback_id = coach.record_feedback(
                Feedback(session_id=session_id, message_id=views.message_id(chat[index]), rating=rating), person
            )
        except Exception:
            log.exception("could not record feedback in session %s", session_id)
            return gr.skip(), None
        if feedback_id is None:
            return gr.skip(), None
        gr.Info(ctx.words(session_id, person, request)["feedback"][f"thanks_{rating}"], duration=TOAST_SECONDS)
        return gr.Group(visible=True), feedback_id

    def comment(text, feedback_id, session_id, token, request: gr.Request):
        person = ctx.person_of(request, token)
        session_id = ctx.owned(session_id, person)
        text = (text or "").strip()
        done = gr.Group(visible=False), "", None
        if not (session_id and feedback_id and text):
            return done
        rating = next((f.rating for f in coach.journal.feedback(session_id) if f.id == feedback_id), None)
        if rating is None:  # not a like of this session
            return done
        coach.record_feedback(Feedback(id=feedback_id, session_id=session_id, rating=rating, comment=text), person)
        gr.Info(ctx.words(session_id, person, request)["feedback"]["saved"], duration=TOAST_SECONDS)
        return done

    chatbot, ids = p.chatbot, [p.chatbot, p.session, p.guest]
    retried = chatbot.retry(retry, ids, [p.textbox, p.pending, chatbot], queue=False, **HIDDEN)
    edited = chatbot.edit(edit, ids, [p.textbox, p.pending, chatbot], queue=False, **HIDDEN)
    chatbot.undo(undo, ids, [chatbot, p.textbox], queue=False, **HIDDEN)
    chatbot.like(like, ids, [p.feedback_row, p.feedback_id], queue=False, **HIDDEN)
    for trigger in (p.feedback_send.click, p.feedback_text.submit):
        trigger(
            comment, [p.feedback_text, p.feedback_id, p.session, p.guest],
            [p.feedback_row, p.feedback_text, p.feedback_id], **HIDDEN,
        )
    return [retried, edited]
