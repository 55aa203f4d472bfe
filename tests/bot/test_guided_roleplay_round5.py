"""Regression cases from role-play round 5 (a retired painter replayed, a civil servant, a chemistry
teacher, a mother back at work, a freelance developer, a streamer, a widow, a grad-school applicant,
a founder), each with variants of our own: what the person would notice."""

from __future__ import annotations

from datetime import date

import pytest

from bot.guided.card import set_action
from bot.guided.lexicon import own_words
from bot.guided.parsing import said_score
from bot.guided.proposals import plans_in
from bot.models import ExperimentCard
from bot.safety import assess
from bot.safety.followup import read_answer

from guided_support import Chat


@pytest.mark.parametrize(
    "text, score",
    [
        ("Every single day is ambitious with the grandchildren visiting. I'd say a 5, realistically.", 5),
        ("That would be a 7, I think.", 7),
        ("No, the 4 was the number of days. My confidence is seven. Seven out of ten.", 7),
        ("probably a 6, if the parent email thing doesn't eat my week", 6),
        ("8은 좀 오버고 7로 바꿔주세요", 7),
        ("자신감은 6 정도요", 6),
        ("4 days out of 7, confidence 8", 8),
        ("i'd give it a 6 tbh", 6),
    ],
)
def test_a_rating_is_found_by_the_words_around_it(text, score):
    assert said_score(text)[0] == score


@pytest.mark.parametrize("text", ["i can do it on 3 of the next 7 days", "I will cook for 5 friends for 14 days"])
def test_counts_are_not_ratings(text):
    assert said_score(text)[0] is None


@pytest.mark.parametrize(
    "action, days, weekly",
    [
        ("I will paint the back porch view without a tutorial on 4 of the next 7 days", 7, "on 4 days a week"),
        ("run 3 days out of 7", 7, "on 3 days a week"),
        ("7일 중 4일 퇴근 후 영어 일기 쓰기", 7, "주 4일"),
    ],
)
def test_some_days_of_a_week_are_a_weekly_rate_said_once(action, days, weekly):
    card = ExperimentCard()
    set_action(card, action, "ko" if "일" in action else "en", date(2026, 12, 7))
    assert card.duration_days == days and weekly in card.action
    assert "next for" not in card.action and card.action.count("7") <= 1 + ("7일" in card.action)
    assert "this week" in card.daily_check or "이번 주" in card.daily_check


@pytest.mark.parametrize(
    "text, plan",
    [
        ("What if instead I painted the back porch view once a day for 7 days?", "I will paint the back porch view once a day for 7 days."),
        ("maybe i run a tasting every friday for 2 weeks?", "I will run a tasting every friday for 2 weeks."),
        ("ok what about me texting two old clients a week", "I will text two old clients a week"),
        ("판례 설명해 볼까요?", "판례 설명해 볼게요."),
    ],
)
def test_a_plan_put_as_a_question_is_read_as_the_plan(text, plan):
    assert plans_in(text) == plan


def test_a_worry_put_as_what_if_is_no_plan():
    assert plans_in("what if i fail?") == "what if i fail?"


@pytest.mark.parametrize(
    "text, kept",
    [
        ("You didn't answer my question about Mr. Wei, but never mind. What drains me is keeping up with tutorials.", "What drains me is keeping up with tutorials."),
        ("remove 'no not early' from the list. built a tiny saas demo and they paid 2x my rate", "built a tiny saas demo and they paid 2x my rate"),
        ("You've written down the wrong words there, it isn't 'enjoy that others find tedious', it's sitting with lonely patients", "sitting with lonely patients"),
        ("잠깐만요, 제가 초반인지 아닌지는 아직 말씀 안 드린 것 같은데요. 민원 업무로는 18년차예요", "민원 업무로는 18년차예요"),
        ("빨리 배운거 말고 R이랑 파이썬이요", "R이랑 파이썬이요"),
        ("I enjoy taking notes on the list of bugs", "I enjoy taking notes on the list of bugs"),
    ],
)
def test_talk_about_the_conversation_is_never_the_answer(text, kept):
    assert own_words(text) == kept


@pytest.mark.parametrize(
    "text",
    [
        "smallest version: just write the draft, even if i don't send it. if the kid is sick then i send it the next day",
        "when my son is home sick I skip the run",
        "no reward. nothing happened yet. undo that. how do i get back to editing the card",
    ],
)
def test_a_sick_child_in_the_plan_or_card_editing_draws_no_check_in(text):
    assert assess(text).level == "none"


def test_a_denial_of_self_harm_after_a_check_in_is_safe():
    said = "what?? no no, I'm totally fine, not hurting myself at all. I just meant if my son gets a cold"
    assert read_answer(said, "harm") == "safe"
    assert assess(said).level != "crisis"


