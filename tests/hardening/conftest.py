"""Fixtures for the hardening tests: coaches on the real OpenAI client path with a recognisable fake key."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import SecretStr

from hardening_support import SECRET


@pytest.fixture
def model_coach(make_coach) -> Callable[..., object]:
    """model_coach(url, **settings): a Coach on the real ChatOpenAI client, keyed with SECRET."""

    def _make(url: str, **overrides):
        overrides.setdefault("timeout", 2.0)
        overrides.setdefault("max_retries", 0)
        return make_coach(openai_base_url=url, openai_api_key=SecretStr(SECRET), **overrides)

    return _make


def _ui_fixtures():
    """The browser fixtures of tests/ui/conftest.py (Debian's Chromium through Playwright), shared here."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("ui_browser_fixtures", Path(__file__).parents[1] / "ui" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


chromium = _ui_fixtures().chromium
