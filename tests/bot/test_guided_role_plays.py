"""Classes of misunderstanding found by role-playing unfamiliar people against the guided coach
(an ecology PhD student, a retired cookie-shop owner), each checked with wordings of our own
beside the one that was said.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.guided import card as cards
from bot.guided import card_changes
from bot.guided.card import strength_phrase
from bot.guided.parsing import tenure_days, where_by_tenure
from bot.models import ExperimentCard

TODAY = date(2026, 12, 1)

ENGLISH_START = ["I'm a 3rd year phd student in ecology", "I copy my advisor's way of writing papers, it works ok but feels flat",
                 "I'm pretty far in, I've published two papers already",
                 "I'm good at fieldwork, like noticing weird stuff in plots", "I picked up R in a month",
                 "formatting references drains me"]
KOREAN_START = ["퇴직하고 동네에서 작은 쿠키 가게를 해요", "유튜브 레시피를 그대로 따라서 굽고 있어요", "시작한 지 석 달 됐어요",
                "손님들이랑 수다 떠는 건 잘해요", "반죽 온도 맞추는 걸 금방 익혔어요", "재료 원가 계산하는 거 진짜 싫어요"]


def _at_design(make_coach, script: list[str], sid: str):
    coach = make_coach()
    for message in script:
        coach.ask(message, sid)
    assert coach.state(sid).guided.step == "design_options", coach.state(sid).guided
    return coach


@pytest.mark.parametrize("said", ["the second one sounds good", "option 2 please", "let's do the third one"])
def test_a_pick_by_position_with_nothing_offered_is_asked_about(make_coach, said) -> None:
    # "the second one sounds good" with no options on the table had become "I will the second one sounds good".
    coach = _at_design(make_coach, ENGLISH_START, "phd")
    reply = coach.ask(said, "phd")
    state = coach.state("phd")
    assert "which one you mean" in reply.text
    assert state.guided.step == "design_options" and not any(c.action for c in state.experiments)


@pytest.mark.parametrize("said", ["두 번째로 할게요", "세 번째 거요"])
def test_a_korean_pick_by_position_with_nothing_offered_is_asked_about(make_coach, said) -> None:
    coach = _at_design(make_coach, KOREAN_START, "shop")
    reply = coach.ask(said, "shop")
    assert "어느 것을 말씀하시는지" in reply.text and not any(c.action for c in coach.state("shop").experiments)


def test_a_length_before_any_action_is_kept_for_it_and_no_empty_card_is_shown(make_coach) -> None:
    coach = _at_design(make_coach, ENGLISH_START, "phd")
    reply = coach.ask("10 days", "phd")
    assert "Your card now" not in reply.text and "10 days" in reply.text
    coach.ask("I will walk one plot each morning and photograph anything odd", "phd")
    card = coach.state("phd").experiments[-1]
    assert card.duration_days == 10 and card.action.endswith("for 10 days"), card


@pytest.mark.parametrize("said", ["actually can you make it a week instead", "could you pick one for me"])
def test_a_request_to_the_coach_is_not_an_action(said) -> None:
    assert not cards.plausible_action(said)
    assert not cards.plausible_action("일주일로 바꿔 주세요") and cards.plausible_action("매일 아침 반죽 온도를 기록할게요")


def test_an_acknowledgement_before_the_drain_is_not_the_drain(make_coach) -> None:
    coach = make_coach()
    for message in ENGLISH_START[:5]:
        coach.ask(message, "phd")
    assert coach.state("phd").guided.step == "strengths_drain"
    coach.ask("ok. what drains me is formatting references and reviewer responses", "phd")
    drains = [s.name for s in coach.state("phd").strengths if s.kind == "drain"]
    assert drains and drains[0].startswith("formatting references"), drains


@pytest.mark.parametrize("said, kind", [
    ("재료 원가 계산하는 거. 머리 아파요", "drain"),
    ("세금 신고요. 너무 귀찮아요", "drain"),
    ("보호자에게 어려운 설명을 쉽게 풀어 주는 걸 좋아해요. 다들 귀찮아하는데요", "strength"),
    ("Cleaning messy field data. Most people find it tedious but I enjoy it", "strength"),
])
def test_a_chore_is_a_drain_unless_it_is_other_people_who_mind_it(make_coach, said, kind) -> None:
    coach = make_coach()
    script = KOREAN_START[:3] if "요" in said else ENGLISH_START[:3]
    for message in script:
        coach.ask(message, "p")
    coach.ask(said, "p")
    kinds = [s.kind for s in coach.state("p").strengths]
    assert kinds and kinds[-1] == kind, coach.state("p").strengths


def test_a_number_at_the_hypothesis_question_waits_for_the_confidence_question(make_coach) -> None:
    coach = _at_design(make_coach, KOREAN_START, "shop")
    coach.ask("2주 동안 매일 단골 두 명에게 새 쿠키 맛을 물어볼게요", "shop")
    assert coach.state("shop").guided.step == "card_hypothesis"
    reply = coach.ask("6 정도", "shop")
    card = coach.state("shop").experiments[-1]
    assert card.hypothesis == "" and "몇 점인지는 조금 뒤에" in reply.text


@pytest.mark.parametrize("said, where", [
    ("시작한 지 석 달 됐어요", "early"), ("반년 됐어요", "early"), ("I started 4 months ago", "early"),
    ("just two weeks in", "early"), ("15년째 하고 있어요", "past"), ("been doing this for 3 years now", "past"),
    ("a year and a half", None), ("I run every project off the handbook", None),
])
def test_time_at_it_answers_early_or_past_the_base(said, where) -> None:
    assert where_by_tenure(said) == where, tenure_days(said)


def test_time_at_it_is_taken_at_the_early_or_past_question(make_coach) -> None:
    coach = make_coach()
    for message in KOREAN_START[:3]:
        coach.ask(message, "shop")
    assert coach.state("shop").guided.where == "early"


@pytest.mark.parametrize("action, said, lang, expect", [
    ("I will read one raw log each morning", "daily is too much, twice a week", "en", "twice a week"),
    ("I will read one raw log every day", "can we do every other day instead", "en", "every other day"),
    ("매일 아침 단골에게 새 맛을 물어볼게요", "매일 하는 건 힘들고 일주일에 두 번만 할래요", "ko", "일주일에 두 번"),
])
def test_a_new_rate_rewrites_the_action_and_the_check_becomes_weekly(action, said, lang, expect) -> None:
    card = ExperimentCard(title="", action="")
    cards.set_action(card, action, lang, TODAY, 10)
    assert card_changes.correction(card, said, lang, TODAY) == "action"
    assert expect in card.action and card.duration_days == 10
    assert "each morning" not in card.action and "every day" not in card.action and "매일" not in card.action
    assert ("this week" in card.daily_check or "이번 주" in card.daily_check) and expect not in card.daily_check


def test_a_rate_said_in_chat_lands_on_the_card(make_coach) -> None:
    coach = _at_design(make_coach, KOREAN_START, "shop")
    coach.ask("2주 동안 매일 단골 두 명에게 새 쿠키 맛을 물어볼게요", "shop")
    reply = coach.ask("매일은 힘들 것 같아요. 일주일에 세 번으로 할게요", "shop")
    card = coach.state("shop").experiments[-1]
    assert "일주일에 세 번" in card.action and "이번 주" in card.daily_check, (reply.text, card)


@pytest.mark.parametrize("said, phrase", [
    ("I can code R pretty fast", "coding R"), ("I'm really good at fieldwork.", "fieldwork"),
    ("I love untangling messy stakeholder politics", "untangling messy stakeholder politics"),
    ("손님들이랑 수다 떠는 건 잘해요", "손님들이랑 수다 떠는 것"), ("단골 얼굴이랑 취향 다 기억하고요", "단골 얼굴이랑 취향 다 기억하기"),
    ("엑셀을 정말 잘해요", "엑셀"), ("reading raw logs", "reading raw logs"), ("I picked up R in a month", "R"),
    ("I learned budgeting really fast", "budgeting"), ("반죽 온도 맞추는 걸 금방 익혔어요", "반죽 온도 맞추는 걸 익힌 것"),
])
def test_ideas_build_on_the_strength_as_a_phrase(said, phrase) -> None:
    assert strength_phrase(said) == phrase


# A terse junior developer, in Korean: a hedged early, a strength said with "~하는 편", and a request
# for an idea before any strength was found.
DEVELOPER_START = ["개발자 2년차", "회사 시니어 코드 스타일 그대로 베낌"]


@pytest.mark.parametrize("said", ["모르겠음 초반인듯?", "잘 모르겠지만 아직 초반인 것 같아요", "I don't know, still early I guess?"])
def test_a_hedged_early_is_an_answer_to_the_early_or_past_question(make_coach, said) -> None:
    coach = make_coach()
    for message in DEVELOPER_START:
        coach.ask(message, "dev")
    assert coach.state("dev").guided.step == "imitation_capped"
    coach.ask(said, "dev")
    state = coach.state("dev")
    assert state.guided.where == "early" and state.guided.step == "strengths_clue"


@pytest.mark.parametrize("said", ["디버깅은 빨리 찾는 편", "버그 찾는 건 자신 있어요", "I'm quick at spotting flaky tests"])
def test_a_strength_said_at_the_early_or_past_question_is_kept(make_coach, said) -> None:
    coach = make_coach()
    for message in DEVELOPER_START:
        coach.ask(message, "dev")
    coach.ask(said, "dev")
    state = coach.state("dev")
    assert [s.name for s in state.strengths if s.kind == "strength"] == [said]
    assert state.guided.step == "strengths_clue"


@pytest.mark.parametrize("script, ask, empty", [
    (["개발자 2년차", "회사 시니어 코드 스타일 그대로 베낌", "초반이요", "회의록 쓰는 거 개극혐"], "아이디어 줘봐", "“”"),
    (["I'm a junior dev", "I copy my lead's code style", "still early", "writing meeting notes drains me"], "give me an idea", "“”"),
])
def test_an_idea_asked_before_any_strength_is_an_example_of_one_not_an_empty_card(make_coach, script, ask, empty) -> None:
    coach = make_coach()
    for message in script:
        coach.ask(message, "dev")
    reply = coach.ask(ask, "dev")
    state = coach.state("dev")
    assert empty not in reply.text and state.guided.suggestion is None
    assert not any(c.action for c in state.experiments)


# A skeptical chemistry teacher: what would show it worked, said where an action was asked for, and
# a request for an idea in other words.
@pytest.mark.parametrize("said", ["if they ask more questions in class, it worked", "when parents reply, that's a win",
                                  "질문이 늘면 성공이에요"])
def test_what_would_show_it_worked_is_not_an_action(said) -> None:
    assert not cards.plausible_action(said)


@pytest.mark.parametrize("said", ["when I finish grading early, I'll read one paper", "once a week I will call a parent",
                                  "수업이 끝나면 질문 하나씩 받을게요"])
def test_an_action_with_a_when_is_still_an_action(said) -> None:
    assert cards.plausible_action(said)


@pytest.mark.parametrize("script, said", [
    (ENGLISH_START, "ok whatever, give me something"),
    (ENGLISH_START, "you pick"),
    (KOREAN_START, "아무거나 주세요"),
])
def test_a_request_for_an_idea_in_other_words_gets_one(make_coach, script, said) -> None:
    coach = _at_design(make_coach, script, "p")
    coach.ask(said, "p")
    state = coach.state("p")
    assert state.guided.suggestion is not None and state.guided.step == "design_pick"
