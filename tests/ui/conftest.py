"""Fixtures for the web page: the app on a free 127.0.0.1 port, Debian's Chromium through Playwright.

A missing /usr/bin/chromium skips the browser tests locally, and fails them when CI is set or
COACH_REQUIRE_BROWSER=1, so CI can never pass without having driven a browser.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

REPLY_KO = (
    "선배의 방식이 처음엔 도움이 됐겠지만, 이제는 당신만의 강점에서 출발할 때일지도 몰라요. "
    "남들은 지루해하는데 당신은 즐거운 일이 있나요?"
)
# The note-taker's answer: a strength and a complete card the user has not agreed to yet (proposed).
NOTES = json.dumps(
    {
        "strengths": [{"name": "원본 데이터를 오래 들여다보기", "kind": "strength"}],
        "experiment": {
            "title": "티켓 20개 직접 읽기",
            "strength": "원본 데이터 읽기",
            "hypothesis": "매일 티켓 20개를 읽으면 반복되는 문제 패턴이 보일 것이다",
            "action": "7일 동안 아침마다 고객 티켓 20개를 읽겠다",
            "duration_days": 7,
            "reward_signal": "내가 찾은 패턴을 팀이 실제로 쓴다",
            "daily_check": "오늘 20개를 읽었나?",
            "smallest_version": "3개만 읽기",
            "obstacle_plan": "회의가 아침을 잡아먹으면 점심 뒤에 읽는다",
            "confidence": 8,
        },
        "experiment_agreed": False,
        "stage": "design",
    },
    ensure_ascii=False,
)


def browser_required() -> bool:
    """In CI (or when asked) a missing browser is a failure, not a skip."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in ("", "0", "false", "no") or os.environ.get("COACH_REQUIRE_BROWSER") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the run; each test opens its own contexts (separate storage)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if browser_required():
            pytest.fail(f"{reason}; browser tests are required here (CI or COACH_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def serve() -> Iterator[Callable[[object], str]]:
    """serve(coach) -> the URL of `build_app(coach)` running on a free 127.0.0.1 port."""
    from ui import build_app

    apps = []

    def _serve(coach) -> str:
        app = build_app(coach)
        port = free_port()
        app.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
        apps.append(app)
        return f"http://127.0.0.1:{port}/"

    yield _serve
    for app in apps:
        app.close()


@pytest.fixture
def canned_coach(make_coach, recording_llm):
    """A Coach whose model answers REPLY_KO and, when taking notes, NOTES; `.llm.calls` keeps the prompts."""
    return make_coach(llm=recording_llm([REPLY_KO, NOTES]))


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
