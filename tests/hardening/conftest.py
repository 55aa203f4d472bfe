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

