"""Private downloads: an export is kept in memory for its owner, fetched once through a one-time,
unguessable link, and never written to a shared temp folder (Gradio copies files it serves into
GRADIO_TEMP_DIR, readable by others and kept after the session). It is dropped after the download,
when it expires, when its owner forgets their data, and when the server stops."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

PREFIX = "/coach-download/"
LIFETIME_SECONDS = 300.0


@dataclass(frozen=True)
class _Export:
    owner: str
    filename: str
    data: bytes
    expires: float


class Downloads:
    def __init__(self) -> None:
        self._items: dict[str, _Export] = {}
        self._lock = threading.Lock()

    def put(self, owner: str, filename: str, data: bytes) -> str:
        """Keep `data` for `owner`; returns the relative link that fetches it once."""
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            self._expire()
            self._items[ticket] = _Export(owner, filename, data, time.monotonic() + LIFETIME_SECONDS)
        return PREFIX.lstrip("/") + ticket

    def take(self, ticket: str) -> _Export | None:
        with self._lock:
            self._expire()
            return self._items.pop(ticket, None)

    def drop(self, owner: str) -> None:
        with self._lock:
            for ticket in [t for t, e in self._items.items() if e.owner == owner]:
                del self._items[ticket]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)

    def _expire(self) -> None:
        now = time.monotonic()
        for ticket in [t for t, e in self._items.items() if e.expires < now]:
            del self._items[ticket]


class DownloadRoute:
    """ASGI middleware answering GET /coach-download/<ticket> from a `Downloads`."""

    def __init__(self, app, downloads: Downloads) -> None:
        self.app, self.downloads = app, downloads

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(PREFIX):
            return await self.app(scope, receive, send)
        item = self.downloads.take(path[len(PREFIX):]) if scope.get("method") == "GET" else None
        if item is None:
            body, status, headers = b"Not found (a download link works once, for a few minutes).", 404, []
        else:
            body, status = item.data, 200
            headers = [(b"content-disposition", f"attachment; filename*=UTF-8''{quote(item.filename)}".encode())]
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/markdown; charset=utf-8" if item else b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            (b"referrer-policy", b"no-referrer"),
            *headers,
        ]})
        await send({"type": "http.response.body", "body": body})