PAINTER = [
    "hi, I'm a retired engineer painting watercolors, I copy youtube tutorials",
    "the tutorials taught me washes and how much water to load",
    "it feels capped when I paint my own porch view, it gets muddy. I think I'm past the base",
    "I enjoy mixing colors and keeping a swatch notebook",
    "You didn't answer my question about Mr. Wei, but never mind. Keeping up with tutorials in real time drains me.",
]


def test_a_complaint_beside_the_answer_is_not_stored(make_coach):
    chat = Chat(make_coach, "painter")
    chat.say(*PAINTER)
    names = [s.name for s in chat.coach.state("painter").strengths]
    assert not any("answer my question" in n or n.strip(". ") in ("Mr", "Wei") for n in names)
    assert any("tutorials in real time" in s.name for s in chat.coach.state("painter").strengths if s.kind == "drain")


def test_an_own_plan_beside_a_complaint_is_the_card(make_coach):
    chat = Chat(make_coach, "painter")
    chat.say(*PAINTER, "Give me an idea")
    chat.say("That's the same suggestion as last time, I'm afraid. I'll decide myself. I will paint the porch at 4pm on 3 days for 7 days.")
    assert "paint the porch at 4pm" in chat.card.action and chat.card.duration_days == 7
    assert chat.step == "card_hypothesis"


def test_a_proposal_put_as_a_question_becomes_the_action(make_coach):
    chat = Chat(make_coach, "painter")
    chat.say(*PAINTER, "Give me an idea")
    chat.say("That's a bit vague for my taste. What if instead I painted the back porch view once a day for 7 days, without any tutorial?")
    assert chat.card.action.startswith("I will paint the back porch view") and "vague" not in chat.card.action


def _to_confidence(chat: Chat) -> None:
    chat.say(*PAINTER, "Give me an idea", "I will paint the porch at 4pm once a day for 7 days.",
             "I expect cleaner colors; the signal is which paintings my coffee group picks",
             "one 10-minute color study. If I reach for a tutorial, then I'll open the swatch book instead.")
    assert chat.step == "card_confidence"


def test_a_rating_with_a_reason_never_becomes_the_action(make_coach):
    chat = Chat(make_coach, "painter")
    _to_confidence(chat)
    action = chat.card.action
    chat.say("Every single day is ambitious with the grandchildren visiting. I'd say a 5, realistically.")
    assert chat.card.confidence == 5 and chat.card.action == action and chat.step == "card_shrink"
    chat.say("Perhaps make it 2 days out of the 7 instead?")
    assert "on 2 days a week" in chat.card.action and chat.card.duration_days == 7
    assert "this week" in chat.card.daily_check
    chat.say("That would be a 7, I think.")
    assert chat.card.status == "running" and chat.card.confidence == 7


def test_the_review_tells_effort_from_the_world_and_is_saved_when_the_next_asks_for_an_idea(make_coach):
    chat = Chat(make_coach, "painter")
    _to_confidence(chat)
    chat.say("7")
    coach, sid = chat.coach, "painter-2"
    chat.sid = sid
    text = chat.say("Hello again. I managed 3 of the 7 days. But the coffee group really liked the late light one; two of them asked if they could have it!")
    assert "3 of the 7 days" in text and "coffee group really liked" in text and "how much you did" in text
    chat.say("+1", "Plus: the swatch colors kept it clean. Minus: I skipped the smallest version on busy days.")
    text = chat.say("What would you suggest? I'm tempted to try the creek, but I wonder if I should stay with the porch.")
    done = [c for c in coach.state(sid).experiments if c.review is not None]
    assert done and done[-1].status == "reviewed" and done[-1].review.reward == 1
    assert "exploit" in text and "staying with it" in text
    assert "reading the data the labellers" not in text  # the review's quote is about learning from what your actions earned


def test_a_new_session_that_tells_what_came_of_the_card_opens_its_review(make_coach):
    coach = make_coach()
    for m in ["유명 스트리머 방송 포맷 그대로 따라 하는 중", "기반은 됨", "채팅 드립 받아치는 거 ㄹㅇ 잘함", "긴 방송 혼자 하는 거 개힘듦",
              "7일 동안 방송 하이라이트 숏츠 매일 하나 올릴게"]:
        coach.ask(m, "stream")
    state = coach.state("stream")
    assert any("긴 방송" in s.name for s in state.strengths if s.kind == "drain")  # "개힘듦": a drain
    assert not any("숏츠" in s.name for s in state.strengths)  # a plan said early is the card, not a strength
    assert "숏츠" in state.experiments[-1].action and state.experiments[-1].duration_days == 7
    for m in ["숏츠 보고 방송 오는 사람이 늘 것 같음. 신호는 조회수", "힘든 날엔 클립 하나만 자르기. 만약 방송 길어지면 다음 날 올리기", "8"]:
        coach.ask(m, "stream")
    assert any(c.status == "running" for c in coach.state("stream").experiments)
    text = coach.ask("ㅎㅇ 일주일 해봄. 숏츠 매일 올렸는데 조회수 쫌 오름 ㅋㅋ", "stream-2").text
    assert coach.state("stream-2").guided.step == "review_reward", text
