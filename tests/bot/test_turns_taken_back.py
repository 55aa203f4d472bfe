"""Retry, undo and edit take a turn back honestly: the journal marks it replaced; feedback is kept and exported."""

from __future__ import annotations

from bot.models import Feedback


def test_a_retracted_turn_stays_in_the_journal_marked_and_leaves_the_conversation(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["첫 답이에요.", "{}", "두 번째 답이에요.", "{}"]))
    first = coach.ask("선배 방식을 따라 하고 있어요. 어떻게 할까요?", "s1")
    coach.wait_for_notes("s1")  # notes are taken after the reply (issue 14): keep the model's calls in order
    taken = coach.retract_last_turn("s1")
    assert taken is not None and taken.content.startswith("선배 방식을")
    assert coach.history("s1") == []  # nothing left to show or to send to the model
    everything = coach.history("s1", replaced=True)
    assert [m.status for m in everything] == ["replaced", "replaced"] and everything[1].content == first.text

    coach.ask("다시 물어볼게요: 제 강점을 찾고 싶어요.", "s1")
    coach.wait_for_notes("s1")
    assert [m.status for m in coach.history("s1")] == ["ok", "ok"]
    reply_prompt = str(coach.llm.calls[-2])
    assert "첫 답이에요." not in reply_prompt  # the model never sees the replaced turn again
    export = coach.export("s1")
    assert "taken back" in export or "되돌림" in export
    assert "첫 답이에요." in export  # what happened is still there
    assert coach.retract_last_turn("s1") is not None and coach.retract_last_turn("s1") is None


def test_likes_and_comments_reach_the_journal_and_the_export(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["Your own data is a good start.", "{}"]))
    coach.ask("Someone else entirely.", "other")
    reply = coach.ask("I keep copying my manager's playbook.", "s2")
    assert reply.message_id is not None
    fid = coach.record_feedback(Feedback(session_id="s2", message_id=reply.message_id, rating="dislike"))
    coach.record_feedback(Feedback(id=fid, session_id="s2", rating="dislike", comment="too generic"))
    (kept,) = coach.journal.feedback("s2")
    assert (kept.rating, kept.comment, kept.message_id) == ("dislike", "too generic", reply.message_id)
    export = coach.export("s2")
    assert "not helpful" in export and "too generic" in export
    # Another session's message id is not linked to this session's feedback.
    coach.record_feedback(Feedback(session_id="other", message_id=reply.message_id, rating="like"))
    assert coach.journal.feedback("other")[0].message_id is None
    assert coach.forget("s2") and coach.journal.feedback("s2") == []


def test_the_export_has_no_empty_card_tables_and_no_field_names():
    import re

    from bot.export import export_session
    from bot.models import ExperimentCard, SessionState

    state = SessionState(
        session_id="s3",
        experiments=[ExperimentCard(id="e42a1633", passages=["essay-aaaaaaaaaa"]), ExperimentCard(title="Read tickets", duration_days=7)],
    )
    text = export_session(state, [])
    assert "e42a1633" not in text and "Read tickets" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no duration_days, reward_signal, …
    assert "| Days | 7 |" in text and "| Hypothesis |" not in text


def test_likes_and_comments_survive_a_journal_repair(make_coach, recording_llm):
    from bot.doctor import salvage_journal
    from bot.journal import Journal

    coach = make_coach(llm=recording_llm(["Start from your own data.", "{}"]))
    reply = coach.ask("I keep copying my manager's playbook.", "s4")
    fid = coach.record_feedback(Feedback(session_id="s4", message_id=reply.message_id, rating="like"))
    coach.record_feedback(Feedback(id=fid, session_id="s4", rating="like", comment="kept after repair"))
    coach.wait_for_notes("s4")  # as `coach doctor --repair` runs: no turn in flight
    path = coach.journal.path
    coach.journal.close()
    _, rows = salvage_journal(path)
    (kept,) = Journal(path).feedback("s4")
    assert (kept.rating, kept.comment, kept.message_id) == ("like", "kept after repair", reply.message_id)
    assert rows >= 4  # the session, its two messages and the like
