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
    Every request body is kept in `requests`, its headers (names in lower case) in `headers`.
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
    ) -> None:
        self.reply, self.notes = reply, notes
        self.latency, self.token_delay = latency, token_delay
        self.status, self.fail_times, self.cut_after = status, fail_times, cut_after
        self.error_after = error_after
        self.model = model
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
                self._json(200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with fake._lock:
                fake.requests.append(body)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            if fake.latency:
                time.sleep(fake.latency)
            if fake._should_fail():
                self._json(fake.status, {"error": {"message": f"fake failure {fake.status}", "type": "fake"}})
                return
            text = fake._text(body)
            if body.get("stream"):
                self._stream(text)
            else:
                self._json(200, _completion(fake.model, text))

        def _stream(self, text: str) -> None:
            # Like OpenAI, vLLM or Ollama: chunked transfer on a kept-alive connection, one event a word.
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            words = text.split(" ")
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
    """A LangChain fake chat model that cycles through `responses` and keeps every prompt it was sent.

    `model.calls` holds one list of messages per call, so a test can read exactly what the coach
    sent: the system instructions, the quoted material, the history and the new message.
    """
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class RecordingChatModel(FakeListChatModel):
        calls: list = []

        def _call(self, messages, *args: Any, **kw: Any) -> str:
            self.calls.append(list(messages))
            return super()._call(messages, *args, **kw)

        def _stream(self, messages, *args: Any, **kw: Any):
            self.calls.append(list(messages))
            yield from super()._stream(messages, *args, **kw)

    return RecordingChatModel(responses=responses, calls=[], **kwargs)
