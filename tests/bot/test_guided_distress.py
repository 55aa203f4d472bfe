"""Distress is acknowledged once: an exhausted parent's first message got the safety step's line and
then the guided coach's own ("Being that worn out is real…" followed by "That sounds really hard…"),
and the coaching question came only a turn later."""

from __future__ import annotations

import pytest

from bot.words import load


@pytest.mark.parametrize(("language", "message"), [
    ("en", "honestly i'm exhausted, barely sleeping, part-time MBA plus two kids and I copy my classmates' study plans"),
    ("en", "I'm so burnt out at work, I just do whatever my lead did last year"),
    ("ko", "요즘 완전 번아웃이에요. 회사에서는 그냥 팀장님 방식 그대로 따라 해요"),
])
def test_distress_is_acknowledged_once_and_the_coaching_goes_on(make_coach, language, message) -> None:
    coach = make_coach()
    reply = coach.ask(message, "tired")
    guided_line = load(f"guided.{language}")["say"]["distress"]
    acknowledgements = load("safety")["distress_acknowledgement"][language]
    said = sum(line.strip()[:25] in reply.text for line in [guided_line, *acknowledgements])
    assert said == 1, reply.text
    assert coach.state("tired").guided.step not in (None, "open"), reply.text  # the first coaching question is asked
