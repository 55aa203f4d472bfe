"""Regression cases from role-play round 4 (a line cook, a PhD student, a sales lead, an
illustrator, a nurse, a painter, a student, a PM): each asserts what the person would notice."""

from __future__ import annotations

import pytest

from bot.guided.parsing import bare_days
from bot.guided.question_form import is_question
from bot.safety import assess
from bot.safety.followup import read_answer

from guided_support import Chat


@pytest.mark.parametrize("text", ["wtf does a dataset have to do with cooking lol", "bro what is this even for", "이게 뭔 소용인데요?"])
def test_openers_like_wtf_or_bro_do_not_hide_a_question(text):
    assert is_question(text)


@pytest.mark.parametrize("text, days", [("fewer days. make it 7", 7), ("기간은 5로 해 주세요", 5), ("make it 7 out of 10", None)])
def test_a_bare_number_is_days_only_where_days_are_the_talk(text, days):
    assert bare_days(text) == days


@pytest.mark.parametrize(
    "text",
    ["엄마가 이거 해보래서 왔는데요. 고3이에요", "그러면 신호가 없어지잖아요", "is my boss gonna be pissed if i do this?"],
)
def test_ordinary_talk_from_the_round_draws_no_check_in(text):
    assert assess(text).level == "none"


def test_a_bewildered_no_after_a_check_in_is_safe():
    assert read_answer("?????? 아니요 뭔소리에요 갑자기 ㅋㅋㅋ 공부 얘기하러 온건데", "harm") == "safe"


COOK = ['yo. so my chef said i should figure out how to get to sous. idk where to start tbh', 'my head chef marco i guess. i copy literally everything he does lol, plating, how he runs the pass. got me off dish in like 6 months', 'wtf does a dataset have to do with cooking lol', 'dude that wasnt a strength that was a question. answer it', 'omfg. ok whatever. idk', 'inventory n ordering. hate it. but im weirdly good at sauces, like i can fix a broken beurre blanc faster than marco. ppl on the line ask me to taste their stuff', 'bro u just asked that. and i HATE inventory why is that on my strengths list', 'nah', 'not inventory. sauces. maybe i run the sauce station my way for a couple weeks instead of marcos recipes? or like taste everyones sauces before service', 'the last one i guess', 'jesus NOT INVENTORY. i will taste everyones sauces before service for 2 weeks', 'fewer sauces sent back i guess? marco yells less lol. idk', 'reward isnt idk wtf. its fewer plates sent back. smallest = just taste the beurre blanc. if we get slammed then i taste after the first rush', '6. and change strength to fixing sauces, and reward to fewer plates sent back. i literally just said that']


def test_a_question_asked_beside_a_change_is_answered_and_the_change_made(make_coach):
    chat = Chat(make_coach, "cook")
    chat.say(*COOK)
    assert chat.step == "card_shrink" and chat.card.confidence == 6  # "6. and change strength to …": the 6 kept
    text = chat.say("fewer days. make it 7. also will marco mind if i do this?")
    assert chat.card.duration_days == 7 and "for 7 days" in chat.card.action
    assert "can't know how they'll take it" in text


def test_a_named_strength_the_person_hates_is_taken_back(make_coach):
    coach = make_coach()
    sid = "cook"
    coach.ask("I copy my head chef, it got me off dish", sid)
    coach.ask("past the base", sid)
    coach.ask("inventory and ordering, i do all of it for the team", sid)
    assert any("inventory" in s.name for s in coach.state(sid).strengths if s.kind == "strength")
    coach.ask("i HATE inventory why is that on my strengths list", sid)
    state = coach.state(sid)
    assert not any("inventory" in s.name for s in state.strengths if s.kind == "strength")
    assert any("inventory" in s.name for s in state.strengths if s.kind == "drain")


# From a ten-turn talk as a terse citrus farmer (not a test persona).
@pytest.mark.parametrize("text", ["아니 됐고 뭐 하라는건데", "이게 돈이 되나?"])
def test_the_farmers_questions_are_questions(text):
    assert is_question(text)


def test_people_asking_me_answers_what_people_come_to_me_for():
    from bot.guided.lexicon import lexicon

    assert lexicon().has("clue_come_to_you", "동네 사람들이 나무 병 걸리면 나한테 물어봄")


@pytest.mark.parametrize("text", ["동네 사람들이 나무 병 걸리면 나한테 물어봄. 잎만 봐도 앎", "my neighbours call me when their cows get sick"])
def test_a_sick_tree_or_animal_is_no_danger(text):
    assert assess(text).level == "none"
