"""Shared fixtures: an isolated COACH_HOME per test, one real embedding model, coaches with fake models.

No test reaches the network: pytest-socket allows connections to 127.0.0.1 only (see pyproject).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Before anything imports chromadb or gradio.
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ESSAY_ID = "essay-3709b730e8"  # "남의 틀을 따라가는 것에는 한계가 있다. …"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test writes under its own tmp_path, and no test picks up a real model key."""
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "coach-home"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_OPENAI_API_KEY", "COACH_OPENAI_BASE_URL",
                 "COACH_CHROMA_URL", "COACH_MODEL", "COACH_AUTH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def embeddings():
    """The real offline model, loaded once; passage vectors memoized by text (the model is deterministic)."""
    from knowledge import E5Embeddings

    class MemoE5Embeddings(E5Embeddings):
        def __init__(self) -> None:
            super().__init__(num_threads=1)
            self._memo: dict[str, list[float]] = {}

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            texts = list(texts)
            todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
            for text, vector in zip(todo, super().embed_documents(todo)):
                self._memo[text] = vector
            return [list(self._memo[t]) for t in texts]

    model = MemoE5Embeddings()
    model.warm_up()
    return model


@pytest.fixture
def coach_home(tmp_path: Path) -> Path:
    return tmp_path / "coach-home"


@pytest.fixture
def settings(coach_home: Path):
    from bot.settings import Settings

    return Settings(home=coach_home)


@pytest.fixture
def knowledge_base(settings, embeddings):
    from knowledge import KnowledgeBase

    return KnowledgeBase.open(settings=settings, embeddings=embeddings)


@pytest.fixture
def make_coach(settings, knowledge_base) -> Callable[..., object]:
    """make_coach(llm=None, **settings_overrides): a Coach on this test's home and knowledge base."""
    from bot import Coach

    def _make(llm=None, **overrides):
        return Coach(llm=llm, knowledge=knowledge_base, settings=settings.model_copy(update=overrides))

    return _make


@pytest.fixture
def recording_llm() -> Callable[..., object]:
    """recording_llm(["reply", "{notes json}", ...]): a fake chat model that keeps what it was sent."""
    from bot.testing import recording_chat_model

    return recording_chat_model


@pytest.fixture
def fake_openai() -> Iterator[Callable[..., object]]:
    """fake_openai(**options) -> a started FakeOpenAIServer on 127.0.0.1, stopped after the test."""
    from bot.testing import FakeOpenAIServer

    servers: list[FakeOpenAIServer] = []

    def _start(**options):
        server = FakeOpenAIServer(**options).start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()
