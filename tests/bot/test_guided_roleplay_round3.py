"""Third round of role-plays against the guided coach (8 people, by two helpers): what they said at
the design and card questions that the coach got wrong. Each class is checked with the verbatim line
(or its shape, where the verbatim line needs that person's card) and with wordings of our own.

- a rating said with a reason or with changes ("6. mostly cause …", "one week instead of two … then
  8", "매일은 무리고. 주 3번만. 그럼 8") is the confidence; a reason is never the action;
- turning the coach's idea down ("that's not an idea, that's a mad lib. no.") is no field's value,
  and "something else" gets another idea;
- the bad-day version and the if-then plan said together are both kept;
- "so what do you want me to do?" is a question, not a strength; "주 3번" is a rate, not option 3.
"""

from __future__ import annotations

import pytest

from bot.guided.card import strength_phrase
from bot.guided.parsing import said_action, said_score
from guided_support import Chat

# Reaching the card's questions: the design, then a duration, a hypothesis with its signal.
EN_TO_CARD = ["I feel stuck at work", "I copy my manager's playbook", "I'm past the base",
              "I love rewriting other people's messy docs", "people come to me when docs are confusing",
              "long meetings drain me", "I will rewrite one messy internal doc each morning for 7 days", "7 days",
              "I'll find out if people use them. Signal: bookmarks from the team"]
KO_TO_CARD = ["회사에서 성장이 멈춘 것 같아요", "팀장님 방식을 그대로 따라 하고 있어요", "기반은 갖춰졌어요",
              "인터뷰에서 패턴 찾는 걸 좋아해요", "동료들이 인터뷰 정리를 부탁하러 와요", "긴 회의가 제일 지쳐요",
              "2주 동안 매일 인터뷰 인사이트 한 줄을 슬랙에 올릴게요", "2주", "팀원들이 댓글을 달 것 같아요. 신호는 댓글 수"]


def at(make_coach, language: str, upto: int, sid: str) -> Chat:
    chat = Chat(make_coach, sid)
    chat.say(*(EN_TO_CARD if language == "en" else KO_TO_CARD)[:upto])
    return chat


def at_confidence(make_coach, language: str, sid: str) -> Chat:
    chat = at(make_coach, language, 9, sid)
    chat.say(*(("one paragraph", "if standup eats it, then after lunch") if language == "en" else ("한 단어만", "바쁘면 점심 뒤에")))
    assert chat.step == "card_confidence", chat.step
    return chat


# -- a rating with more ---------------------------------------------------------------------------


@pytest.mark.parametrize("said, score, rest", [
    ("6. mostly cause I'm scared she won't answer", 6, "mostly cause I'm scared she won't answer"),
    ("ugh the action is still garbage but fine. 8 with 3 days", 8, None),
    ("one week instead of two, and weekdays only. then 8", 8, "one week instead of two, and weekdays only"),
    ("매일은 무리고. 한 반만, 학습지 1장. 그럼 8", 8, "매일은 무리고. 한 반만, 학습지 1장"),
    ("7. 근데 작은버전이랑 만약-그러면이 섞였어요", 7, "근데 작은버전이랑 만약-그러면이 섞였어요"),
    ("one doc a week, 7", 7, "one doc a week"),
    ("아마 7 정도요", 7, None),
    # counts and lengths are not ratings
    ("5일 동안 썰툰 1개 올릴게요", None, None), ("10 minutes a day instead", None, None), ("I'll do 3 pages", None, None),
    ("3 days", None, None), ("Day 3 is when it gets hard", None, None),
])
def test_a_rating_said_with_more_is_found_and_taken_out(said, score, rest) -> None:
    found, left = said_score(said)
    assert found == score
    if rest is not None:
        assert left == rest


@pytest.mark.parametrize("language, said, score, shrink", [
    ("en", "6. mostly because mornings are chaotic", 6, True),
    ("en", "7, the hard part is remembering", 7, False),
    ("ko", "6점. 아침이 좀 정신없어서요", 6, True),
    ("ko", "7이요, 까먹는 게 제일 걱정이에요", 7, False),
])
def test_a_rating_with_a_reason_is_the_confidence_and_the_reason_is_not_the_action(make_coach, language, said, score, shrink) -> None:
    chat = at_confidence(make_coach, language, f"reason-{language}-{score}")
    action = chat.card.action
    chat.say(said)
    assert chat.card.action == action
    assert chat.card.confidence == score
    assert chat.step == ("card_shrink" if shrink else "running")


def test_a_rating_with_changes_changes_the_card_and_starts_it(make_coach) -> None:
    chat = at_confidence(make_coach, "en", "changes-en")
    chat.say("ugh the action is too big but fine. 8 with 3 days")
    assert chat.card.duration_days == 3 and chat.card.confidence == 8 and chat.card.status == "running"
    assert chat.card.action.endswith("for 3 days")
    chat = at_confidence(make_coach, "en", "weekdays-en")
    chat.say("weekdays only. then 8")
    assert "on weekdays" in chat.card.action and chat.card.daily_check.endswith("today? (yes/no)")
    assert chat.card.confidence == 8 and chat.card.status == "running"


