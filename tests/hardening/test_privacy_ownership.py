"""A person owns their data: in every serving mode, every event and endpoint (documented or not,
through gradio_client, fn_index and raw HTTP) serves and changes only the caller's own sessions,
and another person's session id gets the answer a nonexistent one gets."""

from __future__ import annotations

import json
import re

import pytest

from privacy_support import Raw, fn_indices, launch

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]

# Private, but calm: a message with distress in it gets its acknowledgement first (issue 11), and
# this test is about whose it is, not about how it is answered.
DIARY = "My private diary: my salary is 91000 and I copy my manager's playbook."
REPLY = "Thank you for trusting me with that. What do people come to you for?"
NOTES = json.dumps(
    {
        "strengths": [{"name": "reading raw logs", "kind": "strength"}],
        "experiment": {
            "title": "raw logs every morning", "strength": "reading raw logs",
            "hypothesis": "If I read raw logs daily, I expect to find a bug others miss",
            "action": "I will read 20 raw log lines every morning for 7 days", "duration_days": 7,
            "reward_signal": "a teammate uses what I found", "daily_check": "Did I read 20 lines today?",
            "smallest_version": "read 3 lines", "obstacle_plan": "If meetings eat the morning, then after lunch",
            "confidence": 8,
        },
        "experiment_agreed": True,
    }
)
ATTACK = "ATTACKER WROTE THIS OUTCOME"
PASSWORDS = {"alice": "alice-pw-1", "bob": "bob-pw-2"}


def client(url: str, **kwargs):
    from gradio_client import Client

    return Client(url, verbose=False, **kwargs)


@pytest.fixture
def coach(make_coach, recording_llm):
    return make_coach(llm=recording_llm([REPLY, NOTES]))


def _same_answer(a: str, b: str, ids: tuple[str, str]) -> bool:
    """Two error texts that differ only by the session id they quote."""
    return a.replace(ids[0], "ID") == b.replace(ids[1], "ID")


def _no_trace(value, *secrets: str) -> None:
    text = json.dumps(value, ensure_ascii=False, default=str)
    for secret in secrets:
        assert secret not in text, (secret, text[:500])


def test_accounts_keep_each_persons_sessions_their_own(coach):
    from gradio_client.exceptions import AppError

    from bot.people import Access, Accounts, Person
    from ui import build_app

    accounts = Accounts(None)
    for name, password in PASSWORDS.items():
        accounts.add(name, password)
    page = build_app(coach, Access("accounts", accounts=accounts))
    url = launch(page)
    alice_client = bob_client = None
    raw_bob = raw_anon = None
    try:
        alice_client = client(url, auth=("alice", PASSWORDS["alice"]))
        reply, sid, _ = alice_client.predict(DIARY, "", api_name="/chat")
        assert reply == REPLY and re.fullmatch(r"[0-9a-f]{32}", sid)  # 128 bits, issued by the server
        alice = Person.user("alice")
        assert coach.sessions(alice)[0].id == sid and coach.sessions() == []  # not the local person's
        coach.wait_for_notes()  # the card comes with the notes, which land after the reply
        card = coach.state(sid, alice).experiments[0]
        assert card.status == "running"
        missing = "f" * 32

        # gradio_client, documented endpoints: bob gets what a nonexistent id gets.
        bob_client = client(url, auth=("bob", PASSWORDS["bob"]))
        for api in ("/export", "/forget"):
            with pytest.raises(AppError) as theirs:
                bob_client.predict(sid, api_name=api)
            with pytest.raises(AppError) as nobodys:
                bob_client.predict(missing, api_name=api)
            assert _same_answer(str(theirs.value), str(nobodys.value), (sid, missing))
            assert "No session" in str(theirs.value) and DIARY not in str(theirs.value)
        with pytest.raises(AppError, match="No session"):
            bob_client.predict("What did she say?", sid, api_name="/chat")
        # A caller cannot make up an id either (it would be an oracle for ids that exist).
        with pytest.raises(AppError, match="No session"):
            alice_client.predict("hello", "me", api_name="/chat")

        # The page's undocumented events by fn_index, with gradio_client...
        index = fn_indices(page)
        restored = bob_client.predict(sid, None, fn_index=index["restore"])
        _no_trace(restored, "salary", "91000", "raw logs")

        # ... and raw HTTP with bob's login: every event that takes a session id, given alice's.
        raw_alice = Raw.open(url, login=("alice", PASSWORDS["alice"]))
        ok, output = raw_alice.fn(index["restore"], [sid, None])  # the owner's call does get it
        raw_alice.close()
        assert ok and "91000" in json.dumps(output, ensure_ascii=False)
        raw_bob = Raw.open(url, login=("bob", PASSWORDS["bob"]))
        attempts = {
            "restore": [sid, None],
            "picked": [card.id, sid, None],
            "start_experiment": [card.id, sid, None],
            "record": [card.id, ATTACK, -2, ATTACK, ATTACK, ATTACK, sid, None],
            "export_markdown": [sid, None],
            "respond": ["", [], sid, None],
        }
        for name, data in attempts.items():
            ok, output = raw_bob.fn(index[name], data)
            _no_trace(output, "salary", "91000", "raw logs", "coach-download")
        tab = "bobs-tab"  # bob asks to forget, then confirms, in one tab, naming alice's session
        raw_bob.fn(index["ask"], [sid, None], tab)
        ok, output = raw_bob.fn(index["do_forget"], ["", sid, None], tab)
        assert ok and coach.owns(sid, alice)
        kind, text = raw_bob.call("export", [sid])
        assert kind == "error" and "salary" not in text

        # Alice's session is as she left it.
        state = coach.state(sid, alice)
        assert [c.status for c in state.experiments] == ["running"] and state.experiments[0].review is None
        assert ATTACK not in coach.export(sid, "md", alice)
        assert [m.content for m in coach.history(sid, alice)] == [DIARY, REPLY]
        assert DIARY in alice_client.predict(sid, api_name="/export")

        # Without a login, nothing at all.
        raw_anon = Raw.open(url)
        assert raw_anon.http.post("gradio_api/call/export", json={"data": [sid]}).status_code == 401
        ok, output = raw_anon.fn(index["restore"], [sid, None])
        assert not ok
    finally:
        for c in (alice_client, bob_client):
            if c is not None:
                c.close()
        for r in (raw_bob, raw_anon):
            if r is not None:
                r.close()
        page.close()


