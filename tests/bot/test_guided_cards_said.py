"""What lands on the experiment card from what people said at the design and card steps: the lead-ins
and picks around an action, rates inside it, corrections said while a card question is pending,
labels before values, titles and checks, the shrinking, and questions said beside a "next".
Each class found by role-plays is checked with the verbatim line and with wordings of our own.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.guided import card as cards
from bot.guided import card_changes
from bot.guided.parsing import parse_duration, said_action
from bot.models import ExperimentCard
from guided_support import Chat

TODAY = date(2026, 12, 1)

ENGLISH_START = ["I'm a designer, I copy other illustrators' portfolios", "I'm past the base, 6 years in",
                 "I draw little comics about my grandma's bakery and people love them", "formatting slides drains me"]
KOREAN_START = ["퇴직하고 동네에서 작은 쿠키 가게를 해요", "유튜브 레시피를 그대로 따라서 굽고 있어요", "시작한 지 석 달 됐어요",
                "손님들이랑 수다 떠는 건 잘해요", "반죽 온도 맞추는 걸 금방 익혔어요", "재료 원가 계산하는 거 진짜 싫어요"]
EN_HYPOTHESIS = "I expect art directors to answer. Signal: replies from art directors"
KO_HYPOTHESIS = "썰툰을 올리면 손님들이 가게 얘기를 더 할 것 같아요. 신호는 댓글 수예요."


def at_design(make_coach, language: str, sid: str = "") -> Chat:
    chat = Chat(make_coach, sid or language)
    chat.say(*(KOREAN_START if language == "ko" else ENGLISH_START))
    assert chat.step == "design_options", chat.step
    return chat


def no_fragments(card: ExperimentCard) -> None:
    for name in ("title", "action", "daily_check", "hypothesis", "reward_signal", "smallest_version"):
        value = getattr(card, name)
        for bit in ("두번째", "두 번째", "2번", "말한거", "first one", "second one", "I'ding", "i'd", ": no"):
            assert bit not in value, (name, value)
        assert not value.startswith((":", "=")), (name, value)


# -- 1. lead-ins and picks are not the action ----------------------------------------------------


@pytest.mark.parametrize("options, said, action, title", [
    ("손님 인터뷰 정리하기, 아니면 인사이트 슬랙에 올리기", "두번째요. 2주 동안 매일 인터뷰 인사이트 한 줄 슬랙에 올릴게요",
     "14일 동안 매일 인터뷰 인사이트 한 줄 슬랙에 올릴게요", "인터뷰 인사이트 슬랙에 올리기"),
    ("인스타에 썰툰 올리기, 아니면 블로그에 후기 쓰기", "제가 말한 1번이요 인스타에 썰툰 올리기", "인스타에 썰툰 올리기", "인스타에 썰툰 올리기"),
    ("손님 인터뷰 정리하기, 아니면 인사이트 슬랙에 올리기", "첫 번째 거요. 열흘 동안", "10일 동안 손님 인터뷰 정리하기", "손님 인터뷰 정리하기"),
])
def test_a_korean_pick_and_its_lead_in_are_not_the_action(make_coach, options, said, action, title) -> None:
    chat = at_design(make_coach, "ko")
    chat.say(options)
    assert chat.step == "design_pick"
    reply = chat.say(said)
    assert chat.card.action == action and chat.card.title == title, chat.card
    assert f"“{title}”" in reply
    no_fragments(chat.card)


@pytest.mark.parametrize("said", [
    "아니 제가 하고 싶은거 말한거예요. 2주 동안 스터디 친구한테 하루에 판례 하나씩 설명해줄게요",
    "음 그게 아니라요. 2주 동안 스터디 친구한테 하루에 판례 하나씩 설명해줄게요",
])
def test_a_remark_before_the_korean_action_is_dropped(make_coach, said) -> None:
    chat = at_design(make_coach, "ko")
    chat.say(said)
    card = chat.card
    assert card.action == "14일 동안 스터디 친구한테 하루에 판례 하나씩 설명해줄게요", card
    assert card.title == "스터디 친구한테 판례 설명해 주기" and card.duration_days == 14
    assert card.daily_check.startswith("오늘 스터디 친구한테") and "설명해줄게요를" not in card.daily_check
    no_fragments(card)


@pytest.mark.parametrize("said, action", [
    ("ideas: 1) put 3 of the grandma bakery comics in my portfolio 2) post one comic a week on instagram. "
     "i'd start with the first one i think", "I will put 3 of the grandma bakery comics in my portfolio"),
    ("Two ideas: 1) post one comic a week on instagram 2) send my portfolio to art directors. I'd go with the second one.",
     "I will send my portfolio to art directors"),
])
def test_an_ordinal_names_an_option_the_person_just_listed(make_coach, said, action) -> None:
    chat = at_design(make_coach, "en")
    reply = chat.say(said)
    card = chat.card
    assert card.action == action, card
    assert card.title in ("Putting 3 grandma bakery comics", "Sending my portfolio"), card.title
    assert "I'ding" not in reply and "start with" not in card.action
    no_fragments(card)


@pytest.mark.parametrize("said, action", [
    ("no, the second one: I will send my portfolio with 3 bakery comics to one art director a day",
     "I will send my portfolio with 3 bakery comics to one art director a day"),
    ("the second one but for 10 days", "I will send my portfolio to art directors for 10 days"),
    ("that's what I meant. I'll send my portfolio to two art directors", "I will send my portfolio to two art directors"),
])
def test_an_english_pick_and_its_lead_in_are_not_the_action(make_coach, said, action) -> None:
    chat = at_design(make_coach, "en")
    chat.say("post one comic a week, or send my portfolio to art directors")
    assert chat.step == "design_pick"
    chat.say(said)
    assert chat.card.action == action and chat.card.title == "Sending my portfolio", chat.card
    no_fragments(chat.card)


def test_said_action_keeps_the_action_and_the_pick() -> None:
    assert said_action("두번째요. 2주 동안 매일 올릴게요") == ("2주 동안 매일 올릴게요", 1)
    assert said_action("일주일에 2번 썰툰 올릴게요") == ("일주일에 2번 썰툰 올릴게요", None)  # a rate, not option 2
    assert said_action("ok so I will rewrite one doc a day. whats next?") == ("I will rewrite one doc a day.", None)


# -- 2. "a day" inside an action is a rate ---------------------------------------------------------


@pytest.mark.parametrize("text, days", [
    ("send my portfolio with 3 bakery comics to one art director a day", None),
    ("rewrite one messy internal doc a day and post a before/after", None),
    ("spend one evening a week mapping contacts for 4 weeks", 28),
    ("I will draw a comic a day", None),
    ("a week is fine", 7), ("let's do a week", 7), ("Make it two weeks, one call a week.", 14),
    ("2주 동안 하루에 판례 하나씩 설명할게요", 14),
])
def test_a_rate_inside_an_action_is_not_its_length(text, days) -> None:
    assert parse_duration(text) == days


def test_an_option_with_a_rate_still_asks_for_the_length(make_coach) -> None:
    chat = at_design(make_coach, "en")
    chat.say("rewrite one messy internal doc a day and post a before/after, or pair with juniors on comics")
    reply = chat.say("the first one")
    card = chat.card
    assert chat.step == "card_duration" and card.duration_days is None and "For how long" in reply
    assert card.action == "I will rewrite one messy internal doc a day and post a before/after", card
    chat.say("7 days")
    assert chat.card.action.endswith("a day and post a before/after for 7 days") and "1 days" not in chat.card.action


def test_changing_the_action_to_one_with_a_rate_changes_the_action(make_coach) -> None:
    chat = at_design(make_coach, "en")
    chat.say("I will send my portfolio to art directors for 14 days")
    reply = chat.say("change the action to: send my portfolio with 3 bakery comics to one art director a day")
    card = chat.card
    assert card.action == "I will send my portfolio with 3 bakery comics to one art director a day for 14 days", card
    assert card.duration_days == 14 and "1 days" not in reply and "Changed. Your card now:" in reply
    assert card.daily_check == "Did I send my portfolio with 3 bakery comics to one art director today? (yes/no)"


# -- 3. corrections at a pending card question -----------------------------------------------------


def en_at_hypothesis(make_coach, sid: str = "") -> Chat:
    chat = at_design(make_coach, "en", sid)
    chat.say("I will send my portfolio to art directors for 14 days")
    assert chat.step == "card_hypothesis"
    return chat


def ko_at_hypothesis(make_coach, sid: str = "") -> Chat:
    chat = at_design(make_coach, "ko", sid)
    chat.say("5일 동안 인스타에 썰툰 2개 올릴게요")
    assert chat.step == "card_hypothesis"
    return chat


@pytest.mark.parametrize("said, field, value", [
    ("change the strength to reading core dumps and flame graphs", "strength", "reading core dumps and flame graphs"),
    ("oh and the strength should be: drawing short comics", "strength", "drawing short comics"),
    ("no. the action is: I will rewrite the deploy runbook in a 2pm slot each day for 5 days", "action",
     "I will rewrite the deploy runbook in a 2pm slot each day for 5 days"),
    ("wait, title should be “Art director outreach”", "title", "Art director outreach"),
])
def test_an_english_correction_at_the_hypothesis_question_changes_the_card(make_coach, said, field, value) -> None:
    chat = en_at_hypothesis(make_coach)
    reply = chat.say(said)
    card = chat.card
    assert getattr(card, field) == value, card
    assert card.hypothesis == "" and card.reward_signal == "", card
    assert "Changed. Your card now:" in reply and "Where we were: If you do this" in reply
    assert chat.step == "card_hypothesis"
    if field == "action":
        assert card.duration_days == 5 and card.title == "Rewriting deploy runbook"
    chat.say(EN_HYPOTHESIS)
    assert chat.card.hypothesis.startswith("If I keep this up") and chat.card.reward_signal == "replies from art directors"


def test_a_change_beside_an_answer_keeps_both(make_coach) -> None:
    chat = en_at_hypothesis(make_coach)
    reply = chat.say("the title should be Outreach sprint. I expect art directors to reply. Signal: replies")
    card = chat.card
    assert card.title == "Outreach sprint" and card.hypothesis.endswith("I expect art directors to reply.")
    assert card.reward_signal == "replies" and "Changed. Your card now:" in reply and chat.step == "card_smallest"
    chat = en_at_hypothesis(make_coach, "en-2")
    chat.say("the title is fine. I expect art directors to reply. Signal: replies")
    assert chat.card.title == "Sending my portfolio" and chat.card.reward_signal == "replies"


def test_several_fields_change_in_one_message(make_coach) -> None:
    chat = en_at_hypothesis(make_coach)
    reply = chat.say("ok wait the title and action are broken. title should be 'bakery comics portfolio' "
                     "and the action is send the portfolio to 5 art directors")
    card = chat.card
    assert card.title == "bakery comics portfolio" and card.action == "I will send the portfolio to 5 art directors for 14 days"
    assert card.hypothesis == "" and "Where we were" in reply and chat.step == "card_hypothesis"


@pytest.mark.parametrize("said, field, value", [
    ("제목이요 제목. 썰툰 챌린지로", "title", "썰툰 챌린지"),
    ("잠깐 제목이 이상해요 ㅋㅋ 판례 설명하기로 해주세요", "title", "판례 설명하기"),
    ("제목 바꿔주세요: 판례 설명하기", "title", "판례 설명하기"),
    ("행동도요. 5일 동안 썰툰 1개 올리기로 바꿔줘요", "action", "5일 동안 썰툰 1개 올리기"),
    ("강점은 손님이랑 수다 떠는 걸로 바꿔 주세요", "strength", "손님이랑 수다 떠는 걸"),
])
def test_a_korean_correction_at_the_hypothesis_question_changes_the_card(make_coach, said, field, value) -> None:
    chat = ko_at_hypothesis(make_coach)
    reply = chat.say(said)
    card = chat.card
    assert getattr(card, field) == value, card
    assert card.hypothesis == "" and card.smallest_version == "", card
    assert "바꿨어요" in reply and "어느 부분을 바꿀까요" not in reply and "하던 이야기로 돌아가면" in reply
    assert chat.step == "card_hypothesis"


def test_a_change_to_the_same_value_is_not_called_a_change(make_coach) -> None:
    chat = en_at_hypothesis(make_coach)
    reply = chat.say("make it 14 days")
    assert "Changed" not in reply and chat.card.duration_days == 14
    chat = ko_at_hypothesis(make_coach, "ko-2")
    reply = chat.say("기간을 5일로 바꿔 주세요")
    assert "바꿨어요" not in reply and chat.card.duration_days == 5


def test_correction_reads_fields_and_values() -> None:
    card = ExperimentCard(title="", action="")
    cards.set_action(card, "I will post one comic a week", "en", TODAY, 14)
    assert card_changes.correction(card, "change the title to: Comic week", "en", TODAY) == "title"
    assert card.title == "Comic week"
    assert card_changes.correction(card, "the check should be daily", "en", TODAY) == "daily_check"
    assert card.daily_check.endswith("today? (yes/no)")
    head, changes = card_changes.field_changes("I expect the title of my posts to get more clicks")
    assert changes == []  # a field's word inside an answer is not a change
    assert card_changes.field_changes("손님 이름을 외우기로 할게요")[1] == []


# -- 4. labels before values -------------------------------------------------------------------------


@pytest.mark.parametrize("value, expect", [
    ("signal = replies, or a paid job", "replies, or a paid job"),
    ("smallest version is rewrite one paragraph.", "rewrite one paragraph."),
    ("Signal: replies", "replies"),
    ("신호는 댓글 수예요.", "댓글 수"),
    ("가장 작은 버전: 한 컷만 그리기", "한 컷만 그리기"),
])
def test_a_label_before_a_value_is_not_kept(value, expect) -> None:
    assert cards.clean(value) == expect


def test_labelled_answers_store_just_the_value(make_coach) -> None:
    chat = en_at_hypothesis(make_coach)
    chat.say("I expect art directors to answer")
    if chat.step == "card_reward_signal":
        chat.say("signal = replies, or a paid job")
        assert chat.card.reward_signal == "replies, or a paid job"
    assert chat.step == "card_smallest"
    chat.say("this is broken but ok. smallest version: post a 5-line summary of one comic")
    assert chat.card.smallest_version == "post a 5-line summary of one comic", chat.card
    assert chat.step == "card_obstacle"


def test_a_smallest_version_with_a_labelled_obstacle_splits(make_coach) -> None:
    chat = en_at_hypothesis(make_coach)
    chat.say(EN_HYPOTHESIS)
    reply = chat.say("just send one email. obstacle is i'll want to redraw everything")
    assert chat.card.smallest_version == "just send one email." and chat.step == "card_obstacle_then", reply
    chat.say("then I send it as is")
    assert chat.card.obstacle_plan == "If I'll want to redraw everything, then I send it as is"


def test_a_korean_labelled_smallest_version(make_coach) -> None:
    chat = ko_at_hypothesis(make_coach)
    chat.say(KO_HYPOTHESIS)
    assert chat.card.reward_signal == "댓글 수"
    chat.say("가장 작은 버전: 한 컷만 올리기. 만약 가게가 바쁘면, 밤에 올릴게요.")
    assert chat.card.smallest_version == "한 컷만 올리기." and chat.card.obstacle_plan.startswith("만약 가게가 바쁘면")


# -- 5. titles and checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("action, title", [
    ("I will skip the 9pm networking events and spend one evening a week mapping who I want to meet for 28 days",
     "Skipping 9pm networking events"),
    ("I will read raw logs for 20 minutes each morning for 21 days", "Reading raw logs"),
    ("I will talk to my team about the logs for 7 days", "Talking to my team"),
    ("I will post a weekly oddity note for 7 days", "Posting a weekly oddity note"),
    ("14일 동안 시장서 본 제철 재료로 반찬 하나 바꿔볼게요", "제철 재료로 반찬 바꾸기"),
    ("14일 동안 매일 인터뷰 인사이트 한 줄 슬랙에 올릴게요", "인터뷰 인사이트 슬랙에 올리기"),
    ("7일 동안 블로그에 후기 쓸게요", "블로그에 후기 쓰기"),
    ("7일 동안 쿠키 상자 만들게요", "쿠키 상자 만들기"),
])
def test_a_title_is_a_short_noun_phrase(action, title) -> None:
    assert cards.title_for(action) == title
    assert not title.endswith(("볼게요", "할게요", "the", "to"))


@pytest.mark.parametrize("action, check", [
    ("I will skip the 9pm networking events and spend one evening a week mapping who I want to meet for 28 days",
     "Did I skip the 9pm networking events this week? (yes/no)"),
    ("I will spend one evening a week mapping contacts for 28 days", "Did I spend one evening mapping contacts this week? (yes/no)"),
    ("I will send my portfolio to one art director a day for 14 days", "Did I send my portfolio to one art director today? (yes/no)"),
    ("I will read core dumps, (flame graphs) and logs for 5 days", "Did I read core dumps today? (yes/no)"),
    ("I will post a weekly oddity note for 7 days", "Did I post an oddity note this week? (yes/no)"),
    ("14일 동안 시장서 본 제철 재료로 반찬 하나 바꿔볼게요", "오늘 시장서 본 제철 재료로 반찬 하나 바꿔 보기를 했나요? (예/아니요)"),
    ("14일 동안 월수금에만 썰툰 올릴게요", "이번 주에 월수금에 썰툰 올리기를 했나요? (예/아니요)"),
    ("14일 동안 일주일에 3번 썰툰 올릴게요", "이번 주에 3번 썰툰 올리기를 했나요? (예/아니요)"),
])
def test_a_check_matches_the_cadence_and_reads_well(action, check) -> None:
    assert cards.check_for(action, "ko" if "일 동안" in action else "en") == check


def test_a_weekly_english_action_keeps_its_rate_and_gets_a_weekly_check(make_coach) -> None:
    chat = at_design(make_coach, "en")
    chat.say("I will skip the 9pm networking events and spend one evening a week mapping who I actually want to meet, for 4 weeks")
    card = chat.card
    assert "one evening a week" in card.action and card.duration_days == 28
    assert card.title == "Skipping 9pm networking events" and card.daily_check.endswith("this week? (yes/no)")


# -- 6. the shrinking ------------------------------------------------------------------------------------


def ko_at_shrink(make_coach) -> Chat:
    chat = ko_at_hypothesis(make_coach)
    chat.say(KO_HYPOTHESIS, "바쁜 날에는 썰툰 한 컷만. 만약 가게가 바쁘면, 밤에 올릴게요.", "4")
    assert chat.step == "card_shrink"
    return chat


def test_a_smaller_amount_rewrites_the_korean_action(make_coach) -> None:
    chat = ko_at_shrink(make_coach)
    reply = chat.say("하루 분량 줄이기요. 썰툰 1개만")
    card = chat.card
    assert card.action == "5일 동안 인스타에 썰툰 1개 올릴게요" and "2개" not in card.action, card
    assert card.title == "인스타에 썰툰 1개 올리기" and "1개" in card.daily_check
    assert chat.step == "card_confidence" and "이제: 5일 동안 인스타에 썰툰 1개" in reply


@pytest.mark.parametrize("said", ["5일 동안 썰툰 1개 올릴게요", "그냥 5일 동안 썰툰 1개만 올릴게요"])
def test_a_smaller_version_said_whole_replaces_the_action(make_coach, said) -> None:
    chat = ko_at_shrink(make_coach)
    chat.say(said)
    card = chat.card
    assert "썰툰 1개" in card.action and "2개" not in card.action and card.action.startswith("5일 동안"), card
    assert card.action.count("썰툰") == 1 and chat.step == "card_confidence"
    chat.say("8")
    assert chat.card.status == "running" and chat.card.confidence == 8


def test_a_smaller_version_said_at_the_confidence_question_is_not_a_score(make_coach) -> None:
    chat = ko_at_shrink(make_coach)
    chat.say("하루 분량 줄이기요. 썰툰 1개만")
    chat.say("3일 동안 썰툰 1개 올릴게요")
    card = chat.card
    assert card.confidence is None and card.duration_days == 3 and chat.step == "card_confidence", card


def test_an_english_smaller_version_replaces_the_action(make_coach) -> None:
    chat = en_at_hypothesis(make_coach)
    chat.say(EN_HYPOTHESIS, "On a bad day, one email. If I'm swamped, then I send it at lunch.", "5")
    assert chat.step == "card_shrink"
    chat.say("I will send my portfolio to one art director a week")
    card = chat.card
    assert card.action == "I will send my portfolio to one art director a week for 14 days", card
    assert card.daily_check.endswith("this week? (yes/no)") and chat.step == "card_confidence"


# -- 7. a question said with the next experiment ----------------------------------------------------------


def test_a_question_beside_the_next_is_not_part_of_the_proposed_action(make_coach) -> None:
    chat = en_at_hypothesis(make_coach)
    chat.say(EN_HYPOTHESIS, "On a bad day, one email. If I'm swamped, then I send it at lunch.", "8")
    assert chat.card.status == "running"
    chat.say("I have results", "did it 3 of 14 days, two people replied", "+1", "the emails got replies, but mornings were hard")
    assert chat.step == "review_next"
    reply = chat.coach.ask("change one thing, move it to after lunch. whats the next experiment then?", chat.sid)
    proposal = next(line for line in reply.text.splitlines() if line.startswith("My proposal"))
    assert "whats the next" not in proposal and "move it to after lunch for 14 days" in proposal, proposal
    assert not any("?" in o for o in reply.options), reply.options
    chat.say("yes")
    assert "?" not in chat.card.action and chat.card.action.startswith("I will change one thing"), chat.card
