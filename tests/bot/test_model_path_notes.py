"""Notes as structured output against the fake server: the strongest kind the server accepts,
remembered; malformed answers read leniently, field by field; every drop logged with its reason."""

from __future__ import annotations

import json
import logging

import pytest

from bot.notes import TurnNotes

pytestmark = pytest.mark.slow

GOOD = {"strengths": [{"name": "explaining hard things simply", "evidence": "people ask me", "kind": "strength"}],
        "stage": "strengths"}


@pytest.fixture(autouse=True)
def _info_logs(caplog):
    caplog.set_level(logging.INFO, logger="bot.notes")


def _notes_state(make_coach, server, session: str, **overrides):
    coach = make_coach(openai_base_url=server.url, timeout=5.0, max_retries=0, **overrides)
    reply = coach.ask("People ask me to explain hard things simply.", session)
    assert reply.error is None
    assert coach.wait_for_notes(session, timeout=10)
    return coach, coach.state(session)


def test_json_schema_is_asked_for_first_with_a_real_typed_schema(make_coach, fake_openai):
    server = fake_openai(notes=json.dumps(GOOD))
    _, state = _notes_state(make_coach, server, "schema1")
    assert [s.name for s in state.strengths] == ["explaining hard things simply"]
    [request] = server.chat_requests(notes=True)
    schema = request["response_format"]["json_schema"]["schema"]
    assert request["response_format"]["type"] == "json_schema"
    card = json.dumps(schema)
    for field in ("hypothesis", "reward_signal", "daily_check", "duration_days", "confidence"):
        assert field in card  # the card is a typed object, not `dict` with no properties
    # Every field may be null, so a schema-following model can always say "nothing new".
    assert TurnNotes.model_validate({k: None for k in TurnNotes.model_fields}) == TurnNotes()


def test_auto_falls_back_to_json_mode_when_the_server_rejects_json_schema_and_tools(make_coach, fake_openai, caplog):
    server = fake_openai(notes=json.dumps(GOOD), structured=("json",), structured_status=500)
    coach, state = _notes_state(make_coach, server, "fallback1")
    assert [s.name for s in state.strengths] == ["explaining hard things simply"]
    kinds = [(r.get("response_format") or {}).get("type") or ("tools" if r.get("tools") else "text")
             for r in server.chat_requests(notes=True)]
    assert kinds == ["json_schema", "tools", "json_object"]
    assert server.chat_requests(notes=True)[-1]["response_format"]["schema"]["properties"]  # with its schema
    assert "rejected json_schema" in caplog.text and "accepts json" in caplog.text

    # Remembered: the next turn asks in JSON mode straight away.
    coach.ask("And I enjoy it.", "fallback1")
    assert coach.wait_for_notes("fallback1", timeout=10)
    assert (server.chat_requests(notes=True)[-1].get("response_format") or {}).get("type") == "json_object"
    assert len(server.chat_requests(notes=True)) == 4


def test_function_calling_when_configured(make_coach, fake_openai):
    server = fake_openai(notes=json.dumps(GOOD))
    _, state = _notes_state(make_coach, server, "tools1", structured="tools")
    assert [s.name for s in state.strengths] == ["explaining hard things simply"]
    [request] = server.chat_requests(notes=True)
    assert request["tools"] and "response_format" not in request


def test_plain_text_when_configured(make_coach, fake_openai):
    server = fake_openai(notes="Notes:\n```json\n" + json.dumps(GOOD) + "\n```")
    _, state = _notes_state(make_coach, server, "text1", structured="text")
    assert [s.name for s in state.strengths] == ["explaining hard things simply"]
    [request] = server.chat_requests(notes=True)
    assert "response_format" not in request and "tools" not in request


