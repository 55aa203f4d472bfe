"""The person's notebook: what one conversation learnt, the next one knows; the person edits and
deletes it; forgetting a conversation takes what it taught; old journals are migrated."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.models import ExperimentCard, Review, SessionState, Strength
from bot.people import LOCAL, Person

NOTES_CARD = {
    "strengths": [{"name": "reading raw logs", "evidence": "I read logs for fun, nobody else does", "kind": "strength"}],
    "experiment": {
        "title": "Raw logs every morning",
        "strength": "reading raw logs",
        "hypothesis": "If I read raw logs every morning, I expect to spot one real bug a week",
        "action": "I will read 30 minutes of raw logs each morning for 7 days",
        "duration_days": 7,
        "reward_signal": "bugs my team confirms",
        "daily_check": "Did I read logs this morning?",
        "smallest_version": "read ten log lines",
        "obstacle_plan": "If a meeting eats my morning, then I read after lunch",
        "confidence": 8,
    },
    "experiment_agreed": True,
    "stage": "design",
}


def first_conversation(coach) -> str:
    reply = coach.ask("I read logs for fun, nobody else on my team does. Let's make it an experiment.")
    assert coach.wait_for_notes(reply.session_id, timeout=10)  # the card comes with the notes, after the reply
    return reply.session_id


def test_a_second_conversation_knows_the_firsts_strengths_and_running_card(make_coach, recording_llm):
    llm = recording_llm(["Let's shape it.", json.dumps(NOTES_CARD), "Welcome back.", "{}"])
    coach = make_coach(llm=llm)
    first = first_conversation(coach)
    assert [s.name for s in coach.notebook().strengths] == ["reading raw logs"]
    [card] = coach.notebook().cards
    assert card.card.status == "running" and card.session_id == first

    second = coach.ask("Hello again")  # a new conversation: no session id
    assert second.session_id != first
    assert [s.name for s in second.strengths] == ["reading raw logs"]
    assert [c.title for c in second.experiments] == ["Raw logs every morning"]
    material = llm.calls[2][0].content  # the one system message of the second conversation's turn (its material)
    assert "reading raw logs" in material and "Raw logs every morning" in material
    assert "not tested yet" in material or "streak" in material  # the evidence lines


def test_a_new_guided_conversation_brings_up_the_due_card_first(make_coach, recording_llm):
    model_coach = make_coach(llm=recording_llm(["Let's shape it.", json.dumps(NOTES_CARD)]))
    first_conversation(model_coach)
    card = model_coach.notebook().cards[0].card
    model_coach.edit_card(card.id, review_on=dt.date.today() - dt.timedelta(days=2))

    coach = make_coach()  # guided, same person (the local one), same journal
    reply = coach.ask("안녕하세요")
    due = dt.date.today() - dt.timedelta(days=2)
    assert reply.text.startswith(f"'Raw logs every morning' 실험의 리뷰 날짜가 {due.month}월 {due.day}일이었어요")
    assert any(c.id == card.id and c.status == "running" for c in reply.experiments)
    assert [s.name for s in reply.strengths] == ["reading raw logs"]
    again = coach.ask("Hi there", None)
    assert f"was due on {due.day} {due:%B}" in again.text and "shall we look at how it went?" in again.text
    later = coach.ask("What does on-policy mean?", again.session_id)
    assert "was due on" not in later.text  # only a conversation's first message opens with it
    back = coach.ask("Hi, I'm back", None)  # saying they are back goes straight into the review, naming the card
    assert f"“Raw logs every morning” was due on {due.day} {due:%B}" in back.text and "How did “Raw logs every morning” go?" in back.text


def test_a_review_in_the_second_conversation_reaches_the_notebook(make_coach, recording_llm):
    review = {"review": {"outcome": "found two bugs the team confirmed", "reward": 2, "plus": "fun"}, "stage": "review"}
    llm = recording_llm(["Let's shape it.", json.dumps(NOTES_CARD), "Great result.", json.dumps(review), "Hi.", "{}"])
    coach = make_coach(llm=llm)
    first_conversation(coach)
    coach.ask("I did the experiment, found two bugs the team confirmed")
    assert coach.wait_for_notes(timeout=10)  # the review comes with the turn's notes
    [card] = coach.notebook().cards
    assert card.card.status == "reviewed" and card.card.review.reward == 2
    third = coach.ask("hello", None)
    assert all(c.status != "running" for c in third.experiments)


def seeded(coach, person: Person = LOCAL) -> ExperimentCard:
    store = coach.notebook_store
    store.add_strength(person.key, Strength(name="automation scripts", evidence="I script everything"))
    card = ExperimentCard(title="Script one chore", strength="automation scripts", status="running", duration_days=5,
                          daily_check="Did I script something today?", review_on=dt.date.today() + dt.timedelta(days=3))
    store.put_card(person.key, card, started_on=dt.date.today() - dt.timedelta(days=2))
    return card


def test_the_notebook_is_editable_and_deletable_and_conversations_follow(make_coach):
    coach = make_coach()
    card = seeded(coach)
    [strength] = coach.notebook().strengths
    coach.edit_strength(strength.id, name="writing automation scripts")
    assert [s.name for s in coach.notebook().strengths] == ["writing automation scripts"]
    assert coach.notebook().strengths[0].evidence[0].words == "I script everything"  # the words stay
    coach.edit_card("script", title="Script one chore a day", duration_days=6)
    edited = coach.card(card.id).card
    assert (edited.title, edited.duration_days, edited.status) == ("Script one chore a day", 6, "running")
    with pytest.raises(ValueError):
        coach.edit_card(card.id, confidence=42)

    reply = coach.ask("hello there, what should I work on?")
    assert [s.name for s in reply.strengths] == ["writing automation scripts"]
    assert coach.delete_card(card.id) and coach.delete_strength(strength.id)
    assert coach.notebook().cards == [] and coach.notebook().strengths == []
    after = coach.ask("and now?", reply.session_id)  # the conversation's copy does not bring them back
    assert after.experiments == [] and after.strengths == []
    assert coach.notebook().cards == [] and coach.notebook().strengths == []


def test_each_person_has_their_own_notebook(make_coach):
    coach = make_coach()
    alice = Person.user("alice")
    seeded(coach, alice)
    assert coach.notebook(alice).cards and not coach.notebook().cards
    assert coach.notebook(Person.user("bob")).strengths == []
    with pytest.raises(KeyError):
        coach.check("script", person=Person.user("bob"))
    reply = coach.ask("hi", person=alice)
    assert [c.title for c in reply.experiments] == ["Script one chore"]
    assert coach.ask("hi").experiments == []  # the local person knows nothing of alice's


def test_forgetting_a_conversation_takes_what_it_taught(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["Let's shape it.", json.dumps(NOTES_CARD)]))
    first = first_conversation(coach)
    other = seeded(coach)
    assert coach.forget(first)
    notebook = coach.notebook()
    assert [c.id for c in notebook.cards] == [other.id]
    assert [s.name for s in notebook.strengths] == ["automation scripts"]
    assert coach.forget_everything() == 0
    assert coach.notebook().cards == [] and coach.notebook().strengths == []


def test_conversations_are_listed_and_renamed(make_coach):
    coach = make_coach()
    a = coach.ask("I've been copying my manager's playbook").session_id
    b = coach.ask("I enjoy reading raw logs").session_id
    assert {c.id for c in coach.conversations()} == {a, b}
    assert coach.rename_session(a, "  The playbook\ntalk ") == "The playbook talk"
    titles = {c.id: c.title for c in coach.conversations()}
    assert titles == {a: "The playbook talk", b: ""}
    with pytest.raises(KeyError):
        coach.rename_session(a, "mine now", person=Person.user("mallory"))
    coach.forget(a)
    assert [c.id for c in coach.conversations()] == [b]


def test_an_old_journal_is_migrated_each_session_to_its_owner(settings, make_coach):
    from bot.journal import Journal

    journal = Journal(settings.journal_path)
    for session_id, owner, name in (("old-1", "local", "drawing diagrams"), ("old-2", "user:alice", "long walks")):
        state = SessionState(session_id=session_id, owner=owner, strengths=[Strength(name=name, evidence="said so")],
                             experiments=[ExperimentCard(title=f"try {name}", strength=name, status="running")])
        journal.save(state)
    journal.close()
    coach = make_coach()
    assert [s.name for s in coach.notebook().strengths] == ["drawing diagrams"]
    assert [c.session_id for c in coach.notebook().cards] == ["old-1"]
    assert [s.name for s in coach.notebook(Person.user("alice")).strengths] == ["long walks"]
    assert coach.state("old-1").experiments[0].title == "try drawing diagrams"  # the session itself is kept


def test_a_review_from_the_board_goes_to_the_notebook(make_coach):
    coach = make_coach()
    card = seeded(coach)
    coach.review_card(card.id, Review(outcome="saved an hour", reward=1))
    entry = coach.card(card.id)
    assert entry.card.status == "reviewed" and entry.card.review.reward == 1
