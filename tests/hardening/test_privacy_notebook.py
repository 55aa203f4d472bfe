"""The person's tabs keep to their person: another login calling the notebook and conversation
events by fn_index, with alice's card and session ids, sees and changes nothing of hers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from privacy_support import Raw, fn_indices, launch

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]
PASSWORDS = {"alice": "alice-pw-1", "bob": "bob-pw-2"}
SECRET = "ALICE-ONLY firmware nights"


def test_another_login_cannot_reach_a_persons_notebook_or_conversations(make_coach):
    from bot.models import ExperimentCard, SessionState, Strength
    from bot.people import Access, Accounts, Person
    from ui import build_app

    coach = make_coach()
    alice = Person.user("alice")
    store = coach.notebook_store
    store.add_strength(alice.key, Strength(name=SECRET, evidence="I said so"))
    card = ExperimentCard(title=SECRET, strength=SECRET, status="running", duration_days=7)
    store.put_card(alice.key, card, started_on=dt.date.today())
    coach.journal.save(SessionState(session_id="a" * 32, owner=alice.key))
    coach.rename_session("a" * 32, SECRET, alice)
    strength_id = coach.notebook(alice).strengths[0].id

    accounts = Accounts(None)
    for name, password in PASSWORDS.items():
        accounts.add(name, password)
    page = build_app(coach, Access("accounts", accounts=accounts))
    url = launch(page)
    raw_bob = Raw.open(url, login=("bob", PASSWORDS["bob"]))
    try:
        index = fn_indices(page)
        attempts = {
            "refresh_person_tabs": [None],
            "change_notebook_item": [f"c:{card.id}", "", None],  # delete (the second of the two buttons)
            "reopen_conversation": ["a" * 32, None],
            "rename_conversation": ["a" * 32, "bob was here", None],
            "forget_conversation": ["a" * 32, True, "a" * 32, None],
        }
        for name, data in attempts.items():
            ok, output = raw_bob.fn(index[name], data)
            assert SECRET not in json.dumps(output, ensure_ascii=False, default=str), name
        for value in (f"s:{strength_id}", f"c:{card.id}"):
            for fn_index in [i for i, fn in enumerate(page.fns.values()) if getattr(fn.fn, "__name__", "") == "change_notebook_item"]:
                raw_bob.fn(fn_index, [value, "renamed by bob", None])
    finally:
        raw_bob.close()
        page.close()
    notebook = coach.notebook(alice)
    assert [s.name for s in notebook.strengths] == [SECRET]
    assert [c.card.title for c in notebook.cards] == [SECRET]
    assert coach.owns("a" * 32, alice)
    assert [c.title for c in coach.conversations(alice)] == [SECRET]
    assert coach.notebook(Person.user("bob")).cards == []
