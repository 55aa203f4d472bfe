"""The model path against the fake OpenAI-compatible server: the reply is final at its last token,
roles every chat template accepts, bad replies and failed requests become clear notices."""

from __future__ import annotations

import json
import time

import pytest

from bot import CoachReply
from bot.words import message as notice

pytestmark = pytest.mark.slow

CARD_NOTES = json.dumps({"strengths": [{"name": "untangling messy data", "kind": "strength"}], "stage": "strengths"})


def _coach(make_coach, server, **overrides):
    overrides.setdefault("timeout", 5.0)
    overrides.setdefault("max_retries", 0)
    return make_coach(openai_base_url=server.url, **overrides)


def test_a_slow_notes_call_does_not_delay_the_reply(make_coach, fake_openai):
    server = fake_openai(reply="What do people come to you for when data looks odd?", notes=CARD_NOTES,
                         notes_latency=3.0, token_delay=0.01)
    coach = _coach(make_coach, server)

    last_piece = reply_at = None
    for item in coach.stream("People ask me to untangle messy data problems.", "fast1"):
        if isinstance(item, CoachReply):
            reply_at = time.monotonic()
            reply = item
        else:
            last_piece = time.monotonic()
    assert reply.error is None and reply.text == "What do people come to you for when data looks odd?"
    assert reply_at - last_piece < 0.5, reply_at - last_piece  # not the 3 s of the notes call
    assert coach.notes_pending("fast1") and coach.state("fast1").strengths == []  # the state as known

    # The next turn of the session waits for those notes, and sees them.
    started = time.monotonic()
    coach.ask("Yes, and I enjoy it.", "fast1")
    assert time.monotonic() - started >= 1.5
    second_request = server.chat_requests()[1]
    assert 'Strengths: "untangling messy data".' in second_request["messages"][0]["content"]


def test_another_session_does_not_wait_for_someone_elses_notes(make_coach, fake_openai):
    server = fake_openai(reply="Tell me more.", notes_latency=3.0)
    coach = _coach(make_coach, server)
    coach.ask("I copy my manager's playbook.", "slow-notes")
    started = time.monotonic()
    reply = coach.ask("I copy my mentor's playbook.", "other")
    assert reply.error is None and time.monotonic() - started < 1.5


def test_a_hanging_notes_call_gives_up_at_its_own_timeout(make_coach, fake_openai, caplog):
    server = fake_openai(reply="Tell me more.", notes_latency=30.0)
    coach = _coach(make_coach, server, notes_timeout=0.5, max_retries=2)
    started = time.monotonic()
    coach.ask("I copy my manager's playbook.", "hang1")
    assert coach.wait_for_notes("hang1", timeout=10)
    # One try and at most one retry of 0.5 s each (plus the client's backoff), not 3 x 60 s.
    assert time.monotonic() - started < 5
    assert len(server.chat_requests(notes=True)) <= 2
    assert "notes for session hang1 dropped" in caplog.text


def test_notes_land_on_the_state_saved_after_the_reply_and_keep_a_review_recorded_meanwhile(make_coach, fake_openai):
    from bot import Review
    from bot.models import ExperimentCard

    server = fake_openai(reply="How did it go?", notes=CARD_NOTES, notes_latency=1.0)
    coach = _coach(make_coach, server)
    coach.ask("I am back from my experiment.", "race1")
    state = coach.state("race1")
    state.experiments.append(ExperimentCard(title="Explain one thing a day", status="running"))
    coach.journal.save(state)
    card_id = state.experiments[0].id
    coach.record_review("race1", card_id, Review(outcome="Two colleagues thanked me", reward=1))
    assert coach.wait_for_notes("race1", timeout=10)

    after = coach.state("race1")
    assert [s.name for s in after.strengths] == ["untangling messy data"]  # the notes landed
    assert after.experiments[0].review and after.experiments[0].review.outcome == "Two colleagues thanked me"
    assert [m.role for m in coach.history("race1")] == ["user", "assistant"]


