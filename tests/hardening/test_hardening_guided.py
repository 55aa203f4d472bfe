"""The same hardening in the guided offline mode (no model): crises, bad input, who the coach is."""

from __future__ import annotations

import pytest

from bot.models import Stage
from bot.safety import safety_response
from bot.words import message as notice

pytest.importorskip("bot.guided")


@pytest.fixture
def guided(make_coach):
    coach = make_coach()
    assert coach.mode == "guided"
    return coach


@pytest.mark.parametrize(
    ("text", "language"),
    [("I want to kill myself", "en"), ("요즘 죽고 싶다는 생각뿐이에요", "ko"), ("My husband hits me every night", "en")],
)
def test_a_crisis_gets_the_safety_response_in_guided_mode_too(guided, text, language):
    reply = guided.ask(text, "g-crisis")
    assert reply.stage is Stage.SAFETY and reply.text == safety_response(language)


@pytest.mark.parametrize(("question", "words"), [("Are you a therapist?", "not a therapist"), ("상담사세요?", "치료사나 의사가 아니")])
def test_guided_mode_says_it_is_a_coach_not_a_therapist(guided, question, words):
    first = guided.ask("I keep copying my manager's way of working." if question.isascii() else "팀장님 방식을 따라 하고 있어요.", "who")
    assert first.error is None
    reply = guided.ask(question, "who")
    assert words in reply.text


def test_bad_input_in_guided_mode_gets_notices_and_the_next_turn_works(guided):
    assert guided.ask("", "g-bad").error == "empty"
    assert guided.ask({"text": "hi"}, "g-bad").error == "not_text"
    long = guided.ask("x" * (guided.settings.max_message_chars + 1), "g-bad")
    assert long.error == "too_long" and guided.history("g-bad")[0].status == "error"
    assert guided.ask("\x00\x1b[2J I copy my lead's habits 🙂", "g-bad").error is None
    reply = guided.ask("I keep copying my manager's way of working.", "g-bad")
    assert reply.error is None and reply.text
    assert notice("en", "empty") not in reply.text
