"""Helpers of the privacy tests: a served page in each mode, and raw HTTP calls to any of its events
(by fn_index, the way an attacker reaches the page's undocumented events)."""

from __future__ import annotations

import json
import secrets
import socket
from dataclasses import dataclass

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(page) -> str:
    port = free_port()
    page.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    return f"http://127.0.0.1:{port}/"


@dataclass
class Raw:
    """A raw HTTP client of a Gradio page (its own cookies, its own headers)."""

    url: str
    http: httpx.Client

    @classmethod
    def open(cls, url: str, login: tuple[str, str] | None = None, headers: dict | None = None) -> Raw:
        http = httpx.Client(base_url=url, timeout=60, headers=headers or {})
        raw = cls(url, http)
        if login:
            response = http.post("login", data={"username": login[0], "password": login[1]})
            assert response.status_code == 200, response.text
        return raw

    def fn(self, fn_index: int, data: list, session_hash: str | None = None) -> tuple[bool, object]:
        """Run event `fn_index` with `data` through the queue: (success, output data or error).
        Calls with the same `session_hash` share the page's server-side gr.State, as one tab does."""
        session_hash = session_hash or secrets.token_hex(8)
        joined = self.http.post(
            "gradio_api/queue/join",
            json={"data": data, "fn_index": fn_index, "session_hash": session_hash, "event_data": None, "trigger_id": None},
        )
        if joined.status_code != 200:
            return False, f"HTTP {joined.status_code}: {joined.text[:300]}"
        with self.http.stream("GET", "gradio_api/queue/data", params={"session_hash": session_hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    output = message.get("output") or {}
                    return bool(message.get("success")), output.get("data") if message.get("success") else output
        return False, "no completion"

    def call(self, api_name: str, data: list) -> tuple[str, str]:
        """POST /gradio_api/call/<name>, then read its result: (event type, data text)."""
        started = self.http.post(f"gradio_api/call/{api_name}", json={"data": data})
        if started.status_code != 200:
            return "http", f"{started.status_code} {started.text[:300]}"
        event_id = started.json()["event_id"]
        kind, text = "", ""
        with self.http.stream("GET", f"gradio_api/call/{api_name}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    text = line[5:].strip()
                    if kind in ("complete", "error"):
                        return kind, text
        return kind, text

    def close(self) -> None:
        self.http.close()


def fn_indices(page) -> dict[str, int]:
    """Each event handler's name -> its fn_index (every Blocks event, documented or not)."""
    found = {}
    for index, fn in enumerate(page.fns.values() if isinstance(page.fns, dict) else page.fns):
        name = getattr(getattr(fn, "fn", None), "__name__", None)
        if name and name not in found:
            found[name] = index
    return found


def inputs_of(page, fn_index: int) -> list:
    fns = list(page.fns.values()) if isinstance(page.fns, dict) else list(page.fns)
    return list(fns[fn_index].inputs)
