"""Waiting for a server a test started (coach serve, Chroma, llama.cpp) to answer."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

import pytest


def wait_until_up(proc: subprocess.Popen, url: str, *, timeout: float, what: str, log: Path | None = None,
                  poll: float = 0.25) -> None:
    """Return once `url` answers 200; fail the test, with the end of `log`, if `proc` exits first
    or `timeout` seconds pass."""
    def tail() -> str:
        return log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{tail()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not answer {url} within {timeout} s:\n{tail()}")
        time.sleep(poll)
