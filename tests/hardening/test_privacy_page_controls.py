"""The page's chat controls and session tab act for their owner only: retry, undo, edit, like,
comment, new conversation, download and the notes refresh, asked for someone else's session, do
what they do for a session that does not exist (nothing), and forgetting takes the likes too."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.filterwarnings("ignore")

# Private, but calm: a message with distress in it gets its acknowledgement first (issue 11), and
# this test is about whose it is, not about how it is answered.
DIARY = "My private diary: my salary is 91000 and I copy my manager's playbook."
REPLY = "Thank you for trusting me with that. What do people come to you for?"
COMMENT = "alice-comment-marker-5521"


def _fn(app, name: str):
    for block_fn in app.fns.values():
        if block_fn.name == name:
            return block_fn.fn
    raise LookupError(name)


def _run(result):
    """A handler's result; a generator's items as a list."""
    return list(result) if hasattr(result, "__next__") else result


def _plain(value):
    """A handler's output as plain data: components by kind, id and visibility; fresh ids as ID."""
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"\b[0-9a-f]{32}\b", "ID", value)
    if value is None or isinstance(value, (int, float, bool)):
        return value
    shown = {k: getattr(value, k) for k in ("elem_id", "visible", "value", "interactive") if hasattr(value, k)}
    return [type(value).__name__, _plain({k: v for k, v in shown.items() if isinstance(v, (str, int, bool, list, type(None)))})]


def _text(value) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)


@pytest.fixture
def served(make_coach, recording_llm):
    from bot.people import Access, Accounts, Person
    from ui import build_app

    coach = make_coach(llm=recording_llm([REPLY, "{}", "Another answer.", "{}"]))
    alice = Person.user("alice")
    reply = coach.ask(DIARY, person=alice)
    coach.wait_for_notes(reply.session_id, timeout=30)
    accounts = Accounts(None)
    accounts.add("alice", "alice-pw-1")
    accounts.add("bob", "bob-pw-2")
    page = build_app(coach, Access("accounts", accounts=accounts))
    return SimpleNamespace(coach=coach, page=page, alice=alice, sid=reply.session_id, reply=reply)


def _request(name: str):
    return SimpleNamespace(username=name, headers={"accept-language": "en"})


def test_someone_elses_session_gets_what_a_nonexistent_one_gets(served):
    import gradio as gr

    from bot.models import Feedback

    coach, page, alice, sid = served.coach, served.page, served.alice, served.sid
    chatbot = next(b for b in page.blocks.values() if isinstance(b, gr.Chatbot))
    chat = [{"role": "user", "content": DIARY}, {"role": "assistant", "content": REPLY, "metadata": {"id": str(served.reply.message_id)}}]
    liked = coach.record_feedback(Feedback(session_id=sid, message_id=served.reply.message_id, rating="like"), alice)
    assert liked is not None
    before = [(m.content, m.status) for m in coach.history(sid, alice, replaced=True)]
    bob, missing = _request("bob"), "f" * 32

    def both(call):
        """The handler's answer for alice's id and for an id nobody has, asked by bob."""
        theirs, nobodys = _run(call(sid)), _run(call(missing))
        assert _text(theirs) == _text(nobodys)
        for secret in ("salary", "91000", "coach-download", COMMENT):
            assert secret not in _text(theirs)
        return theirs

    both(lambda s: _fn(page, "retry")(chat, s, None, bob))
    both(lambda s: _fn(page, "undo")(chat, s, None, bob))
    edit = gr.EditData(chatbot, {"index": 0, "value": "bob's words", "previous_value": DIARY})
    both(lambda s: _fn(page, "edit")(chat, s, None, edit, bob))
    like = gr.LikeData(chatbot, {"index": 1, "value": REPLY, "liked": False})
    both(lambda s: _fn(page, "like")(chat, s, None, like, bob))
    both(lambda s: _fn(page, "comment")("bob was here", liked, s, None, bob))
    both(lambda s: _fn(page, "export_markdown")(s, None, bob))
    both(lambda s: _fn(page, "notes_landed")(s, None, bob))
    new = both(lambda s: _fn(page, "new_session")(s, None, bob))

    # Nothing of alice's changed: her turn is not taken back, her like has no comment and bob's
    # dislike is nowhere, no download waits for anyone, and the new conversation is an empty one.
    assert [(m.content, m.status) for m in coach.history(sid, alice, replaced=True)] == before
    assert [(f.rating, f.comment) for f in coach.journal.feedback(sid)] == [("like", "")]
    assert len(page.downloads) == 0
    assert _plain(new)  # an empty conversation: nothing of alice's (checked by `both`)

    # Alice's own requests do act.
    me = _request("alice")
    _fn(page, "comment")(COMMENT, liked, sid, None, me)
    assert [f.comment for f in coach.journal.feedback(sid)] == [COMMENT]
    output = _fn(page, "export_markdown")(sid, None, me)
    assert "coach-download/" in _text(output) and len(page.downloads) == 1
    _, text, _ = _fn(page, "retry")(chat, sid, None, me)
    assert text == DIARY and [m.status for m in coach.history(sid, alice, replaced=True)] == ["replaced", "replaced"]


def test_forgetting_deletes_the_likes_and_their_comments_from_the_file(served, coach_home):
    from bot.models import Feedback

    coach, alice, sid = served.coach, served.alice, served.sid
    fid = coach.record_feedback(Feedback(session_id=sid, message_id=served.reply.message_id, rating="dislike"), alice)
    coach.record_feedback(Feedback(id=fid, session_id=sid, rating="dislike", comment=COMMENT), alice)
    assert COMMENT in coach.export(sid, "md", alice)
    assert coach.forget(sid, alice)
    assert coach.journal.feedback(sid) == []
    stored = b"".join(p.read_bytes() for p in coach_home.glob("journal.sqlite3*"))
    assert COMMENT.encode() not in stored and b"91000" not in stored
