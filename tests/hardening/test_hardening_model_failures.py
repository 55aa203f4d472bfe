"""Model failures on the real client path: the person gets a notice in their language, their words stay
in the journal, the key never leaks, and the next turn works."""

from __future__ import annotations

import logging
import time

import pytest

from bot.words import message as notice

from hardening_support import SECRET, closed_port_url

pytestmark = pytest.mark.slow

SAID = {
    "en": "I keep copying my manager's way of running meetings and it feels capped.",
    "ko": "팀장님이 회의하는 방식을 그대로 따라 하고 있는데 한계가 느껴져요.",
}
HEALTHY = "What have you already tried your own way?"


def _assert_saved_and_secret_safe(coach, reply, language: str, caplog) -> None:
    history = coach.history(reply.session_id)
    assert history[-1].role == "user" and history[-1].content == SAID[language]
    assert all(m.role == "user" for m in history)  # a failure notice is not journalled as coaching
    assert reply.language == language
    for place in (reply.text, caplog.text, coach.export(reply.session_id, "md"), coach.export(reply.session_id, "json")):
        assert SECRET not in place


def _next_turn_works(coach, session_id: str) -> None:
    reply = coach.ask("Still there? What should I try next?", session_id)
    assert reply.error is None and reply.text == HEALTHY, reply.text
    assert [m.role for m in coach.history(session_id)][-2:] == ["user", "assistant"]


@pytest.fixture(autouse=True)
def _debug_logs(caplog):
    caplog.set_level(logging.DEBUG)  # the key must not appear even in debug logs of the client


@pytest.mark.parametrize("language", ["en", "ko"])
def test_401_names_the_setting_to_fix(model_coach, fake_openai, caplog, language):
    server = fake_openai(reply=HEALTHY, status=401, fail_times=1)
    coach = model_coach(server.url, max_retries=2)

    reply = coach.ask(SAID[language], f"auth-{language}")

    assert reply.error
    assert reply.text == notice(language, "auth") and "OPENAI_API_KEY" in reply.text
    assert len(server.chat_requests()) == 1  # a refused key is not retried
    _assert_saved_and_secret_safe(coach, reply, language, caplog)
    _next_turn_works(coach, reply.session_id)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_429_is_retried_then_explained(model_coach, fake_openai, caplog, language):
    server = fake_openai(reply=HEALTHY, status=429, fail_times=2)
    coach = model_coach(server.url, max_retries=1)

    reply = coach.ask(SAID[language], f"busy-{language}")

    assert len(server.chat_requests()) == 2  # the first try and one retry
    assert reply.error and reply.text == notice(language, "rate_limited")
    _assert_saved_and_secret_safe(coach, reply, language, caplog)
    _next_turn_works(coach, reply.session_id)


def test_429_that_clears_on_retry_gives_a_normal_reply(model_coach, fake_openai):
    server = fake_openai(reply=HEALTHY, status=429, fail_times=1)
    coach = model_coach(server.url, max_retries=2)

    reply = coach.ask(SAID["en"], "busy-once")

    assert reply.error is None and reply.text == HEALTHY
    assert len(server.chat_requests()) == 2
    assert [m.role for m in coach.history("busy-once")] == ["user", "assistant"]


