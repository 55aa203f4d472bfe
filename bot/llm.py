"""Model backends: OpenAI, an OpenAI-compatible server, or none (the guided offline mode)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from .settings import Settings


def chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model the settings select, or None for the guided offline mode."""
    mode = settings.mode
    if mode == "guided":
        return None
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    kwargs: dict[str, Any] = {
        "model": settings.model,
        # Local servers (Ollama, vLLM, llama.cpp) ignore the key, but the client insists on one.
        "api_key": key or "not-needed",
        "timeout": settings.timeout,
        "max_retries": settings.max_retries,
        # No `streaming`: replies stream anyway (the chain calls `.stream()`), and the note-taking
        # call, whose JSON nobody watches arrive, stays one plain response instead of parsed chunks.
        # (streaming=False would turn streaming off for replies too.)
        "stream_usage": False,
    }
    if settings.openai_base_url:
        kwargs["base_url"] = settings.openai_base_url
    if settings.temperature is not None:
        kwargs["temperature"] = settings.temperature
    model = ChatOpenAI(**kwargs)
    if model.root_client is not None:
        model.client = DictChunkCompletions(model.root_client)
    return model


class DictChunkCompletions:
    """`client.chat.completions` for ChatOpenAI: a streamed reply is posted as LangChain built it
    and its chunks are handed over as parsed JSON. Everything else goes to the SDK's `create`.

    For a stream, `Completions.create` re-walks every message against its TypedDicts (~5 ms for a
    15-message request here), then turns every chunk into a `ChatCompletionChunk` model, which
    ChatOpenAI at once turns back into a dict (`model_dump()`). For a reply of ~100 chunks that
    round trip was the largest share of a turn's CPU outside the embedding model (bench/serve.py,
    20 sessions). The request still goes through the SDK client's `post` (auth, retries with
    backoff, timeouts, status errors), and the SSE decoding is the SDK's own.
    """

    # What `Completions.create` passes to `post` besides the body: bearer auth from the api key.
    _OPTIONS: dict[str, Any] = {"security": {"bearer_auth": True}}
    # Payload keys that `create` treats specially; a payload with any of them goes through `create`.
    _CREATE_ONLY = frozenset({"extra_headers", "extra_query", "extra_body", "timeout"})

    def __init__(self, client: Any) -> None:
        self._client = client
        self._completions = client.chat.completions

    def create(self, **payload: Any) -> Any:
        if not payload.get("stream") or self._CREATE_ONLY & payload.keys():
            return self._completions.create(**payload)
        return self._client.post(
            "/chat/completions", body=payload, cast_to=dict, options=self._OPTIONS, stream=True,
            stream_cls=_dict_stream_class(),
        )

    def __getattr__(self, name: str) -> Any:  # with_raw_response, parse, ...: the SDK's own
        return getattr(self._completions, name)


@cache
def _dict_stream_class() -> type:
    # Made on first use: importing openai costs ~0.5 s, and `coach --help` imports this module.
    from openai import APIError, Stream

    class DictStream(Stream[dict]):
        """The SDK's SSE stream (same event decoding, same connection and timeout errors), but
        each event's JSON is yielded as it was parsed."""

        def __stream__(self):  # type: ignore[override]
            try:
                for event in self._iter_events():
                    if event.data.startswith("[DONE]"):
                        break
                    data = event.json()
                    if isinstance(data, dict) and data.get("error"):  # a server failing mid-stream
                        error = data["error"]
                        message = error.get("message") if isinstance(error, dict) else None
                        raise APIError(
                            message=message if isinstance(message, str) and message else "An error occurred during streaming",
                            request=self.response.request,
                            body=error,
                        )
                    yield data
            finally:
                self.response.close()

    return DictStream


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
