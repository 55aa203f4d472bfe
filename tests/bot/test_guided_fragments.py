"""A short answer is an answer: "요리.", "playing guitar.", "반죽 온도 맞추기." to "what do you enjoy?"
(they had been read as a meta remark or a greeting, because their nearest example was "ok, go on"
or "장단 맞춰 드릴게요", and the coach asked the same question again). Set phrases said in other
words ("one sec", "잠시만요") are still not stored as strengths."""

from __future__ import annotations

import pytest
from guided_support import at_strengths

CHECK_BACK = {"en": "did I get that right?", "ko": "제가 맞게 이해했나요?"}


@pytest.mark.parametrize(
    ("language", "fragment"),
    [("en", "playing guitar."), ("en", "woodworking"), ("en", "social media posts"), ("en", "math tutoring"),
     ("ko", "요리."), ("ko", "그림"), ("ko", "반죽 온도 맞추기."), ("ko", "코드 리뷰요"), ("ko", "기타 치기")],
)
def test_a_bare_fragment_is_taken_as_a_strength_and_checked_back(make_coach, language, fragment) -> None:
    coach = at_strengths(make_coach, language, "frag")
    reply = coach.ask(fragment, "frag")
    state = coach.state("frag")
    assert CHECK_BACK[language] in reply.text or [s.name for s in state.strengths], reply.text
    assert state.guided.step != "strengths_clue" or state.strengths, reply.text  # not the same question again


@pytest.mark.parametrize(("language", "aside"), [("en", "one sec"), ("en", "sorry, had to step out"), ("en", "brb"),
                                                 ("ko", "잠시만요"), ("ko", "잠깐 화장실 다녀왔어요"), ("ko", "알았어요")])
def test_an_aside_is_not_a_strength(make_coach, language, aside) -> None:
    coach = at_strengths(make_coach, language, "aside")
    reply = coach.ask(aside, "aside")
    state = coach.state("aside")
    assert not state.strengths and state.guided.step == "strengths_clue", reply.text
    assert CHECK_BACK[language] not in reply.text, reply.text
