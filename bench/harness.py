"""What every speed benchmark shares: an offline environment, a throwaway COACH_HOME, the fake
model server in its own process, a free port, percentiles, resident memory and a results table.

Benchmarks talk to 127.0.0.1 only. Import this module before anything imports chromadb or gradio.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
COACH = str(Path(sys.executable).parent / "coach")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The product's own offline switches: no telemetry, no hub lookups, no spinning OpenMP threads.
OFFLINE_ENV = {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
os.environ.update(OFFLINE_ENV)
# A model key or server from the caller's shell must not leak into a benchmark.
_MODEL_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_OPENAI_API_KEY", "COACH_OPENAI_BASE_URL", "COACH_CHROMA_URL")
for _name in _MODEL_VARS:
    os.environ.pop(_name, None)

MODEL_LATENCY = 0.2  # seconds the fake model waits before its first byte


def child_env(home: Path | str, **extra: str) -> dict[str, str]:
    """The environment for a product subprocess: offline, its own COACH_HOME, no model unless given."""
    env = {k: v for k, v in os.environ.items() if k not in _MODEL_VARS}
    env.update(OFFLINE_ENV)
    env["COACH_HOME"] = str(home)
    env.update(extra)
    return env


@contextmanager
def temp_home(prefix: str = "coach-bench-") -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the fake model, in its own process so its streaming never competes for our GIL ------------


@contextmanager
def fake_model(latency: float = MODEL_LATENCY, reply_words: int = 80) -> Iterator[str]:
    """Start bench/fake_model.py; yields its OpenAI-style base URL (http://127.0.0.1:PORT/v1)."""
    proc = subprocess.Popen(
        [PYTHON, str(BENCH / "fake_model.py"), "--latency", str(latency), "--reply-words", str(reply_words)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(tempfile.gettempdir()),
    )
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"fake model did not start: {line!r}")
        yield line
    finally:
        stop(proc)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """End a process this benchmark started (by its pid only)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_http_200(url: str, timeout: float, proc: subprocess.Popen | None = None, interval: float = 0.02) -> float:
    """Poll `url` until it answers 200; returns the monotonic time it did."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic()
        except OSError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"{url} did not answer 200 within {timeout} s")


# -- numbers -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def p50(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall seconds of `repeat` calls of fn."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


# -- results -------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One row of the README table: what, the target, what we measured, and the baseline beside it."""

    name: str
    target: str
    measured: str
    ok: bool | None = None
    baseline: str = ""
    ratio: str = ""

    @classmethod
    def medians(
        cls,
        name: str,
        target: str,
        ours: Sequence[float],
        theirs: Sequence[float],
        *,
        limit: float | None = None,
        fmt: Callable[[float], str] = ms,
        theirs_label: str = "",
    ) -> Figure:
        """A row comparing two samples by their medians: ours against `limit` (None: no target), and
        the baseline's, labelled."""
        mine, base = p50(ours), p50(theirs)
        baseline = f"{fmt(base)} ({theirs_label})" if theirs_label else fmt(base)
        return cls(name, target, fmt(mine), None if limit is None else mine < limit, baseline, ratio(mine, base))

    def row(self) -> str:
        verdict = {True: "met", False: "NOT MET", None: ""}[self.ok]
        return f"| {self.name} | {self.target} | {self.measured} | {verdict} | {self.baseline} | {self.ratio} |"


def report(title: str, figures: list[Figure], json_path: str | None = None) -> int:
    """Print the figures as a Markdown table (and, with --json, write them); exit status 0."""
    print(f"\n## {title}\n")
    print("| figure | target | measured | | baseline | ratio |")
    print("|---|---|---|---|---|---|")
    for f in figures:
        print(f.row())
    if json_path:
        path = Path(json_path)
        existing = json.loads(path.read_text()) if path.exists() else {}
        existing[title] = [f.__dict__ for f in figures]
        path.write_text(json.dumps(existing, ensure_ascii=False, indent=2))
    sys.stdout.flush()
    return 0


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs > 0 else ""
