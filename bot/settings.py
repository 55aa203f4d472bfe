"""All of the coach's settings in one object, read once from the environment (`COACH_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr

from knowledge.settings import KnowledgeSettings


class Settings(KnowledgeSettings):
    """Knowledge-base storage plus the model, the journal and the server.

    The model is chosen by what is set: `OPENAI_API_KEY` -> OpenAI, `OPENAI_BASE_URL` -> an
    OpenAI-compatible server (Ollama, vLLM, llama.cpp), neither -> the guided offline mode.
    """

    model: str = Field(default="gpt-5-mini", description="chat model name (COACH_MODEL)")
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("COACH_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("COACH_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    temperature: float | None = Field(default=None, ge=0, le=2)
    timeout: float = Field(default=60.0, gt=0, description="seconds to wait for the model")
    max_retries: int = Field(default=2, ge=0, le=10)
    retrieval_k: int = Field(default=4, ge=1, le=20)
    history_turns: int = Field(
        default=6, ge=1, le=100, description="turns (a user message and the reply) of history sent to the model"
    )
    max_reply_tokens: int = Field(default=500, ge=16, le=32000, description="max_tokens of a reply (COACH_MAX_REPLY_TOKENS)")
    notes_max_tokens: int = Field(default=800, ge=64, le=32000, description="max_tokens of the note-taking answer")
    notes_timeout: float = Field(default=15.0, gt=0, description="seconds for the note-taking call (COACH_NOTES_TIMEOUT)")
    structured: Literal["auto", "json_schema", "tools", "json", "text"] = Field(
        default="auto", description="how notes are asked for (COACH_STRUCTURED); auto finds what the server accepts"
    )
    max_message_chars: int = Field(default=8000, ge=100)
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=0, le=65535)
    auth: SecretStr | None = Field(default=None, description="user:password for the web page (COACH_AUTH)")
    users: Path | None = Field(default=None, description="the accounts file of `coach serve --users` (COACH_USERS)")
    max_request_bytes: int = Field(default=1_000_000, ge=10_000, description="largest HTTP request body the page takes")

    @property
    def users_path(self) -> Path:
        return self.users or self.home / "users.json"

    @property
    def journal_path(self):
        return self.home / "journal.sqlite3"

    @property
    def mode(self) -> str:
        """Which backend the settings select: 'openai', 'compatible' or 'guided'."""
        if self.openai_base_url:
            return "compatible"
        if self.openai_api_key:
            return "openai"
        return "guided"
