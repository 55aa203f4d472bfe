"""What a turn searches for: a follow-up leans on the previous message without embedding it again,
and nothing one session embedded answers for another."""

from __future__ import annotations

import pytest

from bot.retrieval import SessionQueryVectors, query_vector

IMITATION = "Is it fine to imitate others when I'm just starting out?"


@pytest.fixture
def counted(knowledge_base, monkeypatch):
    """Every text the knowledge base's embedding model embeds as a query, in order."""
    seen: list[str] = []
    embed = knowledge_base.embeddings.embed_query

    def spy(text: str) -> list[float]:
        seen.append(text)
        return embed(text)

    monkeypatch.setattr(knowledge_base.embeddings, "embed_query", spy)
    return seen


def test_a_follow_up_embeds_only_itself(make_coach, recording_llm, counted, knowledge_base):
    coach = make_coach(llm=recording_llm(["Go on.", "{}"]))
    coach.ask(IMITATION, "s1")
    assert counted == [IMITATION]
    reply = coach.ask("why?", "s1")
    assert counted == [IMITATION, "why?"]  # the previous message's vector was reused
    imitation = knowledge_base.search("초반에는 모방 학습이 필요하다", 1)[0]
    assert imitation.id in [p.id for p in reply.sources]  # and the follow-up still finds its topic


def test_no_session_reuses_another_sessions_vectors(make_coach, recording_llm, counted):
    coach = make_coach(llm=recording_llm(["Go on.", "{}"]))
    coach.ask(IMITATION, "s1")
    coach.ask(IMITATION, "s2")
    assert counted == [IMITATION, IMITATION]
    coach.forget("s1")
    coach.ask("why?", "s1")  # a forgotten session starts over: nothing of it is remembered
    assert counted[-1] == "why?" and IMITATION not in counted[2:]


def test_a_restarted_coach_embeds_the_previous_message_once_more(make_coach, recording_llm, counted):
    make_coach(llm=recording_llm(["Go on.", "{}"])).ask(IMITATION, "s1")
    reply = make_coach(llm=recording_llm(["Go on.", "{}"])).ask("why?", "s1")  # read from the journal
    # The turn embeds "why?" first (for safety), then the previous message for retrieval.
    assert sorted(counted) == sorted([IMITATION, IMITATION, "why?"]) and reply.sources


def test_memory_is_bounded_and_keeps_only_the_last_few_texts():
    calls: list[str] = []
    vectors = SessionQueryVectors(lambda text: calls.append(text) or [1.0, 0.0], sessions=2, per_session=2)
    vectors.vectors("a", ["one"])
    vectors.vectors("a", ["one", "two"])
    vectors.vectors("a", ["three"])
    vectors.vectors("a", ["one"])  # three texts back: embedded again
    assert calls == ["one", "two", "three", "one"]
    vectors.vectors("b", ["x"])
    vectors.vectors("c", ["y"])  # "a" is the least recent of three sessions: dropped
    vectors.vectors("a", ["one"])
    assert calls[-1] == "one" and len(calls) == 7


def test_a_vector_computed_first_is_not_embedded_again():
    calls: list[str] = []
    vectors = SessionQueryVectors(lambda text: calls.append(text) or [1.0, 0.0])
    vectors.vectors("a", ["earlier message"])
    vectors.vector("a", "why?")  # the turn embeds its message first...
    vectors.vectors("a", ["earlier message", "why?"])  # ...then retrieves with the previous one
    assert calls == ["earlier message", "why?"]


def test_a_longer_text_weighs_more_in_the_query():
    q = query_vector(["a long previous message about imitation", "why?"], [[1.0, 0.0], [0.0, 1.0]])
    assert q[0] > q[1] > 0 and abs(sum(v * v for v in q) - 1) < 1e-9
