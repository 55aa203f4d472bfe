"""What the web server refuses before any of the page's code runs: request bodies over a size
limit, uploads (the page takes no files), and login attempts that come too fast after failures.

A plain ASGI middleware, handed to Gradio's FastAPI app through `launch(app_kwargs={"middleware": ...})`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Scope = dict[str, Any]
ASGI = Callable[..., Awaitable[None]]
UPLOAD_PATHS = ("/gradio_api/upload", "/upload")
LOGIN_PATHS = ("/login", "/login/")
FIRST_DELAY, MAX_DELAY = 0.5, 30.0


@dataclass
class LoginThrottle:
    """Per client: after n failures in a row, the next attempt waits 0.5 s x 2^(n-1), at most 30 s,
    and attempts from one client are answered one at a time."""

    failures: dict[str, int] = field(default_factory=dict)
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def delay(self, client: str) -> float:
        n = self.failures.get(client, 0)
        return 0.0 if n == 0 else min(MAX_DELAY, FIRST_DELAY * 2 ** (n - 1))

    def record(self, client: str, ok: bool) -> None:
        if ok:
            self.failures.pop(client, None)
        else:
            self.failures[client] = self.failures.get(client, 0) + 1
            if self.failures[client] in (5, 20, 100):
                log.warning("%d failed logins in a row from %s", self.failures[client], client)


class Door:
    def __init__(self, app: ASGI, max_body: int = 1_000_000, throttle: LoginThrottle | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.throttle = throttle or LoginThrottle()

    async def __call__(self, scope: Scope, receive: ASGI, send: ASGI) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if any(path.endswith(p) for p in UPLOAD_PATHS):
            return await _answer(send, 403, "Uploads are off: this page takes no files.")
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            log.info("refused a %s-byte request to %s", length.decode(errors="replace"), path)
            return await _answer(send, 413, f"The request is too large (the limit is {self.max_body:,} bytes).")
        if length is None and scope.get("method") in ("POST", "PUT", "PATCH"):
            # A body of unknown length (chunked) is read here, up to the limit, then handed on.
            body = await self._read(receive)
            if body is None:
                log.info("refused a chunked request over %d bytes to %s", self.max_body, path)
                return await _answer(send, 413, f"The request is too large (the limit is {self.max_body:,} bytes).")
            receive = _replay(body, receive)
        if scope.get("method") == "POST" and path in LOGIN_PATHS:
            return await self._login(scope, receive, send)
        await self.app(scope, receive, send)

    async def _read(self, receive: ASGI) -> bytes | None:
        parts, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(parts)
            parts.append(message.get("body", b""))
            seen += len(parts[-1])
            if seen > self.max_body:
                return None
            if not message.get("more_body"):
                return b"".join(parts)

    async def _login(self, scope: Scope, receive: ASGI, send: ASGI) -> None:
        client = (scope.get("client") or ("?", 0))[0]
        lock = self.throttle.locks.setdefault(client, asyncio.Lock())
        async with lock:
            await asyncio.sleep(self.throttle.delay(client))
            status = 500

            async def watch(message: dict) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            await self.app(scope, receive, watch)
            self.throttle.record(client, ok=status < 400)


def _replay(body: bytes, receive: ASGI) -> ASGI:
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: a disconnect, when it comes

    return replay


async def _answer(send: ASGI, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


