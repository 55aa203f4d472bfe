"""Questions get the answer they ask for: "is this just a chatbot reading a blog post at me?" had
drawn "No, this isn't therapy", and "why would 'rewards' matter for a career anyway" was reflected as
if it were an answer. Each is asked mid-flow, and the pending question comes back after it."""

from __future__ import annotations

import pytest
from guided_support import at_strengths

from bot.words import load



@pytest.mark.parametrize(("language", "question", "topic"), [
    ("en", "is this just a chatbot reading a blog post at me?", "what_this_is"),
    ("en", "honestly why should I trust some AI with this", "what_this_is"),
    ("en", "why would 'rewards' matter for a career anyway", "reward"),
    ("en", "wait what counts as a reward here?", "reward"),
    ("en", "what do you do with what i type, is this stored somewhere?", "data"),
    ("en", "is this some kind of therapy?", "therapy"),
    ("ko", "이거 그냥 블로그 글 읽어주는 챗봇이에요?", "what_this_is"),
    ("ko", "보상이 정확히 뭔데요? 회사에선 그런 거 없는데", "reward"),
    ("ko", "제가 쓴 건 누가 볼 수 있어요?", "data"),
    ("ko", "이거 심리 상담 같은 거예요?", "therapy"),
])
def test_a_question_mid_flow_gets_its_own_answer_and_the_flow_goes_on(make_coach, language, question, topic) -> None:
    coach = at_strengths(make_coach, language, "topic")
    pending = coach.state("topic").guided.step
    reply = coach.ask(question, "topic")
    answers = load("guided_answers")
    assert answers[topic][language][:40] in reply.text, reply.text
    others = [name for name in answers if name != topic and answers[name][language][:40] in reply.text]
    assert not others, others
    assert coach.state("topic").guided.step == pending  # back to where we were
