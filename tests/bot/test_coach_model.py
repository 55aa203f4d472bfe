"""The model-backed coach with LangChain fake chat models: prompt, streaming, sources, notes, resume."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from bot import Coach, CoachReply, Stage
from bot.models import ChatMessage
from bot.retrieval import retrieval_texts
from bot.testing import split_system

REPLY = "남의 틀을 따라가면 한계가 있다고 에세이는 말해요 [{pid}]. 당신이 남들보다 즐기는 일은 뭔가요?"
NOTES_STRENGTH = json.dumps(
    {
        "strengths": [{"name": "raw data reading", "evidence": "I read logs for fun", "kind": "strength"}],
        "experiment": None,
        "stage": "strengths",
    }
)
CARD = {
    "title": "Log-reading hour",
    "strength": "raw data reading",
    "hypothesis": "If I read an hour of raw logs daily, I expect to spot one bug a week",
    "action": "I will read raw logs for an hour each morning for 7 days",
    "duration_days": 7,
    "reward_signal": "bugs my team confirms",
    "daily_check": "Did I read logs for an hour today?",
    "smallest_version": "read 10 log lines",
    "obstacle_plan": "If a meeting eats my morning, then I read after lunch",
    "confidence": 8,
}


def first_ids(coach: Coach, query: str, history=(), stage: str = "open") -> list[str]:
    """What turn retrieval finds for `query` read with that history and stage."""
    return [p.id for p in coach.passages_for(query, list(history), stage=stage)]


def test_prompt_holds_passages_history_profile_and_stage(make_coach, recording_llm):
    llm = recording_llm(["Tell me more.", NOTES_STRENGTH, "What do people come to you for?", "{}"])
    coach = make_coach(llm=llm)
    coach.ask("I read logs for fun, nobody else on my team does", "s1")
    coach.ask("I keep copying my senior's way of writing design docs", "s1")

    messages = llm.calls[2]  # the second turn's reply call
    assert isinstance(messages[0], SystemMessage)
    assert not any(isinstance(m, SystemMessage) for m in messages[1:])  # one system message
    instructions, material = split_system(messages[0])
    assert "Where the conversation seems to be: strengths" in instructions
    assert "Look for what is the user's own: clues, not labels" in instructions  # the strengths stage's hint
    assert "Imitation check" in instructions and "Review (when the user comes back" in instructions  # the whole arc
    earlier = coach.history("s1")[:2]  # the turn before: what retrieval read the message with
    expected = first_ids(coach, "I keep copying my senior's way of writing design docs", earlier, "strengths")
    for pid in expected:
        assert f'<passage id="{pid}"' in material
    assert 'Strengths: "raw data reading".' in material  # the profile, as a state line
    assert [type(m) for m in messages[1:]] == [HumanMessage, AIMessage, HumanMessage]
    assert messages[1].content == "I read logs for fun, nobody else on my team does"
    assert messages[2].content == "Tell me more."
    assert messages[-1].content == "I keep copying my senior's way of writing design docs"


def test_reply_streams_and_sources_are_the_retrieved_passages(make_coach, recording_llm, knowledge_base):
    question = "남을 따라 하면 왜 그 사람을 넘을 수 없나요?"
    llm = recording_llm([REPLY.format(pid="essay-db5045b070"), "{}"])  # "...절대로 그 사람을 뛰어넘을 수 없다..."
    coach = make_coach(llm=llm)
    expected = first_ids(coach, question)
    assert expected[0] == "essay-db5045b070"

    items = list(coach.stream(question, "s1"))
    pieces, reply = items[:-1], items[-1]
    assert isinstance(reply, CoachReply)
    assert len(pieces) > 10 and all(isinstance(p, str) for p in pieces)  # streamed, not one block
    assert "".join(pieces) == reply.text
    assert [p.id for p in reply.sources] == expected
    assert f"[{expected[0]}]" in reply.text
    assert reply.language == "ko" and reply.mode == "custom" and reply.session_id == "s1"


def test_citation_of_a_passage_it_was_not_given_is_removed(make_coach, recording_llm):
    llm = recording_llm(["As the essay says [essay-0123456789], try it yourself.", "{}"])
    reply = make_coach(llm=llm).ask("Should I copy my mentor?", "s1")
    assert "essay-0123456789" not in reply.text
    assert reply.text.startswith("As the essay says, try it yourself.")


def test_notes_become_stored_strengths_and_cards(make_coach, recording_llm, settings, knowledge_base):
    notes_card = json.dumps({"strengths": [], "experiment": CARD, "experiment_agreed": True, "stage": "design"})
    llm = recording_llm(["Noted.", NOTES_STRENGTH, "Card ready.", notes_card])
    coach = make_coach(llm=llm)
    coach.ask("I read logs for fun", "s1")
    assert coach.wait_for_notes("s1", timeout=10)  # notes land after the reply, in the background
    first = coach.state("s1")
    assert [s.name for s in first.strengths] == ["raw data reading"]
    assert first.stage is Stage.STRENGTHS
    second = coach.ask("Yes, let's run the log-reading hour for a week, I'm 8/10 sure", "s1")
    assert coach.wait_for_notes("s1", timeout=10)

    card = coach.state("s1").experiments[0]
    assert card.title == "Log-reading hour" and card.duration_days == 7 and card.confidence == 8
    assert card.status == "running" and card.complete
    assert card.review_on is not None
    assert set(card.passages) <= {p.id for p in second.sources} and card.passages
    # Stored: a new Coach on the same home sees them.
    again = Coach(llm=recording_llm(["ok", "{}"]), knowledge=knowledge_base, settings=settings)
    state = again.state("s1")
    assert [s.name for s in state.strengths] == ["raw data reading"]
    assert state.experiments[0].title == "Log-reading hour"


def test_unusable_notes_change_nothing(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["Hello.", "I am not JSON at all"]))
    reply = coach.ask("hi", "s1")
    assert coach.wait_for_notes("s1", timeout=10)
    state = coach.state("s1")
    assert reply.error is None and state.strengths == [] and state.experiments == []


def test_resume_in_a_new_coach_continues_the_conversation(settings, knowledge_base, recording_llm):
    first = Coach(llm=recording_llm(["What brings you here?", "{}"]), knowledge=knowledge_base, settings=settings)
    first.ask("I want to stop copying my boss", "resume-me")

    llm = recording_llm(["Whose playbook is it?", "{}"])
    second = Coach(llm=llm, knowledge=knowledge_base, settings=settings)
    reply = second.ask("It's my boss's playbook", "resume-me")
    sent = llm.calls[0]
    assert [m.content for m in sent[1:]] == [
        "I want to stop copying my boss",
        "What brings you here?",
        "It's my boss's playbook",
    ]
    assert [m.role for m in second.history("resume-me")] == ["user", "assistant", "user", "assistant"]
    assert reply.text == "Whose playbook is it?"


def test_a_message_that_leans_on_history_gets_a_standalone_query():
    history = [
        ChatMessage(role="user", content="I keep imitating a senior engineer's code style"),
        ChatMessage(role="assistant", content="What has it given you?"),
    ]
    assert retrieval_texts("what about that?", history) == [history[0].content, "what about that?"]
    assert retrieval_texts("그건 왜요?", history) == [history[0].content, "그건 왜요?"]
    standalone = "I enjoy reading raw datasets that most colleagues find tedious, every single week"
    assert retrieval_texts(standalone, history) == [standalone]
    assert retrieval_texts("why?", []) == ["why?"]  # nothing to lean on


def test_follow_up_question_retrieves_like_the_original(make_coach, recording_llm, knowledge_base):
    coach = make_coach(llm=recording_llm(["Go on.", "{}"]))
    coach.ask("Is it fine to imitate others when I'm just starting out?", "s1")
    reply = coach.ask("why?", "s1")
    imitation = next(p for p in knowledge_base.search("초반에는 모방 학습이 필요하다", 1))
    assert imitation.id in [p.id for p in reply.sources]


def test_each_session_keeps_its_own_state(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["ok", NOTES_STRENGTH, "ok", "{}"]))
    coach.ask("I read logs for fun", "alice")
    coach.ask("hello", "bob")
    assert coach.wait_for_notes(timeout=10)
    assert coach.state("bob").strengths == [] and coach.state("alice").strengths


def test_a_custom_model_that_fails_mid_stream_keeps_and_marks_the_partial_text(make_coach):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    llm = FakeListChatModel(responses=["What do people come to you for?", "{}"], error_on_chunk_number=12)
    coach = make_coach(llm=llm)
    reply = coach.ask("I copy my lead's way of working", "cut1")
    assert reply.partial and reply.text.startswith("What do peop")
    assert coach.history("cut1")[-1].status == "partial"


def test_the_journal_counts_a_sessions_messages(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["Go on.", "{}"]))
    assert coach.journal.count("count1") == 0
    coach.ask("first", "count1")
    coach.ask("second", "count1")
    assert coach.journal.count("count1") == len(coach.history("count1")) == 4


def test_warm_up_warms_the_knowledge_base_and_makes_the_model_client(make_coach, recording_llm, knowledge_base, monkeypatch):
    # coach serve calls this before its first request: every embedding-model copy loads then, not mid-turn.
    warmed = []
    monkeypatch.setattr(knowledge_base, "warm_up", lambda: warmed.append("knowledge"))
    coach = make_coach(llm=recording_llm(["ok"]))
    coach.warm_up()
    assert warmed == ["knowledge"] and coach.llm is not None
