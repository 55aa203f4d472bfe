"""The web coach under load: first HTTP 200 after `coach serve`, 20 concurrent sessions, memory.

    .venv/bin/python bench/serve.py [--starts 3] [--sessions 20] [--turns 5]

Everything runs on 127.0.0.1: bench/fake_model.py (200 ms before each answer) in one process,
`coach serve --port N` in another (COACH_HOME in a temporary directory, OPENAI_BASE_URL pointing
at the fake model), and gradio_client sessions in this one.

- First HTTP 200: wall time from starting `coach serve` until GET / answers 200, median of
  `--starts` starts with the essay already embedded (the usual start); the very first start in an
  empty COACH_HOME, which embeds the essay, is printed on its own line. Baseline: the newcomer's
  gr.ChatInterface over the RAG chain (`bench/baseline_rag.py serve`), same data and model.
- Sessions: one session of 20 turns through gradio_client's `/chat` endpoint (each turn is one
  `predict`: the reply and the notes, both from the fake model), then `--sessions` clients at
  once, each its own session of `--turns` turns. Every reply must come back without an error.
- Memory: VmRSS of the serving process (and any children) after all of those turns (>= 100).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness import (
    BENCH,
    COACH,
    MODEL_LATENCY,
    PYTHON,
    Figure,
    child_env,
    fake_model,
    free_port,
    ms,
    p50,
    percentile,
    ratio,
    report,
    rss_mb,
    secs,
    stop,
    temp_home,
    wait_http_200,
)
from turn import MESSAGES


def start(cmd: list[str], env: dict, port: int, log: Path) -> tuple[subprocess.Popen, float]:
    """Start a web server; returns it and the seconds until GET / answered 200."""
    with log.open("ab") as out:
        began = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        up = wait_http_200(f"http://127.0.0.1:{port}/", timeout=120, proc=proc)
    except Exception:
        stop(proc)
        raise RuntimeError(f"{' '.join(cmd)} did not come up; log:\n{log.read_text()[-3000:]}") from None
    return proc, up - began


def tree_rss_mb(pid: int) -> float:
    """VmRSS of a process plus its descendants."""
    total = rss_mb(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            try:
                total += tree_rss_mb(int(child))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return total


def session(url: str, turns: int, offset: int, coach: bool = True, go: threading.Barrier | None = None):
    """One client, one session of `turns` turns; returns (seconds per turn, errors).

    The coach's `/chat` takes (message, session_id) and returns (reply, session_id, passage ids);
    the baseline ChatInterface's `/chat` takes the message and returns the reply.
    """
    from gradio_client import Client

    # Plain HTTP to 127.0.0.1: without ssl_verify=False gradio_client builds a certificate store
    # for every request, ~0.1 s of CPU a turn that would compete with the server being measured.
    client = Client(url, verbose=False, ssl_verify=False)
    times, errors = [], []
    session_id = ""
    if go is not None:
        go.wait()
    for turn in range(turns):
        message = MESSAGES[(offset + turn) % len(MESSAGES)]
        began = time.perf_counter()
        try:
            if coach:
                reply, session_id, _ = client.predict(message, session_id, api_name="/chat")
            else:
                reply = client.predict(message, api_name="/chat")
            if not str(reply).strip():
                errors.append("empty reply")
        except Exception as exc:  # counted and reported, not raised: the figure is "no errors"
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
        times.append(time.perf_counter() - began)
    return times, errors


def concurrent(url: str, sessions: int, turns: int) -> tuple[list[float], list[str], float]:
    results: list = [None] * sessions
    go = threading.Barrier(sessions)

    def run(i: int) -> None:
        try:
            results[i] = session(url, turns, i, go=go)
        except Exception as exc:
            results[i] = ([], [f"client {i}: {type(exc).__name__}: {exc}"[:200]])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(sessions)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    times = [t for r in results for t in r[0]]
    errors = [e for r in results for e in r[1]]
    return times, errors, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=3, help="timed starts of `coach serve`")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent gradio_client sessions")
    parser.add_argument("--turns", type=int, default=5, help="turns per concurrent session")
    parser.add_argument("--single-turns", type=int, default=20, help="turns of the single session")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    with temp_home() as home, fake_model(MODEL_LATENCY) as model_url:
        env = child_env(home / "coach", OPENAI_BASE_URL=model_url, COACH_MODEL="fake-coach-model")
        log = home / "serve.log"
        serve = lambda port: [COACH, "serve", "--port", str(port)]  # noqa: E731

        port = free_port()
        proc, first_ever = start(serve(port), env, port, log)
        stop(proc)
        port = free_port()
        guided_env = {k: v for k, v in env.items() if k != "OPENAI_BASE_URL"}
        proc, guided_start = start(serve(port), guided_env, port, log)
        stop(proc)
        starts = []
        for _ in range(args.starts):
            port = free_port()
            proc, seconds = start(serve(port), env, port, log)
            starts.append(seconds)
            if len(starts) < args.starts:
                stop(proc)
        url = f"http://127.0.0.1:{port}/"
        try:
            rss_start = tree_rss_mb(proc.pid)
            session(url, 2, 0)  # the first turns open the journal and the model client
            single, single_errors = session(url, args.single_turns, 0)
            many, many_errors, wall = concurrent(url, args.sessions, args.turns)
            turns_done = 2 + len(single) + len(many)
            rss_end = tree_rss_mb(proc.pid)
        finally:
            stop(proc)

        # The baseline app: same data, same model server.
        persist = str(home / "baseline-chroma")
        subprocess.run([PYTHON, str(BENCH / "baseline_rag.py"), "search", "warm up", "--persist", persist], env=env,
                       stdout=subprocess.DEVNULL, check=True)
        base_starts = []
        for _ in range(args.starts):
            port = free_port()
            cmd = [PYTHON, str(BENCH / "baseline_rag.py"), "serve", "--persist", persist, "--base-url", model_url,
                   "--port", str(port)]
            base_proc, seconds = start(cmd, env, port, home / "baseline.log")
            base_starts.append(seconds)
            if len(base_starts) < args.starts:
                stop(base_proc)
        try:
            base_url = f"http://127.0.0.1:{port}/"
            session(base_url, 2, 0, coach=False)
            base_single, base_errors = session(base_url, args.single_turns, 0, coach=False)
            base_rss = tree_rss_mb(base_proc.pid)
        finally:
            stop(base_proc)

    errors = single_errors + many_errors
    for error in sorted(set(errors))[:10]:
        print(f"error: {error}")
    if base_errors:
        print(f"baseline errors: {sorted(set(base_errors))[:3]}")
    print(f"first `coach serve` in an empty COACH_HOME (embeds the essay): {secs(first_ever)}")
    print(f"`coach serve` in the guided mode (no model configured): {secs(guided_start)}")
    print(
        f"single session: p50 {ms(p50(single))}, p95 {ms(percentile(single, 95))} per turn "
        f"(two model calls of {ms(MODEL_LATENCY)} each); baseline app p50 {ms(p50(base_single))}, "
        f"p95 {ms(percentile(base_single, 95))} (one model call)"
    )
    print(
        f"{args.sessions} sessions × {args.turns} turns: p50 {ms(p50(many))}, p95 {ms(percentile(many, 95))}, "
        f"{len(many) / wall:.1f} turns/s, {len(many_errors)} errors"
    )
    print(f"serving process RSS: {rss_start:.0f} MB after start, {rss_end:.0f} MB after {turns_done} turns")
    single_p95, many_p95 = percentile(single, 95), percentile(many, 95)
    figures = [
        Figure.medians(
            "first HTTP 200 after `coach serve` (essay already embedded)", "< 4 s", starts, base_starts,
            limit=4, fmt=secs, theirs_label="gr.ChatInterface app",
        ),
        Figure(
            f"{args.sessions} concurrent gradio_client sessions, p95 turn",
            "no errors; ≤ 2× single-session p95",
            f"{ms(many_p95)}, {len(errors)} errors",
            not errors and many_p95 <= 2 * single_p95,
            f"{ms(single_p95)} (single session p95)",
            ratio(many_p95, single_p95),
        ),
        Figure(
            f"RSS of the serving process after {turns_done} turns",
            "< 700 MB",
            f"{rss_end:.0f} MB",
            rss_end < 700,
            f"{base_rss:.0f} MB (ChatInterface app after {2 + len(base_single)} turns)",
            ratio(rss_end, base_rss),
        ),
    ]
    return report(f"Serving (median of {args.starts} starts; {args.sessions} sessions × {args.turns} turns)", figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
