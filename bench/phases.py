"""Where a turn's time goes, alone and under 20 concurrent sessions (a diagnostic, not a target).

    .venv/bin/python bench/phases.py [--copies 1 2] [--sessions 20] [--turns 5]

The same load as bench/serve.py (bench/fake_model.py answering after 200 ms, `coach serve`, one
gradio_client session of 20 turns, then `--sessions` at once), with bench/probe/sitecustomize.py
loaded into the server: it logs each turn's phases (see that file). Printed per phase: p50 / p95
in ms, for the single session and under load. `--copies` runs the load once per value of
COACH_EMBED_COPIES (copies of the embedding model), one after the other; without it, the
product's default.
"""

from __future__ import annotations

import argparse
import json
import sys

from harness import (
    BENCH,
    COACH,
    MODEL_LATENCY,
    child_env,
    fake_model,
    free_port,
    p50,
    percentile,
    stop,
    temp_home,
)
from serve import concurrent, session, start

PHASES = ("total", "embed_wait", "embed", "first_piece", "reply_rest", "notes", "cpu")


def measure(copies: int | None, sessions: int, turns: int) -> tuple[list[dict], list[dict], float]:
    """(single-session turns, turns under load, p95 ratio as bench/serve.py computes it)."""
    with temp_home() as home, fake_model(MODEL_LATENCY) as model_url:
        log = home / "phases.jsonl"
        extra = {"COACH_EMBED_COPIES": str(copies)} if copies else {}
        env = child_env(
            home / "coach", OPENAI_BASE_URL=model_url, COACH_MODEL="fake-coach-model",
            PYTHONPATH=str(BENCH / "probe"), COACH_BENCH_PHASES=str(log), **extra,
        )
        port = free_port()
        proc, _ = start([COACH, "serve", "--port", str(port)], env, port, home / "serve.log")
        try:
            url = f"http://127.0.0.1:{port}/"
            session(url, 2, 0)  # warm
            single, _ = session(url, 20, 0)
            before = len(log.read_text().splitlines())
            many, errors, _ = concurrent(url, sessions, turns)
        finally:
            stop(proc)
        if errors:
            print(f"{len(errors)} errors under load, e.g. {errors[0]}", file=sys.stderr)
        rows = [json.loads(line) for line in log.read_text().splitlines()]
        return rows[2:before], rows[before:], percentile(many, 95) / percentile(single, 95)


def table(label: str, alone: list[dict], loaded: list[dict]) -> str:
    lines = [f"### {label}", "", "| phase | alone p50 | alone p95 | under load p50 | under load p95 |", "|---|---|---|---|---|"]
    for phase in PHASES:
        a = [r.get(phase, 0.0) * 1000 for r in alone]
        b = [r.get(phase, 0.0) * 1000 for r in loaded]
        lines.append(f"| {phase} | {p50(a):.0f} | {percentile(a, 95):.0f} | {p50(b):.0f} | {percentile(b, 95):.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="*", default=[], help="COACH_EMBED_COPIES values to compare")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"## Turn phases in ms (server-side; {args.sessions} sessions × {args.turns} turns under load)\n")
    for copies in args.copies or [None]:
        alone, loaded, ratio = measure(copies, args.sessions, args.turns)
        label = f"COACH_EMBED_COPIES={copies}" if copies else "default embedding copies"
        print(table(f"{label}: client p95 under load {ratio:.2f}× the single session's", alone, loaded), "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
