"""Turn retrieval: a message read with its turn (the coach's question, the stage) finds what a
coach would quote, better than plain search; English turns carry renderings; the claim map; one
query embedding a turn."""

from __future__ import annotations

import pytest

from bot.claims import claim, claims, cued_passages
from bot.models import ChatMessage
from bot.turn_retrieval import Turn

ON_POLICY = ["항상 On-Policy를 유지해야 한다", "남의 틀을 따라가는 것에는 한계가 있다"]

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
        # Added with the claim cues and the situations (not tuned on; the first is a miss today).
        ("review", "How did trying it your way go?",
         "I ran the workshop from my own notes instead of the agency's script. Two people walked out, "
         "but the rest stayed an hour late asking questions.", ON_POLICY),
        ("design", "What would you like to try?",
         "I'll plan the garden this spring from what actually grew on my own balcony last year, "
         "rather than following the magazine's planting calendar.", ON_POLICY),
        ("imitation", "Are you still early on?",
         "I just started volunteering at the hospice last week, so for now I copy exactly what the senior volunteer says and does.",
         ["초반에는 모방 학습(Imitation Learning)이 필요하다", "요약하자면,"]),
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
        ("review", "내 방식대로 해 보니 어땠어요?",
         "대행사 대본 말고 제 메모로 워크숍을 진행했어요. 두 명은 나갔지만 나머지는 한 시간 넘게 남아서 질문했어요.", ON_POLICY),
        ("design", "어떤 걸 해 보고 싶으세요?",  # a miss today
         "올봄에는 잡지의 파종 달력을 따르지 않고 작년에 우리 집 베란다에서 실제로 자란 걸 보고 텃밭을 짜 보려고요.", ON_POLICY),
        ("imitation", "아직 초반인가요?",
         "호스피스 봉사를 지난주에 막 시작해서, 지금은 선배 봉사자가 하는 말과 행동을 그대로 따라 하고 있어요.",
         ["초반에는 모방 학습(Imitation Learning)이 필요하다", "요약하자면,"]),
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
    assert turn_hits >= len(TURNS[lang]) - 1  # at most one miss at 3 in seven turns
    assert turn_hits >= search_hits + 2


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


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("We cut the onboarding deck and ran the first week on our own judgement, rather than the handbook.", 1),
        ("남이 짜 준 식단 말고 제 생각대로 일주일을 먹어 봤어요.", 1),
        ("I'm a beginner, two weeks in, and I just mirror whatever my instructor does.", 2),
        ("요가 시작한 지 3주 됐는데 선생님 동작을 보고 그대로 해요.", 2),
        ("Ten years of my father's routine and I've plateaued.", 2),
        ("I'll always be a knock-off of her, one step behind.", 3),
        ("형은 키가 커서 되는 건데 저는 따라가다 지쳐요. 타고난 게 달라요.", 3),
        ("I go through the raw interview transcripts line by line.", 5),
        ("설문 원본을 한 줄씩 다 읽어요.", 5),
    ],
)
def test_a_message_cues_the_claim_its_situation_speaks_to(message, number):
    assert set(claim(number).passages) <= set(cued_passages(message))


def test_ordinary_talk_cues_no_claim():
    for message in (
        "Thanks, that helps.", "What should I do next week?", "감사합니다. 다음 주에 또 올게요.", "Tuesday evening works.",
        "Naturally I said yes when she asked.", "그 덕분에 잘 끝났어요.",
    ):
        assert cued_passages(message) == [], message
    # "from scratch" is not "at the start": building it yourself is not the beginner's imitation.
    assert not set(claim(2).passages) & set(cued_passages("배포 스크립트를 제가 처음부터 다 짰어요."))


def test_a_turn_knows_the_language_it_is_written_in():
    assert Turn.of("My manager's playbook stopped working for me this year.").language == "en"
    assert Turn.of("팀장님 방식이 올해부터 안 통해요.").language == "ko"
    assert Turn.of("ok").language is None  # too short to say: every view counts
