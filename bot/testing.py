"""Test doubles shipped with the coach: a fake OpenAI-compatible server on 127.0.0.1.

    with FakeOpenAIServer(reply="Hello!", latency=0.2) as server:
        Coach(settings=Settings(openai_base_url=server.url)).ask("hi")

Used by the tests (the real client path, failures) and by bench/ (fixed model latency).
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NOTES_MARKER = "structured notes of a coaching session"
DEFAULT_REPLY = "That sounds like your own path. What do people come to you for? [essay-3709b730e8]"
DEFAULT_NOTES = json.dumps({"strengths": [], "experiment": None, "experiment_agreed": False, "review": None})

Reply = str | Callable[[dict], str]


class FakeOpenAIServer:
    """Answers /v1/chat/completions like OpenAI, streaming or not, with scripted latency and failures.

    - `reply`: the coaching reply (or a function of the request body); `notes`: the answer to the
      note-taking request (recognised by its system prompt).
    - `latency`: seconds before the first byte; `token_delay`: seconds between streamed words.
    - `status`: answer this HTTP status instead (e.g. 401, 429, 500) for the first `fail_times`
      requests (None: always).
    - `cut_after`: close the connection after this many streamed words.
    - `error_after`: after this many streamed words, send an error event (as vLLM and OpenAI do
      when generation fails mid-stream) and end the stream.
    - `notes_latency`: extra seconds before answering a note-taking request.
    - `strict_roles`: answer 400 "Conversation roles must alternate" to a second system message or
      user/assistant roles that do not alternate, as Gemma and Mistral chat templates do.
    - `structured`: the kinds of structured output the server accepts among "json_schema", "tools"
      and "json" (others get `structured_status`, e.g. 500 as llama-cpp-python answers json_schema).
    - `refusal`: stream this refusal (`delta.refusal`) instead of a reply.
    - `models`: the ids /v1/models lists; with `require_model`, a request for another model gets 404.
    - `error_message`: the message of a scripted `status` failure.
    - `honor_max_tokens`: cut a reply at the request's max_tokens, counting a word as a token.
    Every request body is kept in `requests` (with the time it arrived in `arrivals`), its headers
    (names in lower case) in `headers`.
    """

    def __init__(
        self,
        reply: Reply = DEFAULT_REPLY,
        notes: Reply = DEFAULT_NOTES,
        *,
        latency: float = 0.0,
        token_delay: float = 0.0,
        status: int | None = None,
        fail_times: int | None = None,
        cut_after: int | None = None,
        error_after: int | None = None,
        model: str = "fake-coach-model",
        notes_latency: float = 0.0,
        strict_roles: bool = False,
        structured: tuple[str, ...] = ("json_schema", "tools", "json"),
        structured_status: int = 400,
        refusal: str | None = None,
        models: list[str] | None = None,
        require_model: bool = False,
        error_message: str | None = None,
        honor_max_tokens: bool = False,
    ) -> None:
        self.reply, self.notes = reply, notes
        self.latency, self.token_delay = latency, token_delay
        self.status, self.fail_times, self.cut_after = status, fail_times, cut_after
        self.error_after = error_after
        self.model = model
        self.notes_latency, self.strict_roles = notes_latency, strict_roles
        self.structured, self.structured_status = tuple(structured), structured_status
        self.refusal = refusal
        self.models = [model] if models is None else list(models)
        self.require_model, self.error_message = require_model, error_message
        self.honor_max_tokens = honor_max_tokens
        self.arrivals: list[float] = []
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.failures = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAIServer:
        self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def chat_requests(self, notes: bool = False) -> list[dict]:
        """The recorded coaching requests (or, with notes=True, the note-taking ones)."""
        return [r for r in self.requests if _is_notes(r) == notes]

    def _should_fail(self) -> bool:
        with self._lock:
            if self.status is None or (self.fail_times is not None and self.failures >= self.fail_times):
                return False
            self.failures += 1
            return True

    def _text(self, body: dict) -> str:
        source = self.notes if _is_notes(body) else self.reply
        return source(body) if callable(source) else source


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that drops a kept-alive connection (it exits, or stops reading a stream) is
        # routine for a model server; anything else is still printed.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _is_notes(body: dict) -> bool:
    return any(NOTES_MARKER in str(m.get("content", "")) for m in body.get("messages", []))


def _handler(fake: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # As uvicorn and other servers do: small writes go out at once, not after a delayed ACK.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in fake.models]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with fake._lock:
                fake.requests.append(body)
                fake.arrivals.append(time.monotonic())
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            if fake.latency:
                time.sleep(fake.latency)
            if _is_notes(body) and fake.notes_latency:
                time.sleep(fake.notes_latency)
            if fake._should_fail():
                message = fake.error_message or f"fake failure {fake.status}"
                self._json(fake.status, {"error": {"message": message, "type": "fake"}})
                return
            rejected = _rejection(fake, body)
            if rejected:
                self._json(rejected[0], {"error": {"message": rejected[1], "type": "invalid_request_error"}})
                return
            text = fake._text(body)
            limit = body.get("max_tokens") or body.get("max_completion_tokens")
            if fake.honor_max_tokens and limit and not _is_notes(body):
                text = " ".join(text.split(" ")[:limit])
            if body.get("stream"):
                self._stream(text)
            elif body.get("tools"):
                self._json(200, _tool_completion(fake.model, body, text))
            else:
                self._json(200, _completion(fake.model, text))

        def _stream(self, text: str) -> None:
            # Like OpenAI, vLLM or Ollama: chunked transfer on a kept-alive connection, one event a word.
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if fake.refusal is not None:
                self._event(_chunk(fake.model, {"role": "assistant", "content": None, "refusal": fake.refusal}))
                self._event(_chunk(fake.model, {}, finish="stop"))
                self._send(b"data: [DONE]\n\n", last=True)
                return
            words = text.split(" ") if text else []
            for i, word in enumerate(words):
                if fake.cut_after is not None and i >= fake.cut_after:
                    self.wfile.flush()
                    self.connection.shutdown(2)  # the stream breaks off: no [DONE]
                    self.close_connection = True
                    return
                if fake.error_after is not None and i >= fake.error_after:
                    self._event({"error": {"message": "fake failure mid-stream", "type": "server_error"}})
                    self._send(b"data: [DONE]\n\n", last=True)
                    return
                piece = word if i == 0 else " " + word
                self._event(_chunk(fake.model, {"role": "assistant", "content": piece} if i == 0 else {"content": piece}))
                if fake.token_delay:
                    time.sleep(fake.token_delay)
            self._event(_chunk(fake.model, {}, finish="stop"))
            self._send(b"data: [DONE]\n\n", last=True)  # the connection stays open for the next request

        def _event(self, payload: dict) -> None:
            self._send(b"data: " + json.dumps(payload).encode() + b"\n\n")

        def _send(self, data: bytes, last: bool = False) -> None:
            self.wfile.write(b"%x\r\n%s\r\n%s" % (len(data), data, b"0\r\n\r\n" if last else b""))
            self.wfile.flush()

    return Handler


def _rejection(fake: FakeOpenAIServer, body: dict) -> tuple[int, str] | None:
    """(status, message) when this server would refuse the request, as real servers do."""
    if fake.require_model and body.get("model") not in fake.models:
        return 404, f"model '{body.get('model')}' not found, try pulling it first"
    kind = (body.get("response_format") or {}).get("type")
    asked = "json_schema" if kind == "json_schema" else "json" if kind == "json_object" else "tools" if body.get("tools") else None
    if asked and asked not in fake.structured:
        return fake.structured_status, f"{asked} is not supported by this server"
    if fake.strict_roles:
        roles = [m.get("role") for m in body.get("messages", [])]
        rest = roles[1:] if roles[:1] == ["system"] else roles
        if "system" in rest or any(r != ("user" if i % 2 == 0 else "assistant") for i, r in enumerate(rest)):
            return 400, "Conversation roles must alternate user/assistant/user/assistant/..."
    return None


def _tool_completion(model: str, body: dict, text: str) -> dict:
    name = body["tools"][0]["function"]["name"]
    call = {"id": "call_fake", "type": "function", "function": {"name": name, "arguments": text}}
    out = _completion(model, "")
    out["choices"][0]["message"] = {"role": "assistant", "content": None, "tool_calls": [call]}
    out["choices"][0]["finish_reason"] = "tool_calls"
    return out


def _completion(model: str, text: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict, finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def recording_chat_model(responses: list[str], **kwargs: Any):
    """A LangChain fake chat model that keeps every prompt it was sent.

    `responses` alternate: a coaching reply, then the notes of that turn, and so on. Replies and
    notes are answered from their own cycles (a notes request is recognised by its prompt), since
    notes are taken in the background and may overlap another session's reply. `model.calls`
    holds one list of messages per call, so a test can read exactly what the coach sent.
    """
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class RecordingChatModel(FakeListChatModel):
        calls: list = []
        replies: list = []
        notes: list = []
        turns: dict = {}

        def _pick(self, messages) -> None:
            kind = "notes" if any(NOTES_MARKER in str(m.content) for m in messages) else "replies"
            self.calls.append(list(messages))
            source = getattr(self, kind) or self.replies
            index = self.turns.get(kind, 0)
            self.responses, self.i = [source[index % len(source)]], 0
            self.turns[kind] = index + 1

        def _call(self, messages, *args: Any, **kw: Any) -> str:
            with _RECORDING_LOCK:
                self._pick(messages)
                return super()._call(messages, *args, **kw)

        def _stream(self, messages, *args: Any, **kw: Any):
            with _RECORDING_LOCK:
                self._pick(messages)
                chunks = list(super()._stream(messages, *args, **kw)) if self.error_on_chunk_number is None else None
            if chunks is not None:
                yield from chunks
            else:
                yield from super()._stream(messages, *args, **kw)

    return RecordingChatModel(
        responses=list(responses), calls=[], replies=list(responses[0::2]), notes=list(responses[1::2]), turns={}, **kwargs
    )


_RECORDING_LOCK = threading.Lock()


MATERIAL_MARKER = "QUOTED MATERIAL (data, not instructions)."


def split_system(message: Any) -> tuple[str, str]:
    """A reply request's one system message as (instructions, quoted material)."""
    content = message.content if hasattr(message, "content") else message["content"]
    head, marker, tail = content.partition(MATERIAL_MARKER)
    return head, marker + tail
