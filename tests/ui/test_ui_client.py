"""The page's API through gradio_client: a conversation of a few turns in one session, export, errors."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]


def client_for(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


def test_a_conversation_through_gradio_client(serve, canned_coach):
    client = client_for(serve(canned_coach))
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/chat", "/export", "/forget"}  # the page's own events stay out of the API
    assert [p["parameter_name"] for p in endpoints["/chat"]["parameters"]] == ["message", "session_id"]

    first = "요즘 선배가 하는 방식을 그대로 따라 하고 있는데, 성장이 멈춘 느낌이에요."
    reply, session_id, sources = client.predict(first, "", api_name="/chat")
    assert "즐거운 일이 있나요?" in reply
    assert session_id and all(s.startswith("essay-") for s in sources) and sources

    second = "사실 저는 로그를 오래 읽는 게 재밌어요."
    reply2, same_session, _ = client.predict(second, session_id, api_name="/chat")
    assert same_session == session_id and reply2
    # calls: [reply 1, notes 1, reply 2, notes 2]; the second reply's prompt carries the first turn.
    second_prompt = [m.content for m in canned_coach.llm.calls[2]]
    assert first in second_prompt and second_prompt[-1] == second

    reply3, _, _ = client.predict("I think that's my strength.", session_id, api_name="/chat")
    assert reply3
    assert [m.role for m in canned_coach.history(session_id)] == ["user", "assistant"] * 3

    markdown = client.predict(session_id, api_name="/export")
    assert first in markdown and second in markdown and "티켓 20개 직접 읽기" in markdown


def test_the_api_explains_a_bad_session_id(serve, canned_coach):
    from gradio_client.exceptions import AppError

    client = client_for(serve(canned_coach))
    with pytest.raises(AppError, match="Invalid session id"):
        client.predict("hello", "../../etc/passwd", api_name="/chat")
    reply, session_id, _ = client.predict("", "", api_name="/chat")
    assert "empty" in reply.lower() and session_id


def test_guided_mode_through_gradio_client(serve, make_coach):
    coach = make_coach()
    assert coach.mode == "guided"
    client = client_for(serve(coach))
    reply, session_id, _ = client.predict("I've been copying my manager's playbook and I feel stuck.", "", api_name="/chat")
    assert reply.strip()
    reply2, same, _ = client.predict("People come to me when the data looks weird.", session_id, api_name="/chat")
    assert same == session_id and reply2.strip() and reply2 != reply
    assert len(coach.history(session_id)) == 4
