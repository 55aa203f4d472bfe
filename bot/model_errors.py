"""What a failed model call means to the person: a notice in their language that says what to do."""

from __future__ import annotations

import logging
import re
from typing import Any

from .llm import public_url
from .settings import Settings
from .words import message as notice

log = logging.getLogger(__name__)

# How long the list of a server's models may take when a 404 asks for it.
MODELS_TIMEOUT = 3.0
_MAX_SHOWN_MODELS = 8
_MAX_OBJECTION_CHARS = 300


def explain(exc: BaseException, settings: Settings, language: str, llm: Any = None) -> str:
    """The notice for a failed model call; `llm` (a ChatOpenAI) lets a 404 list the server's models."""
    import openai

    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return notice(language, "auth")
    if isinstance(exc, openai.RateLimitError):
        return notice(language, "rate_limited")
    if isinstance(exc, openai.NotFoundError):
        models = available_models(llm)
        if models:
            shown = ", ".join(models[:_MAX_SHOWN_MODELS]) + (", …" if len(models) > _MAX_SHOWN_MODELS else "")
            return notice(language, "model_not_found", model=settings.model, models=shown)
        return notice(language, "model_not_found_unlisted", model=settings.model)
    if isinstance(exc, (openai.BadRequestError, openai.UnprocessableEntityError)):
        return notice(language, "bad_request", status=exc.status_code, objection=objection(exc))
    if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
        return notice(language, "server_error", status=exc.status_code)
    if isinstance(exc, openai.APITimeoutError):
        return notice(language, "timeout", timeout=settings.timeout)
    if isinstance(exc, openai.APIConnectionError):
        where = public_url(settings.openai_base_url) or "api.openai.com"
        return notice(language, "unreachable", where=where)
    if isinstance(exc, ValueError) and "No generation chunks" in str(exc):  # LangChain: a stream with no events
        return notice(language, "empty_stream")
    return notice(language, "model_error", kind=type(exc).__name__)


def objection(exc: Any) -> str:
    """What the server said was wrong with the request, in one short line."""
    body = getattr(exc, "body", None)
    said = None
    if isinstance(body, dict):
        inner = body["error"] if isinstance(body.get("error"), dict) else body
        said = inner.get("message")
    said = said if isinstance(said, str) and said.strip() else str(getattr(exc, "message", "") or exc)
    said = re.sub(r"\s+", " ", said).strip()
    return said[:_MAX_OBJECTION_CHARS] + ("…" if len(said) > _MAX_OBJECTION_CHARS else "")


def available_models(llm: Any) -> list[str]:
    """The ids the server lists at /v1/models; [] when it lists none or the call fails."""
    client = getattr(llm, "root_client", None)
    if client is None:
        return []
    try:
        page = client.with_options(timeout=MODELS_TIMEOUT, max_retries=0).models.list()
        return [m.id for m in page.data if getattr(m, "id", None)]
    except Exception as exc:  # the notice still names COACH_MODEL
        log.info("the model server lists no models (%s)", type(exc).__name__)
        return []