def test_a_korean_rating_with_a_new_rate_changes_the_action_and_the_check(make_coach) -> None:
    chat = at_confidence(make_coach, "ko", "changes-ko")
    chat.say("매일은 무리고. 주 3번만. 그럼 8")
    card = chat.card
    assert "주 3번" in card.action and "매일" not in card.action
    assert card.daily_check.startswith("이번 주에 3번")
    assert card.confidence == 8 and card.status == "running"


@pytest.mark.parametrize("text", ["매일은 무리고. 주 3번만", "하루에 2번 하기", "3번씩 하기", "일주일에 1번"])
def test_a_korean_rate_is_not_a_pick_by_number(text) -> None:
    assert said_action(text) == (text, None)


@pytest.mark.parametrize("text", ["2번이요", "그냥 2번 할게요", "제가 말한 2번이요"])
def test_a_korean_pick_by_number_still_is_one(text) -> None:
    assert said_action(text)[1] == 1


# -- turning the idea down --------------------------------------------------------------------------


@pytest.mark.parametrize("language, rejection", [
    ("en", "that's not an idea, that's a mad lib. no."),
    ("en", "nah, that makes no sense for me"),
    ("ko", "말이 안 되는데요 그건"),
    ("ko", "그건 좀 저랑 안 맞아요"),
])
def test_turning_the_coachs_idea_down_records_nothing_and_withdraws_it(make_coach, language, rejection) -> None:
    chat = at(make_coach, language, 6, f"reject-{language}-{len(rejection)}")
    chat.say("give me an idea" if language == "en" else "아이디어 하나 주세요")
    assert chat.step == "design_pick"
    text = chat.say(rejection)
    assert chat.card.action == "" and chat.card.title == ""
    assert chat.step == "design_pick"
    assert ("your experiment" in text) if language == "en" else ("본인의 실험" in text)
    assert chat.coach.state(chat.sid).guided.suggestion is None


@pytest.mark.parametrize("language, first, again", [
    ("en", "give me an idea", "ugh. fine, something else"),
    ("ko", "아이디어 하나 주세요", "다른 거 없어요?"),
])
def test_something_else_gets_another_idea(make_coach, language, first, again) -> None:
    chat = at(make_coach, language, 6, f"another-{language}")
    chat.say(first)
    one = chat.coach.state(chat.sid).guided.suggestion.action
    chat.say(again)
    other = chat.coach.state(chat.sid).guided.suggestion
    assert other is not None and other.action != one
    assert chat.card.action == ""


# -- the bad-day version and the plan in one message -----------------------------------------------------


@pytest.mark.parametrize("language, said, smallest, plan", [
    ("en", "smallest: one sketch on paper. if deadline crunch, then I sketch for 5 min on my phone",
     "one sketch on paper", "deadline crunch"),
    ("en", "one paragraph. the obstacle is standup running long. then I do it after lunch",
     "one paragraph", "If standup running long, then I do it after lunch"),
    ("ko", "한 줄만. 방해물은 뭐 당연히 회의 터지는거죠. 그럼 점심 먹고 하던가", "한 줄만", "점심 먹고"),
])
def test_the_bad_day_version_and_the_plan_said_together_are_both_kept(make_coach, language, said, smallest, plan) -> None:
    chat = at(make_coach, language, 9, f"both-{language}-{len(said)}")
    assert chat.step == "card_smallest", chat.step
    chat.say(said)
    assert chat.card.smallest_version.startswith(smallest)
    assert plan in chat.card.obstacle_plan
    assert chat.step == "card_confidence"


# -- questions, strengths -------------------------------------------------------------------------------


@pytest.mark.parametrize("language, said", [
    ("ko", "아니 뭘 하라는 건지 물어봤는데요"),
    ("ko", "그래서 저보고 뭘 해야 된다는 거예요"),
    ("en", "so what am I supposed to do here"),
])
def test_asking_what_the_session_wants_is_answered_not_stored_as_a_strength(make_coach, language, said) -> None:
    chat = at(make_coach, language, 3, f"what-{language}-{len(said)}")
    assert chat.step == "strengths_clue"
    text = chat.say(said)
    assert not chat.coach.state(chat.sid).strengths
    assert ("experiment" in text) if language == "en" else ("실험" in text)
    assert chat.step == "strengths_clue"


def test_copying_a_success_story_opens_on_imitation_not_on_a_missing_experiment(make_coach) -> None:
    chat = Chat(make_coach, "hugi")
    text = chat.say("합격 후기 보고 그대로 따라 쓰고 있는데 이게 맞나 싶어서")
    assert "진행 중인 실험" not in text
    assert chat.step == "imitation_playbook"


