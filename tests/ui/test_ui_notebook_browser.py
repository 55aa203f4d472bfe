"""The person's tabs in a real browser: the policy chart (an inline SVG) with its marks, a tick from
the board's button, the .ics download, and a past conversation reopened from the list."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.models import ExperimentCard, Review, SessionState, Strength
from tests.ui.test_ui_browser import BOTS, open_page, send, wait_for_reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]
TODAY = dt.date.today()
SHOTS = Path("/work/wt/i16-shots")


def open_tab(page, name: str) -> None:
    """Click a side tab, through the "More tabs" menu when the column is too narrow to show it."""
    tabs = page.locator("#coach-person-tabs")
    tab = tabs.locator('[role="tab"]', has_text=name)
    if tab.count():
        tab.first.click()
        return
    tabs.locator('button[aria-label="More tabs"]').first.click()
    tabs.locator(".overflow-dropdown button", has_text=name).click()


def person_history(coach) -> dict[str, str]:
    """Three strengths; four reviewed experiments over two months (one paid, one failed); one running."""
    store = coach.notebook_store
    for name, words in (("reading raw logs", "I read logs for fun"), ("automation scripts", "I script every chore"),
                        ("copying the senior's slides", "I reuse her decks")):
        store.add_strength("local", Strength(name=name, evidence=words))
    reviewed = [("Ten tickets a day", "reading raw logs", 2, 60), ("Log diff each Friday", "reading raw logs", 1, 30),
                ("Her deck, my data", "copying the senior's slides", -2, 45), ("Script the release notes", "automation scripts", 0, 10)]
    for title, strength, reward, ago in reviewed:
        card = ExperimentCard(title=title, strength=strength, status="reviewed", duration_days=7,
                              review=Review(outcome="…", reward=reward, date=TODAY - dt.timedelta(days=ago)))
        store.put_card("local", card, started_on=TODAY - dt.timedelta(days=ago + 7))
    running = ExperimentCard(title="Raw logs every morning", strength="reading raw logs", status="running", duration_days=7,
                             daily_check="Did I read logs this morning?", review_on=TODAY + dt.timedelta(days=4))
    store.put_card("local", running, started_on=TODAY - dt.timedelta(days=3))
    state = SessionState(session_id="earlier-talk")
    coach.journal.save(state)
    coach.rename_session("earlier-talk", "The talk about logs")
    return {"running": running.id}


def test_the_notebook_tab_shows_the_chart_and_ticks_from_the_board(chromium, serve, make_coach, artifacts):
    coach = make_coach()
    ids = person_history(coach)
    url = serve(coach)
    context = chromium.new_context(viewport={"width": 1360, "height": 1000}, accept_downloads=True)
    page = open_page(context, url)
    open_tab(page, "Notebook · 노트")
    page.wait_for_selector("#coach-chart svg.coach-chart")
    assert page.locator("#coach-chart circle.coach-mark-reviewed").count() == 4
    assert page.locator("#coach-chart circle.coach-mark-pending").count() == 1
    box = page.locator("#coach-chart svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100  # really drawn, not an empty element
    policy = page.inner_text("#coach-policy")
    assert "reading raw logs" in policy and "+1.5" in policy
    assert "exploit —" in policy or "explore —" in policy

    page.locator(".coach-tick-yes").first.click()
    page.wait_for_function("() => document.querySelector('#coach-checkins')?.innerText.includes('streak 1')")
    assert coach.card(ids["running"]).progress.yes == 1

    page.locator(".coach-ics").first.click()
    link = page.locator("#coach-ics-file a.coach-download")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VALARM" in data
    shot = artifacts / "notebook-chart.png"
    page.screenshot(path=str(shot), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True) if SHOTS.parent.exists() else None
    if SHOTS.exists():
        shutil.copy(shot, SHOTS / shot.name)
    print(f"screenshot: {shot}")
    context.close()


def test_a_past_conversation_is_reopened_from_the_list(chromium, serve, make_coach):
    coach = make_coach()
    first = coach.ask("I've been copying my manager's playbook and I feel stuck.")
    coach.rename_session(first.session_id, "The playbook talk")
    url = serve(coach)
    context = chromium.new_context(viewport={"width": 1360, "height": 900})
    page = open_page(context, url)
    assert page.locator(BOTS).count() == 0  # a new browser starts a new conversation
    send(page, "Hello, a new conversation here")
    wait_for_reply(page, 1)
    open_tab(page, "Conversations · 대화")
    page.locator("#coach-conversations input").click()
    page.get_by_role("option", name="The playbook talk", exact=False).click()
    page.click("#coach-reopen")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#coach-chat [data-testid=\"user\"]')].some(e => e.innerText.includes('playbook'))"
    )
    assert len(coach.conversations()) == 2  # the new one is kept too
    context.close()
