"""The page's two languages: Gradio's i18n for its fixed words, a choice of language for the rest.

Fixed words (labels, tabs, placeholders) go to the browser as `gr.I18n` keys and are shown in the
browser's language. What the server writes (the side panels, notices, toasts) follows the
conversation's language, or the browser's (its Accept-Language) before the conversation starts.
"""

from __future__ import annotations

from typing import Any

from .views import words

LANGUAGES = ("en", "ko")


def flat(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested TOML tables as flat i18n keys: {"tabs": {"session": …}} -> {"tabs_session": …}."""
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}_"))
        elif isinstance(value, str):
            out[f"{prefix}{key}"] = value
    return out


def translations():
    """A `gr.I18n` with every page word in both languages."""
    import gradio as gr

    return gr.I18n(**{lang: flat(words(lang)) for lang in LANGUAGES})


def browser_language(request: Any) -> str:
    """'ko' when the browser prefers Korean over English, else 'en'."""
    headers = getattr(request, "headers", None) or {}
    accepted = str(headers.get("accept-language", "") if hasattr(headers, "get") else "")
    for part in accepted.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("ko"):
            return "ko"
        if tag.startswith("en"):
            return "en"
    return "en"


def page_language(conversation: str | None, messages: int, request: Any) -> str:
    """The conversation's language once it has begun; the browser's before."""
    return conversation if messages and conversation in LANGUAGES else browser_language(request)