def test_guests_are_known_by_a_token_the_server_issued(coach, coach_home):
    from gradio_client.exceptions import AppError

    from bot.people import GUEST_HEADER, Access, GuestTokens
    from ui import build_app

    page = build_app(coach, Access("guests", guests=GuestTokens.at(coach_home)))
    url = launch(page)
    clients = []
    raw = None
    try:
        anonymous = client(url)
        clients.append(anonymous)
        token_a, token_b = anonymous.predict(api_name="/guest"), anonymous.predict(api_name="/guest")
        assert token_a != token_b and len(token_a) == 65  # 128 random bits + the server's MAC
        a = client(url, headers={GUEST_HEADER: token_a})
        b = client(url, headers={GUEST_HEADER: token_b})
        clients += [a, b]
        _, sid, _ = a.predict(DIARY, "", api_name="/chat")
        assert DIARY in a.predict(sid, api_name="/export")
        with pytest.raises(AppError, match="No session"):
            b.predict(sid, api_name="/export")

        forged = token_a[:33] + ("0" if token_a[33] != "0" else "1") + token_a[34:]
        for headers in ({GUEST_HEADER: forged}, {GUEST_HEADER: "x" * 65}, {}):
            stranger = client(url, headers=headers)
            clients.append(stranger)
            with pytest.raises(AppError, match="does not say who you are"):
                stranger.predict(sid, api_name="/export")

        index = fn_indices(page)
        raw = Raw.open(url)
        ok, output = raw.fn(index["restore"], [sid, token_b])  # b's browser claiming a's session
        assert ok
        _no_trace(output, "salary", "91000")
        ok, output = raw.fn(index["restore"], [sid, forged])  # a forged token: a new guest, nothing of a's
        assert ok
        _no_trace(output, "salary", "91000")
        issued = [v for v in output if isinstance(v, str) and len(v) == 65]
        assert issued and issued[0] not in (token_a, forged)
        ok, output = raw.fn(index["restore"], [sid, token_a])  # a's own browser gets a's conversation
        assert ok and "salary" in json.dumps(output, ensure_ascii=False)
    finally:
        for c in clients:
            c.close()
        if raw is not None:
            raw.close()
        page.close()


def test_local_mode_is_the_terminals_notebook_and_no_one_elses(coach, coach_home):
    from bot.people import Person
    from ui import build_app

    mine = coach.ask(DIARY)  # the terminal's person: the local one
    guest = Person("guest", "0" * 32)
    theirs = coach.ask("A guest's own secret: tok-guest-77", person=guest)
    page = build_app(coach)
    url = launch(page)
    raw = Raw.open(url)
    try:
        index = fn_indices(page)
        ok, output = raw.fn(index["restore"], [mine.session_id, None])
        assert ok and "salary" in json.dumps(output, ensure_ascii=False)  # page and terminal share one notebook
        ok, output = raw.fn(index["restore"], [theirs.session_id, None])
        assert ok
        _no_trace(output, "tok-guest-77")
    finally:
        raw.close()
        page.close()


def test_the_python_api_answers_someone_elses_id_as_a_nonexistent_one(coach):
    from bot.journal import UnknownSession
    from bot.models import Review
    from bot.people import Person

    alice, bob = Person.user("alice"), Person.user("bob")
    sid = coach.ask(DIARY, person=alice).session_id
    assert coach.wait_for_notes(sid, timeout=30)  # the card comes with the turn's notes, after the reply
    card = coach.state(sid, alice).experiments[0]
    missing = "e" * 32
    for probe in (sid, missing):
        assert coach.history(probe, bob) == [] and coach.history(probe) == []
        assert coach.state(probe, bob).experiments == [] and not coach.owns(probe, bob)
        assert coach.forget(probe, bob) is False
        assert DIARY not in coach.export(probe, "md", bob)
        with pytest.raises(KeyError):
            coach.record_review(probe, card.id, Review(outcome=ATTACK, reward=-2), person=bob)
        with pytest.raises(UnknownSession):
            coach.ask("hello", probe, person=bob)
    assert coach.sessions(bob) == [] and [s.id for s in coach.sessions(alice)] == [sid]
    assert [m.content for m in coach.history(sid, alice)] == [DIARY, REPLY]
    assert coach.state(sid, alice).experiments[0].review is None