@pytest.mark.parametrize(("status", "language"), [(500, "en"), (503, "ko")])
def test_5xx_is_retried_with_backoff_then_explained(model_coach, fake_openai, caplog, status, language):
    server = fake_openai(reply=HEALTHY, status=status, fail_times=2)
    coach = model_coach(server.url, max_retries=1)

    started = time.monotonic()
    reply = coach.ask(SAID[language], f"down-{language}")

    assert len(server.chat_requests()) == 2
    assert time.monotonic() - started >= 0.2  # the retry waited (openai's backoff starts near 0.5 s)
    assert reply.error
    assert reply.text == notice(language, "server_error", status=status) and str(status) in reply.text
    _assert_saved_and_secret_safe(coach, reply, language, caplog)
    _next_turn_works(coach, reply.session_id)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_server_slower_than_the_timeout(model_coach, fake_openai, caplog, language):
    slow = fake_openai(reply=HEALTHY, latency=3.0)
    coach = model_coach(slow.url, timeout=0.5)

    started = time.monotonic()
    reply = coach.ask(SAID[language], f"slow-{language}")

    assert time.monotonic() - started < 2.5  # gave up at the timeout, did not wait for the server
    assert reply.error and reply.text == notice(language, "timeout", timeout=0.5)
    assert "0.5" in reply.text and "COACH_TIMEOUT" in reply.text
    _assert_saved_and_secret_safe(coach, reply, language, caplog)
    slow.latency = 0.0  # the server recovers
    _next_turn_works(coach, reply.session_id)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_connection_refused(model_coach, fake_openai, caplog, language):
    url = closed_port_url()
    coach = model_coach(url, max_retries=1)

    reply = coach.ask(SAID[language], f"refused-{language}")

    assert reply.error
    assert reply.text == notice(language, "unreachable", where=url) and url in reply.text
    _assert_saved_and_secret_safe(coach, reply, language, caplog)
    # Switch to a server that is up: the same session carries on, with the earlier message in its history.
    server = fake_openai(reply=HEALTHY)
    switched = model_coach(server.url)
    _next_turn_works(switched, reply.session_id)
    sent = server.chat_requests()[0]["messages"]
    # The failed turn's words are folded into the resend: one user message, roles still alternate.
    assert [m["role"] for m in sent] == ["system", "user"]
    assert sent[-1]["content"].startswith(SAID[language]) and sent[-1]["content"].endswith("What should I try next?")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_stream_cut_off_half_way_keeps_and_marks_the_partial_text(model_coach, fake_openai, caplog, language):
    server = fake_openai(reply="Imitation got you started. Now what is yours? Tell me more.", cut_after=4)
    coach = model_coach(server.url)

    pieces = list(coach.stream(SAID[language], f"cut-{language}"))
    reply = pieces[-1]

    assert "".join(p for p in pieces[:-1]) == "Imitation got you started."
    assert reply.partial is True and reply.error is None
    assert reply.text.startswith("Imitation got you started.") and reply.text.endswith(notice(language, "partial"))
    history = coach.history(reply.session_id)
    assert [(m.role, m.status) for m in history] == [("user", "ok"), ("assistant", "partial")]
    assert history[0].content == SAID[language] and history[1].content == reply.text
    assert not server.chat_requests(notes=True)  # no notes are taken from half a reply
    for place in (reply.text, caplog.text, coach.export(reply.session_id)):
        assert SECRET not in place
    server.cut_after = None
    server.reply = HEALTHY
    _next_turn_works(coach, reply.session_id)


def test_an_error_event_in_the_stream_is_a_failure_not_text(model_coach, fake_openai, caplog):
    server = fake_openai(reply="Imitation got you started. Now what is yours?", error_after=4)
    coach = model_coach(server.url)
    reply = coach.ask(SAID["en"], "err-mid")
    assert reply.partial is True and reply.text.startswith("Imitation got you started.")
    assert "fake failure" not in reply.text and reply.text.endswith(notice("en", "partial"))
    server.error_after = 0  # before any text: a notice, and the words stay in the journal
    reply = coach.ask(SAID["en"], "err-first")
    assert reply.error and "fake failure" not in reply.text
    _assert_saved_and_secret_safe(coach, reply, "en", caplog)
    server.error_after = None
    server.reply = HEALTHY
    _next_turn_works(coach, reply.session_id)


def test_the_key_reaches_the_server_but_nothing_the_person_sees(model_coach, fake_openai, caplog):
    """Guards the leak checks above: the secret really is in play on this path."""
    server = fake_openai(reply=HEALTHY, status=401)
    coach = model_coach(server.url)
    assert coach.llm.openai_api_key.get_secret_value() == SECRET
    reply = coach.ask(SAID["en"], "guard")
    assert server.headers[0].get("authorization") == f"Bearer {SECRET}", server.headers
    assert reply.error and SECRET not in reply.text and SECRET not in caplog.text
    assert SECRET not in coach.description and SECRET not in repr(coach.settings)


def test_the_reply_and_the_notes_both_carry_the_key(model_coach, fake_openai):
    server = fake_openai(reply=HEALTHY)
    coach = model_coach(server.url)
    reply = coach.ask(SAID["en"], "keyed")
    assert reply.error is None and reply.text == HEALTHY
    assert coach.wait_for_notes("keyed", timeout=10)  # notes are taken after the reply
    streamed = [r.get("stream") for r in server.requests]
    assert streamed == [True, False]  # the reply streams, the notes come in one response
    assert [h["authorization"] for h in server.headers] == [f"Bearer {SECRET}"] * 2


def test_a_password_in_the_server_url_is_never_shown(make_coach):
    url = "http://coach:hunter2-SECRET@127.0.0.1:9/v1"  # port 9: nothing listens
    coach = make_coach(openai_base_url=url, timeout=0.5, max_retries=0)
    assert "hunter2" not in coach.description and "127.0.0.1:9/v1" in coach.description
    reply = coach.ask("I copy my manager's playbook", "url1")
    assert reply.error and "hunter2" not in reply.text and "127.0.0.1:9/v1" in reply.text
