"""The web coach in a real browser (Debian's Chromium): a whole conversation, the board, reloads, two visitors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ui.browser_support import BOTS, INPUT, open_page, send
from tests.ui.browser_support import wait_for_reply as wait_for_any_reply


def wait_for_reply(page, count: int) -> str:
    # These tests, older than the "thinking" bubble, wait for the stream to end only.
    return wait_for_any_reply(page, count, thinking_gone=False)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # Gradio's own queue statistics use pandas APIs that pandas 3 deprecates.
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),
]

USERS = '#coach-chat [data-testid="user"]'
PASSAGE_ID = re.compile(r"essay-[0-9a-f]{10}")


def test_a_whole_coaching_session_in_the_browser(chromium, serve, canned_coach, artifacts):
    url = serve(canned_coach)
    context = chromium.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True)
    page = open_page(context, url)
    assert "custom model" in page.inner_text("#coach-header")
    assert page.locator("#coach-notice").count() == 0  # a model is connected: no offline notice

    message = "요즘 선배가 하는 방식을 그대로 따라 하고 있는데, 성장이 멈춘 느낌이에요."
    send(page, message)
    reply = wait_for_reply(page, 1)
    assert "즐거운 일이 있나요?" in reply
    assert page.input_value(INPUT) == ""
    # Ready for the next message: the box is enabled and has the focus again.
    page.wait_for_function(f"() => document.activeElement === document.querySelector({INPUT!r})")
    assert page.is_enabled(INPUT)

    # The passages this reply drew on, with their ids, inside its own bubble.
    (session,) = canned_coach.sessions()
    journalled = canned_coach.history(session.id)
    assert [m.role for m in journalled] == ["user", "assistant"] and journalled[0].content == message
    cited = journalled[1].sources
    assert cited
    bubble = page.locator(BOTS).first
    summary = bubble.locator(".coach-sources summary").inner_text()
    assert set(PASSAGE_ID.findall(summary)) == set(cited)
    bubble.locator(".coach-sources summary").click()
    first = canned_coach.passages(cited[:1])[0]
    assert first.text.splitlines()[0].strip() in bubble.locator(".coach-passage").first.inner_text()

    # Strengths and the proposed card, as the coach understood them: the panels follow the turn's
    # notes, which are taken after the reply.
    page.get_by_role("tab", name="Strengths").click()
    page.locator("#coach-strengths", has_text="원본 데이터를 오래 들여다보기").wait_for(timeout=10_000)
    page.get_by_role("tab", name="Experiments").click()
    board = page.locator("#coach-board")
    page.locator("#coach-board", has_text="티켓 20개 직접 읽기").wait_for(timeout=10_000)
    assert "티켓 20개 직접 읽기" in board.inner_text()
    assert board.locator(".coach-status-proposed").count() == 1

    # Start it, then record what the world answered.
    page.click("#coach-start")
    board.locator(".coach-status-running").wait_for()
    assert not page.locator("#coach-start").is_visible()
    page.click("#coach-save-review")  # nothing written yet: a hint, no change
    page.get_by_text("어떻게 됐는지 먼저 적어 주세요").wait_for()  # in the conversation's language
    assert board.locator(".coach-status-running").count() == 1
    page.fill("#coach-outcome textarea", "팀장이 내가 찾은 패턴 두 개를 회의에서 썼다")
    page.locator("#coach-reward label", has_text="+1").click()
    page.locator("#coach-plus").locator("textarea, input").first.fill("아침 루틴이 자리 잡음")
    page.locator("#coach-next").locator("textarea, input").first.fill("패턴을 문서로 정리하기")
    page.click("#coach-save-review")
    board.locator(".coach-status-reviewed").wait_for()
    assert "보상 +1" in board.inner_text()
    (card,) = canned_coach.state(session.id).experiments
    assert card.status == "reviewed" and card.review.reward == 1
    assert card.review.outcome == "팀장이 내가 찾은 패턴 두 개를 회의에서 썼다"

    # The coach sees the review on the next turn.
    send(page, "실험 결과를 같이 돌아보고 싶어요.")
    wait_for_reply(page, 2)
    reply_prompt = canned_coach.llm.calls[-2]  # the reply call; the note-taking call comes after it
    assert "팀장이 내가 찾은 패턴 두 개를 회의에서 썼다" in str(reply_prompt)

    # After a reload the browser is back in its session: history, sources and board.
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#coach-chat [data-testid=\"user\"]').length >= 2")
    assert message in page.locator(USERS).first.inner_text()
    assert page.locator(BOTS).count() == 2
    assert set(PASSAGE_ID.findall(page.locator(BOTS).first.locator(".coach-sources summary").inner_text())) == set(cited)
    assert page.locator("#coach-board .coach-status-reviewed").count() == 1
    assert len(canned_coach.sessions()) == 1  # the reload did not start another session

    shot = artifacts / "ui-coach-session.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")

    # Export, then a new session empties the page (the old one stays in the journal).
    page.get_by_role("tab", name="Session").click()
    with page.expect_download() as download:
        page.click("#coach-export")  # one click, and the file is there
    assert download.value.suggested_filename == f"on-policy-coach-{session.id}.md"
    assert message in Path(download.value.path()).read_text(encoding="utf-8")
    # It was served once, privately (ui/downloads.py): the link it came through is spent.
    href = page.locator("#coach-export-file a.coach-download").get_attribute("href")
    assert "coach-download/" in href
    assert page.request.get(url + href).status == 404
    page.click("#coach-new")
    page.wait_for_function("() => document.querySelectorAll('#coach-chat [data-testid=\"user\"]').length == 0")
    assert "No experiments yet" in page.inner_text("#coach-board")
    context.close()


def test_two_visitors_never_see_each_other(chromium, serve, make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["좋아요. 무엇이 당신만의 방식인가요?"], sleep=0.005))
    url = serve(coach)
    alice_context, bob_context = chromium.new_context(), chromium.new_context()
    alice, bob = open_page(alice_context, url), open_page(bob_context, url)
    alice_says = "앨리스의 고민: 디자인 선배를 따라 하는 중이에요."
    bob_says = "Bob here: I copy my lead's code review style."
    send(alice, alice_says)
    send(bob, bob_says)  # both turns stream at the same time
    wait_for_reply(alice, 1)
    wait_for_reply(bob, 1)

    for page, own, other in ((alice, alice_says, bob_says), (bob, bob_says, alice_says)):
        page.reload()
        page.locator(USERS).first.wait_for()
        chat = page.inner_text("#coach-chat")
        assert own in chat and other not in chat
    assert len(coach.sessions()) == 2
    alice_context.close()
    bob_context.close()


def test_guided_offline_mode_in_the_browser(chromium, serve, make_coach):
    coach = make_coach()  # no model configured: the guided offline mode
    assert coach.mode == "guided"
    url = serve(coach)
    context = chromium.new_context()
    page = open_page(context, url)
    assert "Guided offline mode" in page.inner_text("#coach-notice")  # compact until opened
    page.locator("#coach-notice").get_by_text("Guided offline mode").click()
    page.get_by_text("OPENAI_BASE_URL").wait_for()
    notice = page.inner_text("#coach-notice")
    assert "OPENAI_API_KEY" in notice and "OPENAI_BASE_URL" in notice
    assert "guided offline mode" in page.inner_text("#coach-header")

    send(page, "요즘 선배가 하는 방식을 그대로 따라 하고 있는데, 성장이 멈춘 느낌이에요.")
    reply = wait_for_reply(page, 1)
    assert reply.strip() and "⚠️" not in reply
    assert "OPENAI_API_KEY" not in reply  # the banner said it: not twice
    (session,) = coach.sessions()
    assert [m.role for m in coach.history(session.id)] == ["user", "assistant"]
    context.close()


def test_empty_message_gets_a_reason_beside_the_box(chromium, serve, canned_coach):
    url = serve(canned_coach)
    context = chromium.new_context()
    page = open_page(context, url)
    page.press(INPUT, "Enter")
    page.get_by_text("the message is empty").wait_for()
    assert page.locator(USERS).count() == 0 and page.locator(BOTS).count() == 0
    # The page is still alive: a real message goes through.
    send(page, "다시 해 볼게요. 저는 선배의 방식만 따라 하고 있어요.")
    assert "즐거운 일이 있나요?" in wait_for_reply(page, 1)
    context.close()


def test_stop_ends_the_turn_and_the_session_goes_on(chromium, serve, make_coach, recording_llm):
    slow = "천천히 생각해 볼게요. " * 40
    # Replies and notes alternate in the list; the stopped turn takes no notes.
    coach = make_coach(llm=recording_llm([slow, "{}", "두 번째 답이에요.", "{}"], sleep=0.02))
    url = serve(coach)
    context = chromium.new_context()
    page = open_page(context, url)
    send(page, "첫 번째 메시지예요. 선배 방식만 따라 하고 있어요.")
    page.locator(BOTS).first.wait_for()  # the reply has started streaming
    page.locator('[data-testid="stop-button"]').click()
    page.wait_for_selector('[data-testid="stop-button"]', state="detached")
    # The session is free again at once: the next turn is answered.
    assert len(page.locator(BOTS).first.inner_text()) < len(slow.strip())  # it stopped midway
    send(page, "두 번째 메시지예요. 제 강점을 찾고 싶어요.")
    assert "두 번째 답이에요." in wait_for_reply(page, 2)
    (session,) = coach.sessions()
    contents = [m.content for m in coach.history(session.id)]
    assert contents[0].startswith("첫 번째 메시지예요") and "두 번째 메시지예요. 제 강점을 찾고 싶어요." in contents
    context.close()


def test_a_failing_turn_reads_as_a_sentence_and_keeps_the_message(chromium, serve, canned_coach, monkeypatch):
    def broken_stream(message, session_id=None, person=None):
        yield "반쯤 쓰다가"
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(canned_coach, "stream", broken_stream)
    url = serve(canned_coach)
    context = chromium.new_context()
    page = open_page(context, url)
    message = "이 메시지는 사라지면 안 돼요."
    send(page, message)
    reply = wait_for_reply(page, 2)  # the notice is its own bubble
    assert "RuntimeError" in reply and "Traceback" not in reply and "on fire" not in reply
    assert page.locator(BOTS).first.inner_text().startswith("반쯤 쓰다가")  # what arrived before the failure stays
    assert message in page.locator(USERS).first.inner_text()
    context.close()


def test_a_corrupt_stored_session_starts_a_new_one(chromium, serve, canned_coach):
    from ui.app import STORAGE_KEY

    url = serve(canned_coach)
    context = chromium.new_context()
    context.add_init_script(f"window.localStorage.setItem({STORAGE_KEY!r}, '../../not-a-session')")
    page = open_page(context, url)
    send(page, "새로 시작해도 괜찮아요. 선배 방식을 따라 하는 중이에요.")
    assert "즐거운 일이 있나요?" in wait_for_reply(page, 1)
    (session,) = canned_coach.sessions()
    assert len(canned_coach.history(session.id)) == 2
    context.close()
