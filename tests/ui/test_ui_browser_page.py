"""The page as people use it, at desktop and phone size: it fits the screen, says things in words,
keeps rejected messages, has the chat controls people know (and they reach the journal), and
passes an accessibility audit (axe-core from tests/ui/node_modules, injected offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.ui.browser_support import BOTS, INPUT, open_page, send, wait_for_reply

from tests.ui.conftest import NOTES, browser_required

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]

SEND = '#coach-input [data-testid="submit-button"], #coach-input button.submit-button'
USERS = '#coach-chat [data-testid="user"]'
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")
REPLY = "선배의 방식은 출발점이었어요 [essay-db5045b070]. 남들은 지루해하는데 당신은 즐거운 일이 있나요?"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
MESSAGE = "요즘 선배가 하는 방식을 그대로 따라 하고 있는데, 성장이 멈춘 느낌이에요."

# Every visible control, tab, bubble and the input, with where its right edge is.
RIGHT_EDGES = """() => [...document.querySelectorAll(
    'button, [role="tab"], [data-testid="bot"], [data-testid="user"], textarea, input, .coach-card')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                 && getComputedStyle(e).visibility !== 'hidden'; })
  .map(e => [e.getAttribute('aria-label') || e.id || e.className.toString().slice(0, 40),
             Math.round(e.getBoundingClientRect().right)])"""


def context_for(chromium, size: str, **options):
    width, height = SIZES[size]
    if size == "phone":
        options.update(device_scale_factor=2, is_mobile=True, has_touch=True)
    return chromium.new_context(viewport={"width": width, "height": height}, **options)


def assert_fits(page, width: int) -> None:
    too_wide = [(name, right) for name, right in page.evaluate(RIGHT_EDGES) if right > width]
    assert not too_wide, f"past the screen's right edge ({width} px): {too_wide[:10]}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def assert_in_first_screen(page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, f"{selector} is not on the first screen: {box}"


def audit(page) -> list:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci --prefix tests/ui` (.ci/run does)"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def shoot(page, artifacts, name: str) -> None:
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_page_fits_the_screen_says_words_and_passes_an_audit(chromium, serve, make_coach, recording_llm, artifacts, size):
    coach = make_coach(llm=recording_llm([REPLY, NOTES]))
    url = serve(coach)
    width = SIZES[size][0]
    context = context_for(chromium, size)
    page = open_page(context, url)
    assert_fits(page, width)
    assert_in_first_screen(page, INPUT)
    assert_in_first_screen(page, SEND)
    assert page.get_by_label("Message to the coach").count() >= 1  # the input says what it is for
    shoot(page, artifacts, f"after-{size}-empty")

    send(page, MESSAGE)
    reply = wait_for_reply(page, 1)
    # A short marker, the id in its tooltip: its number is the passage's place in the reply's sources.
    assert "[essay-" not in reply
    marker = page.locator(f"{BOTS} a.coach-cite").first
    assert marker.get_attribute("title") == "essay-db5045b070"
    listed = page.locator(f"{BOTS} .coach-passage code.pid").all_text_contents()
    assert marker.inner_text() == f"[{listed.index('essay-db5045b070') + 1}]" and marker.inner_text() in reply
    assert_fits(page, width)
    assert_in_first_screen(page, INPUT)
    assert_in_first_screen(page, SEND)
    assert_in_first_screen(page, BOTS)
    shoot(page, artifacts, f"after-{size}-reply")

    # The marker opens the reply's Sources block at that passage.
    page.locator(f"{BOTS} a.coach-cite").first.click()
    assert page.evaluate("document.querySelector('#coach-chat details.coach-sources').open")

    # The side panels, reached by their tabs (below the chat on a phone).
    page.get_by_role("tab", name="Experiments").click()
    board = page.locator("#coach-board")
    board.scroll_into_view_if_needed()
    assert "티켓 20개 직접 읽기" in board.inner_text() and "Proposed" in board.inner_text() or "제안됨" in board.inner_text()
    assert not page.locator("#coach-review-form").is_visible()  # nothing to record before it runs
    assert_fits(page, width)
    text = page.inner_text("body")
    assert not SNAKE_CASE.findall(text), SNAKE_CASE.findall(text)
    shoot(page, artifacts, f"after-{size}-board")

    problems = audit(page)
    assert not problems, json.dumps(problems, indent=1)
    page.get_by_role("tab", name="Session").click()
    assert "[1]" not in page.inner_text("#coach-session-info") and "design" not in page.inner_text("#coach-session-info")

    # The same conversation in dark mode passes the audit too.
    page = open_page(context, url + "?__theme=dark")
    page.locator(USERS).first.wait_for()
    problems = audit(page)
    assert not problems, json.dumps(problems, indent=1)
    shoot(page, artifacts, f"after-{size}-dark")
    context.close()


def test_the_page_follows_the_browsers_language(chromium, serve, make_coach, recording_llm):
    coach = make_coach(llm=recording_llm([REPLY, NOTES]))
    url = serve(coach)
    context = context_for(chromium, "phone", locale="ko-KR")
    page = open_page(context, url)
    page.get_by_text("아직 실험이 없어요").wait_for()  # the board, before anything is said: the browser's language
    assert page.get_by_label("코치에게 보낼 메시지").count() >= 1
    assert page.get_by_role("tab", name="실험").count() == 1
    assert "아직 실험이 없어요" in page.inner_text("#coach-board")
    send(page, MESSAGE)
    wait_for_reply(page, 1)
    # The card comes with the notes, which land after the reply (in the background): wait for it.
    page.locator("#coach-board").get_by_text("제안됨").first.wait_for(timeout=20_000)
    context.close()


def test_a_rejected_message_stays_in_the_box_with_the_reason(chromium, serve, make_coach, recording_llm):
    coach = make_coach(llm=recording_llm([REPLY, NOTES]), max_message_chars=60)
    url = serve(coach)
    page = open_page(context_for(chromium, "phone"), url)
    long_message = "I have been copying my manager's playbook for a year and it is not working. " * 2
    send(page, long_message)
    reason = page.locator("#coach-input-reason")
    reason.wait_for()
    assert "limit is 60" in reason.inner_text()
    assert page.input_value(INPUT) == long_message  # the words are kept
    page.fill(INPUT, "   ")
    page.press(INPUT, "Enter")
    page.get_by_text("the message is empty").wait_for()
    assert page.locator(BOTS).count() == 0 and page.locator(USERS).count() == 0  # no notice inside the chat
    assert coach.sessions() == []  # nothing reached the coach
    send(page, "I copy my manager's playbook.")
    wait_for_reply(page, 1)
    assert not reason.is_visible()


def test_retry_undo_edit_and_like_reach_the_journal(chromium, serve, make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["First answer.", "{}", "Second answer.", "{}", "Third answer.", "{}", "Fourth answer.", "{}"]))
    url = serve(coach)
    context = context_for(chromium, "desktop")
    page = open_page(context, url)
    send(page, "I copy my manager's playbook and feel stuck.")
    assert "First answer." in wait_for_reply(page, 1)
    (session,) = coach.sessions()

    page.locator('#coach-chat button[aria-label="Retry"]').click()
    page.wait_for_function("() => document.querySelector('#coach-chat [data-testid=\"bot\"]')?.innerText.includes('Second answer.')")
    wait_for_reply(page, 1)
    journal = coach.history(session.id, replaced=True)
    assert [m.status for m in journal] == ["replaced", "replaced", "ok", "ok"]
    assert journal[1].content == "First answer." and journal[3].content == "Second answer."

    page.locator('#coach-chat button[aria-label="Like"]').click()
    page.locator("#coach-feedback-text textarea, #coach-feedback-text input").first.fill("Short and to the point")
    page.click("#coach-feedback-send")
    page.wait_for_function("() => !document.querySelector('#coach-feedback-text')?.checkVisibility()")
    (liked,) = coach.journal.feedback(session.id)
    assert liked.rating == "like" and liked.comment == "Short and to the point"
    assert liked.message_id is not None and liked.message_id == max(m.id for m in coach.history(session.id))
    assert "Short and to the point" in coach.export(session.id)

    page.locator('#coach-chat button[aria-label="Undo"]').click()
    page.wait_for_function("() => document.querySelectorAll('#coach-chat [data-testid=\"bot\"]').length == 0")
    assert page.input_value(INPUT) == "I copy my manager's playbook and feel stuck."  # back in the box
    assert coach.history(session.id) == []
    assert len(coach.history(session.id, replaced=True)) == 4  # marked, not erased

    # Edit the last message and send it again: the old turn is marked replaced, the new one answered.
    send(page, "I copy my lead's code reviews.")
    page.wait_for_function("() => document.querySelector('#coach-chat [data-testid=\"bot\"]')?.innerText.includes('Third answer.')")
    wait_for_reply(page, 1)
    page.locator('#coach-chat button[aria-label="Edit"]').click()
    editor = page.locator("#coach-chat textarea").first
    editor.fill("I copy my lead's code reviews, word for word.")
    assert editor.input_value().endswith("word for word.")
    page.locator('#coach-chat button[aria-label="Submit"]').click()
    page.wait_for_function("() => document.querySelector('#coach-chat [data-testid=\"bot\"]')?.innerText.includes('Fourth answer.')")
    wait_for_reply(page, 1)
    shown = [m.content for m in coach.history(session.id)]
    assert shown == ["I copy my lead's code reviews, word for word.", "Fourth answer."]
    statuses = [(m.content, m.status) for m in coach.history(session.id, replaced=True)]
    assert ("I copy my lead's code reviews.", "replaced") in statuses and ("Third answer.", "replaced") in statuses

    context.close()


def test_new_conversation_keeps_the_old_one_and_export_downloads_in_one_click(chromium, serve, make_coach, recording_llm):
    coach = make_coach(llm=recording_llm([REPLY, NOTES]))
    url = serve(coach)
    context = context_for(chromium, "phone", accept_downloads=True)
    page = open_page(context, url)
    send(page, MESSAGE)
    wait_for_reply(page, 1)
    (session,) = coach.sessions()
    page.get_by_role("tab", name="Session").click()
    with page.expect_download() as download:
        page.click("#coach-export")
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert MESSAGE in saved and "| 바탕이 되는 강점 |" in saved and "duration_days" not in saved

    page.click("#coach-new")
    page.wait_for_function("() => document.querySelectorAll('#coach-chat [data-testid=\"user\"]').length == 0")
    assert len(coach.history(session.id)) == 2  # the old conversation is still in the journal
    page.reload()
    page.wait_for_selector(INPUT)
    page.wait_for_timeout(500)
    assert page.locator(USERS).count() == 0  # a reload stays in the new conversation
    context.close()


def test_everything_is_reachable_with_the_keyboard(chromium, serve, make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["First answer.", NOTES]))
    url = serve(coach)
    context = context_for(chromium, "desktop")
    page = open_page(context, url)
    page.wait_for_function(f"() => document.activeElement === document.querySelector({INPUT!r})")  # focus starts in the box
    page.keyboard.type("I copy my lead's code reviews.")
    page.keyboard.press("Enter")
    wait_for_reply(page, 1)
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(
            "(() => { const e = document.activeElement; return e.getAttribute('aria-label') || e.innerText.trim().split('\\n')[0] || e.id; })()"
        ))
        if page.evaluate("document.activeElement.getAttribute('role') === 'tab' && document.activeElement.innerText.includes('Strengths')"):
            page.keyboard.press("Enter")
            page.locator("#coach-strengths").wait_for()
    for control in ("New conversation", "Copy message", "Edit", "Retry", "Undo", "Like", "Dislike", "Experiments", "Session"):
        assert control in reached, f"{control!r} cannot be reached with Tab: {sorted(reached)}"
    assert page.locator("#coach-strengths").is_visible()  # Enter on a tab opens it
    # Focus is visible: the focused control draws an outline.
    page.locator("#coach-new").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # back on "New conversation", by keyboard
    focused = page.evaluate("[document.activeElement.id, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused[0] == "coach-new" and focused[1] != "none", focused
    context.close()


def test_the_offline_banner_is_compact_on_a_phone_and_said_once(chromium, serve, make_coach, artifacts):
    coach = make_coach()  # no model: the guided offline mode
    url = serve(coach)
    context = context_for(chromium, "phone")
    page = open_page(context, url)
    assert "Guided offline mode" in page.inner_text("#coach-notice")
    assert "OPENAI_API_KEY" not in page.inner_text("#coach-notice")  # folded until opened
    assert_in_first_screen(page, INPUT)  # on arrival, before anything scrolls
    assert_in_first_screen(page, SEND)
    send(page, MESSAGE)
    reply = wait_for_reply(page, 1)
    assert "OPENAI_API_KEY" not in reply and "offline" not in reply.lower()  # not twice
    assert_fits(page, SIZES["phone"][0])
    assert_in_first_screen(page, INPUT)
    assert_in_first_screen(page, SEND)
    shoot(page, artifacts, "after-phone-guided")
    context.close()