def test_one_system_message_and_alternating_roles_even_after_a_failed_turn(make_coach, fake_openai):
    server = fake_openai(reply="Whose playbook is it?", strict_roles=True, status=500, fail_times=1)
    coach = _coach(make_coach, server)
    failed = coach.ask("I keep copying my boss.", "roles1")
    assert failed.error
    again = coach.ask("I keep copying my boss.", "roles1")  # the person sends it again
    assert again.error is None, again.text
    coach.ask("It is my boss's playbook, from my first job.", "roles1")
    assert coach.ask("What now?", "roles1").error is None

    for body in server.chat_requests():
        roles = [m["role"] for m in body["messages"]]
        assert roles[0] == "system" and roles.count("system") == 1
        assert roles[1:] == ["user", "assistant"] * ((len(roles) - 2) // 2) + ["user"], roles
    resend = server.chat_requests()[1]["messages"]
    assert [m["content"] for m in resend[1:]] == ["I keep copying my boss."]  # the same words, once


def test_the_notes_request_also_alternates(make_coach, fake_openai):
    server = fake_openai(reply="Tell me more.", strict_roles=True)
    coach = _coach(make_coach, server)
    coach.ask("I read logs for fun.", "roles2")
    coach.ask("Nobody else on my team does.", "roles2")
    assert coach.wait_for_notes("roles2", timeout=10)
    notes = server.chat_requests(notes=True)
    assert len(notes) == 2 and all([m["role"] for m in n["messages"]] == ["system", "user"] for n in notes)
    assert "I read logs for fun." in notes[1]["messages"][1]["content"]  # it sees the exchange before too


def test_history_counts_turns_and_trims_long_replies(make_coach, fake_openai):
    long_reply = " ".join(["word"] * 400)
    server = fake_openai(reply=long_reply)
    coach = _coach(make_coach, server, history_turns=2)
    for n in range(4):
        coach.ask(f"Message number {n} about my own playbook.", "hist1")
    last = server.chat_requests()[-1]["messages"]
    assert [m["role"] for m in last] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert last[1]["content"] == "Message number 1 about my own playbook."
    assert all(len(m["content"]) < 800 for m in last if m["role"] == "assistant")  # trimmed, marked
    assert last[2]["content"].endswith("[…]")
    assert server.chat_requests()[0]["max_completion_tokens"] == 500 and server.chat_requests()[0]["max_tokens"] == 500


def test_a_return_visit_with_a_running_card_is_coached_as_a_review_from_its_first_message(make_coach, fake_openai):
    from bot.models import ChatMessage, ExperimentCard, SessionState, now
    from datetime import timedelta

    server = fake_openai(reply="Welcome back. How did the week go?")
    coach = _coach(make_coach, server)
    state = SessionState(session_id="back1", stage="design")
    state.experiments.append(ExperimentCard(title="Explain one thing a day", action="I will explain one thing a day for 7 days",
                                            status="running"))
    coach.journal.append("back1", ChatMessage(role="user", content="Let's do it.", created_at=now() - timedelta(days=8)), state)
    coach.journal.append("back1", ChatMessage(role="assistant", content="Good luck!", created_at=now() - timedelta(days=8)), state)

    coach.ask("Hi again.", "back1")
    system = server.chat_requests()[0]["messages"][0]["content"]
    assert "Where the conversation seems to be: review." in system
    assert 'Running experiment "Explain one thing a day"' in system


@pytest.mark.parametrize("language", ["en", "ko"])
def test_an_empty_reply_is_a_clear_notice_and_the_words_are_kept(make_coach, fake_openai, language):
    said = {"en": "I keep copying my manager's playbook.", "ko": "팀장님 방식을 그대로 따라 하고 있어요."}[language]
    server = fake_openai(reply="")
    coach = _coach(make_coach, server)
    reply = coach.ask(said, f"empty-{language}")
    assert reply.error == "no_reply" and reply.text == notice(language, "no_reply")
    assert [(m.role, m.content) for m in coach.history(reply.session_id)] == [("user", said)]


def test_a_streamed_refusal_is_a_clear_notice(make_coach, fake_openai):
    server = fake_openai(refusal="I can't help with that.")
    coach = _coach(make_coach, server)
    reply = coach.ask("I keep copying my manager's playbook.", "refuse1")
    assert reply.error and reply.text in (notice("en", "refused"), notice("en", "no_reply"))
    assert coach.history("refuse1")[-1].content == "I keep copying my manager's playbook."
    server.refusal = None
    assert coach.ask("Still there?", "refuse1").error is None


def test_a_reply_in_the_wrong_language_is_asked_for_once_more(make_coach, fake_openai):
    def reply(body: dict) -> str:
        if "Write this whole reply in Korean" in body["messages"][0]["content"]:
            return "선배의 방식에서 무엇을 얻었나요? 그리고 어디서 한계를 느끼나요?"
        return "What has your senior's way given you, and where does it feel capped?"

    server = fake_openai(reply=reply)
    coach = _coach(make_coach, server)
    pieces = list(coach.stream("요즘 팀 선배가 일하는 방식을 그대로 따라 하고 있어요.", "lang1"))
    final = pieces[-1]
    assert final.text == "선배의 방식에서 무엇을 얻었나요? 그리고 어디서 한계를 느끼나요?"
    assert "".join(pieces[:-1]) == final.text  # the English attempt was never shown
    assert len(server.chat_requests()) == 2


def test_a_reply_already_in_the_right_language_is_not_retried(make_coach, fake_openai):
    server = fake_openai(reply="선배의 방식에서 무엇을 얻었나요? PyTorch 코드 리뷰 말고 다른 건요?")
    coach = _coach(make_coach, server)
    coach.ask("요즘 팀 선배가 일하는 방식을 그대로 따라 하고 있어요.", "lang2")
    assert len(server.chat_requests()) == 1


def test_citation_lists_keep_only_the_real_ids_and_what_streams_is_final(make_coach, fake_openai, knowledge_base):
    question = "Why can't copying my mentor make me better than them?"
    server = fake_openai(reply=lambda body: f"Copying caps you [{real}, essay-9999999999]. And (essay-1234567890) what is yours?")
    coach = _coach(make_coach, server)
    real = coach.passages_for(question)[0].id  # a passage the turn is given (turn retrieval, a new session)
    pieces = list(coach.stream(question, "cite1"))
    final = pieces[-1]
    assert final.text == f"Copying caps you [{real}]. And what is yours?"
    assert "".join(pieces[:-1]) == final.text  # the invented ids never reached the screen


def test_404_names_coach_model_and_the_models_the_server_has(make_coach, fake_openai):
    server = fake_openai(models=["llama3.2:3b", "qwen2.5:7b"], require_model=True)
    coach = _coach(make_coach, server, model="gpt-5-mini")
    reply = coach.ask("I keep copying my manager's playbook.", "nf1")
    assert reply.error and "COACH_MODEL" in reply.text and "gpt-5-mini" in reply.text
    assert "llama3.2:3b" in reply.text and "qwen2.5:7b" in reply.text
    ko = coach.ask("팀장님 방식을 그대로 따라 하고 있어요.", "nf2")
    assert "COACH_MODEL" in ko.text and "llama3.2:3b" in ko.text and ko.language == "ko"


def test_404_from_a_server_that_lists_no_models(make_coach, fake_openai):
    server = fake_openai(models=[], require_model=True)
    reply = _coach(make_coach, server).ask("I keep copying my manager's playbook.", "nf3")
    assert reply.error and "COACH_MODEL" in reply.text and "/v1" in reply.text


def test_400_says_what_the_server_objected_to_and_does_not_ask_for_a_resend(make_coach, fake_openai):
    objection = "This model's maximum context length is 4096 tokens; you requested 5120."
    server = fake_openai(status=400, error_message=objection)
    coach = _coach(make_coach, server, max_retries=2)
    reply = coach.ask("I keep copying my manager's playbook.", "bad1")
    assert reply.error and objection in reply.text
    assert "send it again" not in reply.text and "again would get the same answer" in reply.text
    assert len(server.chat_requests()) == 1  # a 400 is not retried
    assert coach.history("bad1")[-1].content == "I keep copying my manager's playbook."


def test_coach_chat_prints_a_reply_once_even_when_a_citation_is_removed(fake_openai, coach_home):
    import os
    import subprocess
    import sys
    from pathlib import Path

    server = fake_openai(reply="Copying caps you [essay-9999999999]. What is yours?", token_delay=0.001)
    env = {**os.environ, "OPENAI_BASE_URL": server.url, "COACH_HOME": str(coach_home)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "coach"), "chat", "--session", "chat1"],
        input="I keep copying my manager's playbook.\nexit\n", capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("What is yours?") == 1, done.stdout
    assert "Copying caps you. What is yours?" in done.stdout and "essay-9999999999" not in done.stdout
