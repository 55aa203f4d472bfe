"""Privacy in a real browser: a reply with remote media loads nothing; forgetting asks first and then
forgets for good; two browsers in guests mode are two people."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ui.browser_support import INPUT, open_page, send, wait_for_reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]
NO_USER_MESSAGES = """() => document.querySelectorAll('#coach-chat [data-testid="user"]').length == 0"""


def _reply(page, count: int) -> None:
    wait_for_reply(page, count, thinking_gone=False)


def _say(page, text: str, count: int) -> None:
    send(page, text)
    _reply(page, count)


def test_forget_asks_then_forgets_and_the_page_starts_afresh(chromium, serve, make_coach, recording_llm, coach_home):
    coach = make_coach(recording_llm(["What do people come to you for?", '{"strengths": []}']))
    url = serve(coach)
    context = chromium.new_context()
    try:
        page = open_page(context, url)
        _say(page, "My private diary: marker lilac-owl-22.", 1)
        (session,) = coach.sessions()
        page.get_by_role("tab", name="Session").click()

        page.click("#coach-forget")
        page.get_by_text("Forget this conversation?").wait_for()
        page.click("#coach-forget-no")  # cancel: nothing happens
        # While Gradio re-renders the group, two copies of it can stand in the page for a moment (a
        # strict locator then fails): wait until none of them is shown.
        page.wait_for_function(
            "() => [...document.querySelectorAll('#coach-forget-confirm')].every(e => e.offsetParent === null)"
        )
        assert coach.owns(session.id)

        page.click("#coach-forget")
        page.click("#coach-forget-yes")
        page.wait_for_function(NO_USER_MESSAGES)
        assert coach.sessions() == [] and not coach.owns(session.id)
        assert b"lilac-owl-22" not in b"".join(p.read_bytes() for p in coach_home.glob("journal.sqlite3*"))
        page.reload()
        page.wait_for_selector(INPUT)
        page.wait_for_timeout(500)
        assert "lilac-owl-22" not in page.inner_text("#coach-chat")

        # After forgetting, the page's next message starts a new conversation.
        _say(page, "A fresh start.", 1)
        (fresh,) = coach.sessions()
        assert fresh.id != session.id
        page.get_by_role("tab", name="Session").click()
        page.click("#coach-forget-all")
        page.get_by_text("Forget everything the coach has of yours?").wait_for()
        page.click("#coach-forget-yes")
        page.wait_for_function(NO_USER_MESSAGES)
        assert coach.sessions() == []
    finally:
        context.close()


def test_two_guest_browsers_are_two_people(chromium, make_coach, recording_llm, coach_home):
    from bot.people import Access, GuestTokens
    from ui import build_app

    coach = make_coach(recording_llm(["What do people come to you for?", '{"strengths": []}']))
    app = build_app(coach, Access("guests", guests=GuestTokens.at(coach_home)))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    contexts = [chromium.new_context(), chromium.new_context()]
    try:
        pages = []
        for n, context in enumerate(contexts):
            page = open_page(context, url)
            _say(page, f"Guest {n} secret: marker guest-{n}-heron.", 1)
            pages.append(page)
        assert coach.sessions() == []  # none of them is the machine's owner
        owners = {coach.journal.load(s) and coach.journal.load(s).owner for s in _all_ids(coach)}
        assert len(owners) == 2 and all(o.startswith("guest:") for o in owners)
        for n, page in enumerate(pages):
            page.reload()
            page.locator('#coach-chat [data-testid="user"]').first.wait_for()
            chat = page.inner_text("#coach-chat")
            assert f"guest-{n}-heron" in chat and f"guest-{1 - n}-heron" not in chat
    finally:
        for context in contexts:
            context.close()
        app.close()


class _Listener:
    """An HTTP server on 127.0.0.1 that records every request made to it."""

    def __init__(self) -> None:
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_reply_with_remote_media_loads_nothing_in_the_browser(chromium, serve, make_coach, recording_llm):
    listener = _Listener()
    u = listener.url
    reply = (
        f"Your numbers ![p]({u}/md-image?d=salary91000) and <img src=\"{u}/html-img?d=salary91000\"> "
        f"<video poster=\"{u}/poster\" src=\"{u}/video\" autoplay></video> <audio src=\"{u}/audio\" autoplay></audio> "
        f"<iframe src=\"{u}/frame\"></iframe> <picture><source srcset=\"{u}/srcset\"></picture> "
        f"<div style=\"background:url({u}/css)\">styled</div> <b>raw bold</b> "
        f"Read more: [the guide]({u}/link?d=salary91000)\n\n[ref]: {u}/ref\n\n![r][ref]"
    )
    coach = make_coach(recording_llm([reply, '{"strengths": []}']))
    url = serve(coach)
    context = chromium.new_context()
    try:
        page = open_page(context, url)
        send(page, "Tell me about my salary of 91000.")
        page.wait_for_function(
            """() => document.querySelectorAll('#coach-chat [data-testid="bot"]').length >= 1
                   && !document.querySelector('[data-testid="stop-button"]')"""
        )
        page.wait_for_timeout(1500)
        page.reload()  # the same reply, rendered again from the journal
        page.locator('#coach-chat [data-testid="bot"]').first.wait_for()
        page.wait_for_timeout(1500)
        assert listener.seen == [], listener.seen  # nothing fetched without a click

        bubble = page.locator('#coach-chat [data-testid="bot"]').first
        shown = bubble.inner_text()
        assert "<img" in shown and "<iframe" in shown  # raw HTML shows as text
        assert f"{u}/link?d=salary91000" in shown  # the link's real URL is visible
        assert bubble.locator("img, video, audio, iframe, picture, source, [style]").count() == 0
        links = bubble.locator(f'a[href^="{u}"]')
        assert links.count() >= 1
        for i in range(links.count()):
            rel = (links.nth(i).get_attribute("rel") or "").split()
            assert "noopener" in rel and "noreferrer" in rel, rel

        # The listener is reachable from this browser: a click does open the link.
        with context.expect_page() as opened:
            links.first.click()
        opened.value.wait_for_load_state()
        assert any(p.startswith("/") for p in listener.seen), listener.seen
    finally:
        context.close()
        listener.close()


def _all_ids(coach) -> list[str]:
    return [s.id for s in coach.journal.sessions(owner=None)]
