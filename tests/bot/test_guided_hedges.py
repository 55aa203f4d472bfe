"""A guess said with a "?" is an answer, and a clue answered in passing is not asked again.

Role-plays: "장보는거? 새벽시장 가는거 좋아함. 직원들은 질색함ㅋ" and "interviewing people? i got good
at getting engineers to explain stuff …" were answered with "No, this isn't therapy" and the same
question came again; "빨리 배운거.. 칼질? 손질은 금방 늘었음" was followed by "what did you learn fast?".
"""

from __future__ import annotations

import pytest
from guided_support import at_strengths

from bot.guided.question_form import is_question

THERAPY = ("therapy", "치료")


@pytest.mark.parametrize("text", [
    "장보는거? 새벽시장 가는거 좋아함. 직원들은 질색함ㅋ",
    "interviewing people? i got good at getting engineers to explain stuff in plain words pretty fast",
    "+1 i guess? maybe more, the runbook ask was cool",
    "not sure tbh. i'm only in year 1 of the mba so maybe early? sorry my brain is mush",
    "sketching? I fill a notebook every week without anyone asking",
    "발표요? 남들 앞에서 말하는 건 안 떨려요",
    "early I guess?",
    "모르겠음 초반인듯?",
])
def test_a_guess_said_with_a_question_mark_is_not_a_question(text) -> None:
    assert not is_question(text)


@pytest.mark.parametrize("text", [
    "You didn't answer my question. What does on-policy mean?",
    "priya's. i literally just said that. what do you do with what i type, is this stored somewhere?",
    "이거 얼마나 걸려요? 솔직히 시험 얼마 안남아서 불안해요",
    "근데 이거 왜 해야 돼요?",
    "is this another chatgpt wrapper",
    "ok cool. can I change the title later?",
    "a pasta recipe?",
])
def test_a_question_is_still_a_question(text) -> None:
    assert is_question(text)


@pytest.mark.parametrize(("language", "answer", "kept"), [
    ("ko", "장보는거? 새벽시장 가는거 좋아함. 직원들은 질색함ㅋ", "새벽시장"),
    ("en", "interviewing people? i got good at getting engineers to explain stuff in plain words pretty fast", "explain stuff"),
    ("en", "spreadsheets? honestly I love untangling a messy one, my team hates them", "untangling"),
])
def test_a_hedged_answer_to_a_clue_is_taken_as_an_answer(make_coach, language, answer, kept) -> None:
    coach = at_strengths(make_coach, language, "hedge")
    reply = coach.ask(answer, "hedge")
    state = coach.state("hedge")
    assert not any(word in reply.text for word in THERAPY), reply.text
    assert kept in reply.text or any(kept in s.name for s in state.strengths), reply.text


@pytest.mark.parametrize(("language", "answer", "not_again"), [
    ("ko", "빨리 배운거.. 칼질? 손질은 금방 늘었음", "빨리 배웠던"),
    ("ko", "엑셀은 금방 익혔어요. 매크로도 혼자 짜요", "빨리 배웠던"),
    ("en", "I picked up SQL in about a week, way faster than the rest of my cohort", "learn unusually fast"),
    ("en", "people come to me when the build breaks, I kind of like it", "come to you for"),
])
def test_a_clue_answered_in_passing_is_not_asked_next(make_coach, language, answer, not_again) -> None:
    coach = at_strengths(make_coach, language, "passing")
    reply = coach.ask(answer, "passing")
    assert not_again not in reply.text, reply.text


@pytest.mark.parametrize(("language", "before", "complaint", "kept"), [
    ("ko", "행정법 판례 읽는 거 좋아해요", "아까 말했잖아요 ㅠ 행정법 판례요", "행정법 판례"),
    ("ko", "엑셀 정리하는 거 재밌어요", "이미 얘기했는데 엑셀이요", "엑셀"),
    ("en", "I love untangling messy spreadsheets", "wait didnt i kinda just answer that", "untangling messy spreadsheets"),
    ("en", "I love untangling messy spreadsheets", "already told you", "untangling messy spreadsheets"),
])
def test_a_complaint_about_being_asked_again_is_not_stored(make_coach, language, before, complaint, kept) -> None:
    # "아까 말했잖아요 ㅠ 행정법 판례요" and "wait didnt i kinda just answer that" had been stored as strengths.
    coach = at_strengths(make_coach, language, "again")
    coach.ask(before, "again")
    coach.ask(complaint, "again")
    names = [s.name for s in coach.state("again").strengths]
    assert not any(word in name for name in names for word in ("말했", "얘기했", "answer that", "told you")), names
    assert any(kept in name for name in names), names
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize(("language", "asked"), [
    ("en", "i said i dont know. can you give me an example of what you mean"),
    ("en", "like what?"),
    ("ko", "예시 좀 들어 주세요"),
    ("ko", "음 어떤 거요? 예를 들면요?"),
])
def test_asked_for_an_example_the_coach_gives_one_for_its_question(make_coach, language, asked) -> None:
    coach = at_strengths(make_coach, language, "example")
    reply = coach.ask(asked, "example")
    assert load_example(language, "strengths_clue") in reply.text, reply.text
    assert not coach.state("example").strengths


