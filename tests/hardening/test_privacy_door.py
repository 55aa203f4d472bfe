"""Limits at the door and nothing internal to visitors: request bodies over the limit, uploads and
fast repeated wrong passwords are refused before the page's code runs; a malformed request gets a
clear error and one log line; /config and the badge carry no server URL and no secret."""

from __future__ import annotations

import time

import httpx
import pytest
from pydantic import SecretStr

from hardening_support import SECRET
from privacy_support import Raw, launch

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]


@pytest.fixture
def served(make_coach, recording_llm):
    from ui import build_app

    pages = []

    def _serve(coach=None, access=None):
        page = build_app(coach or make_coach(recording_llm(["What do people come to you for?", "{}"])), access)
        pages.append(page)
        return page, launch(page)

    yield _serve
    for page in pages:
        page.close()


def test_a_huge_body_an_upload_and_a_chunked_flood_are_refused(served, coach_home):
    import os

    page, url = served()
    limit = page.max_request_bytes
    huge = "x" * (limit + 10)
    refused = httpx.post(url + "gradio_api/call/chat", json={"data": [huge, ""]}, timeout=30)
    assert refused.status_code == 413 and "too large" in refused.text

    def chunks():
        for _ in range(limit // 65536 + 4):
            yield b"y" * 65536

    flood = httpx.post(url + "gradio_api/call/chat", content=chunks(), headers={"content-type": "application/json"}, timeout=30)
    assert flood.status_code == 413

    upload = httpx.post(url + "gradio_api/upload", files={"files": ("big.bin", b"z" * 2_000_000)}, timeout=30)
    assert upload.status_code in (403, 413)
    small = httpx.post(url + "gradio_api/upload", files={"files": ("small.txt", b"hello")}, timeout=30)
    assert small.status_code == 403 and "Uploads are off" in small.text
    temp = os.environ["GRADIO_TEMP_DIR"]
    assert not any(p.name in ("big.bin", "small.txt") for p in __import__("pathlib").Path(temp).rglob("*"))

    # The page still answers ordinary requests.
    raw = Raw.open(url)
    try:
        kind, text = raw.call("chat", ["I copy my manager's playbook.", ""])
        assert kind == "complete" and "What do people come to you for?" in text
    finally:
        raw.close()


def test_wrong_passwords_meet_a_growing_delay(served, make_coach, recording_llm):
    from bot.people import Access, Accounts

    accounts = Accounts(None)
    accounts.add("alice", "right-password")
    page, url = served(access=Access("accounts", accounts=accounts))
    with httpx.Client(base_url=url, timeout=60) as http:
        took = []
        for _ in range(4):
            start = time.monotonic()
            assert http.post("login", data={"username": "alice", "password": "wrong"}).status_code == 400
            took.append(time.monotonic() - start)
        assert took[1] >= 0.45 and took[2] >= 0.95 and took[3] >= 1.95, took  # 0.5 s, 1 s, 2 s ...
        start = time.monotonic()
        assert http.post("login", data={"username": "alice", "password": "right-password"}).status_code == 200
        assert time.monotonic() - start >= 3.9  # even the right one waits its turn
        # After a success the delay is gone.
        start = time.monotonic()
        assert http.post("login", data={"username": "alice", "password": "wrong"}).status_code == 400
        assert time.monotonic() - start < 1.0


def test_a_malformed_request_gets_a_clear_error_and_no_traceback(served, capfd):
    page, url = served()
    capfd.readouterr()
    raw = Raw.open(url)
    try:
        for bad, expected in ((42, "must be a string"), (["a"], "must be a string"), ("../../etc", "Invalid session id"),
                              ("f" * 32, "No session")):
            kind, text = raw.call("chat", ["hello", bad])
            assert kind == "error" and expected in text, (bad, text)
        kind, text = raw.call("export", [{"id": "x"}])
        assert kind == "error" and "must be a string" in text
    finally:
        raw.close()
    logged = capfd.readouterr()
    assert "Traceback" not in logged.err + logged.out, (logged.err + logged.out)[-3000:]


def test_config_and_badge_name_the_model_not_the_server(served, model_coach, fake_openai):
    server = fake_openai(reply="Hello")
    coach = model_coach(server.url)
    assert server.url.split("//")[1] in coach.description  # the terminal may see where the model is
    page, url = served(coach)
    config = httpx.get(url + "config", timeout=30).text
    host_port = server.url.split("//")[1].split("/")[0]
    assert host_port not in config and SECRET not in config
    assert coach.settings.model in config  # the badge names the model
    assert str(coach.settings.home) not in config
    assert isinstance(coach.settings.openai_api_key, SecretStr)
