"""Turn retrieval: a message read with its turn (the coach's question, the stage) finds what a
coach would quote, better than plain search; English turns carry renderings; the claim map; one
query embedding a turn."""

from __future__ import annotations

import pytest

from bot.claims import claim, claims
from bot.models import ChatMessage

# (stage, the coach's question, the person's answer, a verbatim piece of each passage a coach could quote).
# Written for these tests, apart from bench/retrieval_conversations.json.
TURNS = {
    "en": [
        ("imitation", "Whose way of doing things are you following?",
         "I run my team's standups exactly like my previous boss did. It helped a lot in my first months, "
         "but now it feels like I'm wearing someone else's jacket.",
         ["초반에는 모방 학습(Imitation Learning)이 필요하다", "요약하자면,", "절대로 그 사람을 뛰어넘을 수 없다"]),
        ("strengths", "What do people come to you for?",
         "Whenever a report looks wrong, colleagues ask me, because I will go through the raw rows one by one.",
         ["보통의 연구자보다 두 가지를 훨씬 좋아한다", "라벨러들이 만드는 데이터를 직접 읽고"]),
        ("imitation", "What does copying them cost you?",
         "My climbing partner is taller and has a longer reach, so the routes she shows me just don't work for my body.",
         ["축구 선수는 내가 갖지 못한 신체 능력", "절대로 그 사람을 뛰어넘을 수 없다"]),
        ("design", "What would you like to try?",
         "For my pottery class I'd like the students to make their own bowls and only tell them whether it holds water, "
         "instead of demonstrating every step for them to copy.",
         ["답의 올바름만 알려주고", "수학 문제 해결 능력을 더 잘 끌어올린다"]),
    ],
    "ko": [
        ("imitation", "지금 누구의 방식을 따르고 있나요?",
         "회의 진행을 예전 팀장님이 하던 그대로 하고 있어요. 처음 몇 달은 큰 도움이 됐는데 이제는 남의 옷을 입은 것 같아요.",
         ["초반에는 모방 학습(Imitation Learning)이 필요하다", "요약하자면,", "절대로 그 사람을 뛰어넘을 수 없다"]),
        ("strengths", "사람들이 주로 무엇 때문에 찾아오나요?",
         "보고서 숫자가 이상하면 동료들이 저를 찾아요. 제가 원본 데이터를 한 줄씩 다 확인하거든요.",
         ["보통의 연구자보다 두 가지를 훨씬 좋아한다", "라벨러들이 만드는 데이터를 직접 읽고"]),
        ("imitation", "따라 해서 어떤 점이 막히나요?",
         "같이 클라이밍하는 친구가 키도 크고 팔도 길어서, 그 친구가 알려 주는 동작은 제 몸으로는 안 돼요.",
         ["축구 선수는 내가 갖지 못한 신체 능력", "절대로 그 사람을 뛰어넘을 수 없다"]),
        ("design", "어떤 걸 시도해 보고 싶으세요?",
         "도자기 수업에서 제가 시범을 다 보여 주는 대신, 학생들이 직접 그릇을 만들게 하고 물이 새는지만 알려 주고 싶어요.",
         ["답의 올바름만 알려주고", "수학 문제 해결 능력을 더 잘 끌어올린다"]),
    ],
}


def _found(passages, answers) -> bool:
    return any(a in p.text for p in passages for a in answers)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_turn_retrieval_beats_plain_search_on_labelled_turns(make_coach, knowledge_base, lang):
    coach = make_coach()
    turn_hits = search_hits = 0
    for stage, question, message, answers in TURNS[lang]:
        history = [ChatMessage(role="assistant", content=question)]
        turn_hits += _found(coach.passages_for(message, history, 3, stage=stage), answers)
        search_hits += _found(knowledge_base.search(message, 3), answers)
    assert turn_hits >= len(TURNS[lang]) - 1  # at most one miss at 3 in four turns
    assert turn_hits > search_hits


def test_the_readme_example_finds_its_passage(make_coach):
    found = make_coach().passages_for("Why can't copying my mentor make me better than them?", k=3)
    assert _found(found, ["절대로 그 사람을 뛰어넘을 수 없다"])


def test_english_turns_get_renderings_and_korean_turns_the_korean(make_coach):
    coach = make_coach()
    for p in coach.passages_for("I keep copying my manager's playbook and I feel stuck.", k=4):
        assert p.source == "essay" and p.rendering("en")  # every essay passage found has its rendering
    for p in coach.passages_for("팀장님 방식을 그대로 따라 하는데 정체된 느낌이에요.", k=4):
        assert p.rendering("ko") is None  # the Korean is the source


def test_the_claim_map_backs_each_claim_with_essay_passages(make_coach, knowledge_base):
    essay = {p.id for p in knowledge_base.views().passages}
    assert [c.number for c in claims()] == [1, 2, 3, 4, 5]
    for c in claims():
        assert c.passages and set(c.passages) <= essay and c.en and c.ko
    coach = make_coach()
    imitation = coach.claim_passages(2)
    assert imitation[0].text.startswith("물론 초반에는 모방 학습")  # "the passage for claim 2": imitation early
    assert "그 사람을 뛰어넘을 수 없다" in coach.claim_passages(3)[0].text
    with pytest.raises(KeyError):
        claim(6)


def test_a_turn_costs_one_query_embedding(make_coach, knowledge_base, monkeypatch):
    seen: list[str] = []
    embed = knowledge_base.embeddings.embed_query
    monkeypatch.setattr(knowledge_base.embeddings, "embed_query", lambda text: seen.append(text) or embed(text))
    coach = make_coach()
    first = "I've been copying my tech lead's approach for two years."
    coach.passages_for(first, [], session_id="s1")
    assert seen == [first]
    history = [ChatMessage(role="user", content=first), ChatMessage(role="assistant", content="What has it given you?")]
    vector = embed("why?")  # the turn already embedded its message (e.g. to understand it)
    found = coach.passages_for("why?", history, session_id="s1", vector=vector)
    assert seen == [first] and found  # neither "why?" nor the previous message embedded again
    coach.passages_for("and then?", history, session_id="s1")
    assert seen == [first, "and then?"]


def test_a_users_document_goes_through_the_same_turn_retrieval(make_coach, knowledge_base, tmp_path):
    note = tmp_path / "climbing.md"
    note.write_text("Bouldering log: I solve problems my own way, with short moves that suit my reach.\n", encoding="utf-8")
    knowledge_base.ingest([note])
    found = make_coach().passages_for("How do I climb routes that suit my short reach?", k=4)
    assert found[0].source == str(note.resolve())
    assert len(found) == 4 and found[0].rendering("en") is None
