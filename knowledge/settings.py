"""Where the knowledge base keeps its data, read once from `COACH_*` environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "on-policy-coach"


def default_home() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_embed_copies() -> int:
    """One copy of the embedding model per CPU this process may run on, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


class KnowledgeSettings(BaseSettings):
    """Storage settings. `COACH_HOME` moves every file the product writes."""

    model_config = SettingsConfigDict(env_prefix="COACH_", extra="ignore", env_file=None)

    home: Path = Field(default_factory=default_home)
    chroma_url: str | None = Field(default=None, description="http://host:port of a Chroma server")
    embed_threads: int = Field(default=1, ge=1, le=64)
    # Queries that can embed at once; a copy beyond the first loads only when a server needs it.
    embed_copies: int = Field(default_factory=default_embed_copies, ge=1, le=64)
    max_document_bytes: int = Field(default=2_000_000, ge=1)

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"