MALFORMED = {
    "prose with braces around the JSON": "Sure {as asked}: " + json.dumps(GOOD) + " Hope this helps {:)}",
    "a think block first": "<think>The user said {\"stage\": \"open\"}? No.</think>\n" + json.dumps(GOOD),
    "two objects": json.dumps({"note": "draft"}) + "\n" + json.dumps(GOOD),
    "a trailing comma": json.dumps(GOOD)[:-1] + ",}",
    "truncated JSON": json.dumps({**GOOD, "experiment": {"title": "Explain one thing a day", "hypothesis": "If I expl"}})[:-30],
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_notes_still_land(make_coach, fake_openai, case):
    server = fake_openai(notes=MALFORMED[case])
    _, state = _notes_state(make_coach, server, "bad-" + case.split()[0] + case.split()[1], structured="text")
    assert [s.name for s in state.strengths] == ["explaining hard things simply"], case
    assert state.stage.value == "strengths"


def test_one_strength_with_an_unknown_kind_costs_only_its_kind(make_coach, fake_openai, caplog):
    notes = {"strengths": [{"name": "reading raw data", "kind": "superpower"}, {"name": "meetings", "kind": "drain"}],
             "stage": "galaxy-brain"}
    server = fake_openai(notes=json.dumps(notes))
    _, state = _notes_state(make_coach, server, "kind1")
    assert [(s.name, s.kind) for s in state.strengths] == [("reading raw data", "strength"), ("meetings", "drain")]
    assert state.stage.value == "open"  # the unknown stage is dropped, nothing else
    assert "unknown kind 'superpower'" in caplog.text and "stage='galaxy-brain' dropped" in caplog.text


def test_a_reward_on_zero_to_ten_is_mapped_and_logged(make_coach, fake_openai, caplog):
    from bot.models import ExperimentCard

    server = fake_openai(notes=json.dumps({"review": {"outcome": "Two teammates asked for more", "reward": 9,
                                                      "plus": "people came back", "minus": "", "next": "twice a week"},
                                           "stage": "review"}))
    coach = make_coach(openai_base_url=server.url, timeout=5.0, max_retries=0)
    state = coach.state("reward1")
    state.experiments.append(ExperimentCard(title="Explainers", status="running"))
    coach.journal.save(state)
    coach.ask("It went well: two teammates asked for more explainers.", "reward1")
    assert coach.wait_for_notes("reward1", timeout=10)
    card = coach.state("reward1").experiments[0]
    assert card.status == "reviewed" and card.review.reward == 2 and card.review.next == "twice a week"
    assert "reward 9 read as 0-10 and mapped to +2" in caplog.text


def test_bad_card_fields_cost_only_themselves(make_coach, fake_openai, caplog):
    notes = {"experiment": {"title": "Explain one thing a day", "duration_days": "a week or so", "confidence": "8/10",
                            "action": "I will write one explainer a day for 7 days"}}
    server = fake_openai(notes=json.dumps(notes))
    _, state = _notes_state(make_coach, server, "card1")
    card = state.experiments[0]
    assert card.title == "Explain one thing a day" and card.confidence == 8 and card.action.startswith("I will")
    assert card.duration_days is None
    assert "experiment.duration_days='a week or so' dropped" in caplog.text


def test_notes_with_no_json_at_all_are_dropped_with_a_reason(make_coach, fake_openai, caplog):
    server = fake_openai(notes="I could not find anything new in this exchange.")
    _, state = _notes_state(make_coach, server, "none1", structured="text")
    assert state.strengths == [] and state.stage.value == "open"
    assert "notes for session none1 dropped: no JSON object" in caplog.text


def test_imitation_check_and_open_card_become_compact_state_lines(make_coach, fake_openai):
    notes = {"imitation": {"playbook": "my manager's meeting style", "verdict": "past_base"},
             "experiment": {"title": "Own agenda", "action": "I will write my own agenda for 5 meetings"}}
    server = fake_openai(notes=json.dumps(notes))
    coach, state = _notes_state(make_coach, server, "lines1")
    assert state.imitation.playbook == "my manager's meeting style" and state.imitation.verdict == "past_base"
    coach.ask("What should the card say next?", "lines1")
    system = server.chat_requests()[-1]["messages"][0]["content"]
    assert "Imitation check: following \"my manager's meeting style\"; verdict: past the base" in system
    line = next(l for l in system.splitlines() if l.startswith("Open card"))
    assert '"Own agenda"' in line and "Missing: strength, hypothesis" in line and "{" not in line
