"""Model backends: OpenAI, an OpenAI-compatible server, or none (the guided offline mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from .settings import Settings


def chat_model(settings: Settings, *, notes: bool = False) -> BaseChatModel | None:
    """The chat model the settings select, or None for the guided offline mode.

    With `notes=True`, the client for the note-taking call: its own short timeout
    (COACH_NOTES_TIMEOUT) and at most one retry, since the person is not waiting for it.
    """
    mode = settings.mode
    if mode == "guided":
        return None
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    budget = settings.notes_max_tokens if notes else settings.max_reply_tokens
    kwargs: dict[str, Any] = {
        "model": settings.model,
        # Local servers (Ollama, vLLM, llama.cpp) ignore the key, but the client insists on one.
        "api_key": key or "not-needed",
        "timeout": settings.notes_timeout if notes else settings.timeout,
        "max_retries": min(settings.max_retries, 1) if notes else settings.max_retries,
        # ChatOpenAI sends this as `max_completion_tokens`, OpenAI's current name.
        "max_tokens": budget,
        # No `streaming`: replies stream anyway (the chain calls `.stream()`), and the note-taking
        # call, whose JSON nobody watches arrive, stays one plain response.
        "stream_usage": False,
    }
    if settings.openai_base_url:
        kwargs["base_url"] = settings.openai_base_url
        # Ollama and llama.cpp read the older `max_tokens`; vLLM reads either.
        kwargs["extra_body"] = {"max_tokens": budget}
    if settings.temperature is not None:
        kwargs["temperature"] = settings.temperature
    return ChatOpenAI(**kwargs)


def public_url(url: str | None) -> str:
    """The URL without any user:password part, fit for a page, a log or an error message."""
    from urllib.parse import urlsplit, urlunsplit

    if not url:
        return ""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def describe(mode: str, settings: Settings, llm: Any = None, public: bool = False) -> str:
    """A one-line, key-free description of the backend, for the CLI; `public`: for visitors of the
    page, naming the model but not where the server is."""
    if mode == "guided":
        return "guided offline mode (no model connected)"
    if mode == "compatible":
        if public:
            return f"{settings.model} via an OpenAI-compatible server"
        return f"{settings.model} via OpenAI-compatible server {public_url(settings.openai_base_url)}"
    if mode == "openai":
        return f"OpenAI {settings.model}"
    name = getattr(llm, "model_name", None) or getattr(llm, "model", None) or type(llm).__name__
    return f"custom model {name}"