def load_example(language: str, step: str) -> str:
    from bot.words import load

    return load(f"guided.{language}")["example"][step]


def test_not_knowing_one_part_keeps_the_parts_that_were_said(make_coach) -> None:
    # "서류일. 세금 이런거 진짜 싫음. 너무 많이 쓰는건.. 모르겠네" had drawn "괜찮아요. 다른 방식으로 물어볼게요."
    coach = at_strengths(make_coach, "ko", "part", "새벽시장 가는 거 좋아해요", "칼질은 금방 늘었어요")
    assert coach.state("part").guided.step == "strengths_drain"
    coach.ask("서류일. 세금 이런거 진짜 싫음. 너무 많이 쓰는건.. 모르겠네 고집?", "part")
    drains = [s.name for s in coach.state("part").strengths if s.kind == "drain"]
    assert any("세금" in d or "서류" in d for d in drains), coach.state("part").strengths


@pytest.mark.parametrize("said", ["6..? 솔직히 불안해서 잘 모르겠어요", "6 i guess, not sure honestly, a lot going on"])
def test_a_number_said_with_doubts_answers_the_confidence_question(make_coach, said) -> None:
    from bot.guided.understanding import Intent, Understander
    from knowledge import E5Embeddings

    read = Understander(E5Embeddings().embed_query).read(said, step="card_confidence", numeric=True)
    assert read.intent is Intent.ANSWER, read


@pytest.mark.parametrize(("said", "where"), [
    ("2차에서 맨날 떨어짐. 심사평이 개성이 없대요. 기반은 된듯", "past"),  # had been read as "not sure"
    ("기본은 혼자 할 줄 알아요", "past"),
    ("웬만한 건 혼자 해요", "past"),
    ("I have the basics down now, it's the next step I'm missing", "past"),
    ("not past the base yet", "early"),
])
def test_past_the_base_said_in_other_words(said, where) -> None:
    from bot.guided.understanding import where_by_words

    assert where_by_words(said) == where


@pytest.mark.parametrize(("language", "noted", "denial"), [
    ("ko", "손님은 꾸준함.", "아니 그게 강점이란 게 아니고요"),
    ("ko", "엑셀은 그냥 써요.", "그런 뜻이 아니에요"),
    ("en", "spreadsheets, I guess", "no that's not what I meant"),
    ("en", "meetings mostly", "that's not a strength lol"),
])
def test_a_denial_takes_back_what_was_just_noted(make_coach, language, noted, denial) -> None:
    # "아니 그게 강점이란 게 아니고요" had itself been stored as a strength, beside the one it denied.
    coach = at_strengths(make_coach, language, "deny")
    first = coach.ask(noted, "deny")
    reply = coach.ask(denial, "deny")
    state = coach.state("deny")
    assert not [s for s in state.strengths if s.kind == "strength"], (first.text, reply.text, state.strengths)
    assert state.guided.step in ("strengths_clue", "confirm"), reply.text


@pytest.mark.parametrize(("opening", "quoted", "not_quoted"), [
    ("hey so i'm a freelance illustrator, been doing it 6 years. i basically copy moebius and james jean styles "
     "and clients like it but i feel stuck and my rates are flat", "copy moebius", "freelance illustrator"),
    ("I'm a nurse, twelve years now. I do everything the way my charge nurse taught me", "charge nurse", "twelve years"),
    ("저는 작은 빵집을 해요. 유명 제과점 레시피를 그대로 따라 하는데 요즘 정체된 느낌이에요", "따라 하는데", "빵집을 해요"),
])
def test_the_opening_reflection_quotes_what_is_wrong_not_the_introduction(make_coach, opening, quoted, not_quoted) -> None:
    reply = make_coach().ask(opening, "open")
    import re

    reflected = re.findall(r"“([^”]+)”", reply.text)
    assert reflected and quoted in reflected[0] and not_quoted not in reflected[0], reply.text
