"""Quick replies on the page: a guided reply's options become Gradio chat message options, and a
click on one (the Chatbot's option_select) is sent like a typed message."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore:::gradio")


def _fn(app, name: str, trigger: str | None = None):
    for block_fn in app.fns.values():
        if block_fn.name == name and (trigger is None or any(t[1] == trigger for t in block_fn.targets)):
            return block_fn
    raise LookupError(name)


def test_a_choice_is_offered_as_clickable_options_and_a_click_sends_it(make_coach):
    import gradio as gr

    from bot.words import load
    from ui import build_app

    coach = make_coach()
    app = build_app(coach)
    respond = _fn(app, "respond").fn
    chatbot = next(b for b in app.blocks.values() if isinstance(b, gr.Chatbot))
    chat, session_id = [], None  # the server issues the id on the first turn (local mode: no request needed)
    for message in load("sample_conversations")["en"]["visit"][:2]:
        *_, last = respond(message, chat, session_id, None, None)
        chat = last[chatbot]
        session_id = session_id or coach.sessions()[0].id
    options = chat[-1]["options"]
    assert [o["label"] for o in options] == ["Still early", "Past the base", "Not sure"]
    shown = chatbot.postprocess(chat).model_dump()  # Gradio accepts and renders them
    assert [o["value"] for o in shown[-1]["options"]] == ["Still early", "Past the base", "Not sure"]

    # The option_select event leads to the same turn as typing: the clicked value is the message.
    take = _fn(app, "take_option", "option_select").fn
    _, message = take(gr.SelectData(chatbot, {"value": "Past the base", "index": 1}))
    assert message == "Past the base"
    *_, last = respond(message, chat, session_id, None, None)
    assert coach.state(session_id).guided.where == "past"
    assert "options" not in last[chatbot][-1]  # the next question (a strength) is open, not a choice
