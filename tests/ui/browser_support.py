"""Browser helpers the page tests share: open the page, send a message, wait for a finished reply."""

from __future__ import annotations

INPUT = "#coach-input textarea"
BOTS = '#coach-chat [data-testid="bot"]'


def open_page(context, url: str):
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.wait_for_selector(INPUT)
    return page


def send(page, text: str) -> None:
    page.fill(INPUT, text)
    page.press(INPUT, "Enter")


def wait_for_reply(page, count: int, thinking_gone: bool = True) -> str:
    """Wait until the chat holds `count` replies and streaming is over (the stop button is gone),
    and, with `thinking_gone`, no "thinking" bubble is left; the last reply's text."""
    page.wait_for_function(
        """([n, thinking]) => document.querySelectorAll('#coach-chat [data-testid="bot"]').length >= n
               && !document.querySelector('[data-testid="stop-button"]')
               && !(thinking && document.querySelector('#coach-chat .coach-thinking'))""",
        arg=[count, thinking_gone],
    )
    return page.locator(BOTS).nth(count - 1).inner_text()