@pytest.mark.parametrize("said, phrase", [
    ("people come to me for the numbers", "the numbers"),
    ("the interns ask me about git", "git"),
    ("동료들이 인터뷰 정리를 부탁하러 와요", "인터뷰 정리"),
    ("다들 저한테 엑셀 물어보러 와요", "엑셀"),
    ("신규 간호사들이 질문하러 저를 찾아와요", "질문"),
    ("팀원들이 보고서 검토해 달라고 와요", "보고서 검토"),
    ("버그 원인 찾기요", "버그 원인 찾기"),
])
def test_what_people_come_to_me_for_is_what_an_idea_builds_on(said, phrase) -> None:
    assert strength_phrase(said) == phrase


# -- corrections on a running card ---------------------------------------------------------------------


@pytest.mark.parametrize("language, said, strength", [
    ("ko", "강점 '인터뷰에서 패턴 찾는 걸 좋아해요' 말고 '사용자 인터뷰 분석'으로 고쳐줘요", "사용자 인터뷰 분석"),
    ("ko", "강점을 인터뷰 요약으로 바꿔 주세요", "인터뷰 요약"),
    ("en", "no the strength is the doc rewriting, not the meetings thing", "the doc rewriting"),
    ("en", "change the strength to: turning messy docs into clear ones", "turning messy docs into clear ones"),
])
def test_a_field_changed_by_chat_on_a_running_card_changes_it(make_coach, language, said, strength) -> None:
    chat = at_confidence(make_coach, language, f"running-{language}-{len(said)}")
    chat.say("8")
    assert chat.card.status == "running"
    text = chat.say(said)
    assert chat.card.strength == strength and chat.card.status == "running"
    assert strength in text  # the card is shown after the change


# -- coming back in a new session ------------------------------------------------------------------------


def running_card(make_coach, language: str):
    chat = at_confidence(make_coach, language, "s1")
    chat.say("8")
    assert chat.card.status == "running"
    return chat.coach


@pytest.mark.parametrize("language, opening, words", [
    ("ko", "저 왔어요. 하나도 못 했어요, 야근 때문에", ("못 한 것도 정보", "야근 때문에")),
    ("en", "hey I'm back. didn't do it once, work was insane because of a launch", ("information too", "because of a launch")),
])
def test_a_new_session_that_says_it_did_not_get_done_starts_a_kind_review(make_coach, language, opening, words) -> None:
    coach = running_card(make_coach, language)
    reply = coach.ask(opening, "s2")
    assert coach.state("s2").guided.step == "review_reward"
    for word in words:
        assert word in reply.text


@pytest.mark.parametrize("language, blame, kind", [
    ("ko", "좀 자책돼요 솔직히", "자책하실 필요 없어요"),
    ("en", "honestly I'm beating myself up about it", "No need to be hard on yourself"),
])
def test_self_blame_at_the_reward_question_is_answered_kindly_and_records_no_reward(make_coach, language, blame, kind) -> None:
    coach = running_card(make_coach, language)
    coach.ask("저 왔어요. 하나도 못 했어요" if language == "ko" else "I'm back. didn't do it once", "s2")
    reply = coach.ask(blame, "s2")
    assert kind in reply.text
    state = coach.state("s2")
    assert state.guided.step == "review_reward" and state.guided.review.reward is None


@pytest.mark.parametrize("said, plus, minus", [
    ("잘된건.. 그래도 인터뷰 노트는 봤어요. 안된건 올리는 걸 계속 미룬 거", "그래도 인터뷰 노트는 봤어요.", "올리는 걸 계속 미룬 거"),
    ("잘된 거: 댓글이 두 개. 아쉬운 건 매일은 못 한 거", "댓글이 두 개.", "매일은 못 한 거"),
    ("the good: two replies. the bad: I skipped three days", "two replies.", "I skipped three days"),
])
def test_plus_and_minus_said_with_their_labels_are_split_without_them(said, plus, minus) -> None:
    from bot.guided.parsing import split_plus_minus

    assert split_plus_minus(said) == (plus, minus)


# -- found talking to the coach as a terse baker -------------------------------------------------------


@pytest.mark.parametrize("said, action", [
    ("one new weird flavor each saturday", "I will do one new weird flavor each saturday"),
    ("a 10 minute walk after lunch", "I will do a 10 minute walk after lunch"),
    ("post one sketch a day", "I will post one sketch a day"),
])
def test_an_action_said_as_a_thing_gets_a_verb(said, action) -> None:
    from bot.guided.card import _as_i_will

    assert _as_i_will(said) == action


@pytest.mark.parametrize("text", ["whats this", "hows this work", "whos jason wei anyway"])
def test_a_question_typed_without_its_apostrophe_is_a_question(text) -> None:
    from bot.guided.question_form import is_question

    assert is_question(text)
