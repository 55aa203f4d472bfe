"""Run every speed benchmark in turn and print one table (and write it as JSON).

    .venv/bin/python bench/all.py [--json bench-results.json] [--quick]

Each benchmark is its own process, so one's imports and threads never colour another's figures.
--quick uses fewer repetitions (for a smoke test; quote the full run).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "startup.py": (["-n", "7"], ["-n", "3"]),
    "search.py": ([], ["--passages", "2000", "--ingest-sample", "50", "--repeat", "50"]),
    "turn.py": (["--turns", "40"], ["--turns", "10"]),
    "serve.py": ([], ["--starts", "1", "--sessions", "10", "--turns", "3", "--single-turns", "10"]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="write all figures to this JSON file")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)

    out = Path(args.json) if args.json else Path(tempfile.mkdtemp(prefix="coach-bench-")) / "results.json"
    out.unlink(missing_ok=True)
    failed = []
    for script, (full, quick) in SCRIPTS.items():
        print(f"\n### bench/{script}", flush=True)
        began = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / script), *(quick if args.quick else full), "--json", str(out)])
        print(f"({time.perf_counter() - began:.0f} s)", flush=True)
        if done.returncode != 0:
            failed.append(script)

    results = json.loads(out.read_text()) if out.exists() else {}
    print("\n## All figures\n")
    print("| figure | target | measured | | baseline | ratio |")
    print("|---|---|---|---|---|---|")
    for figures in results.values():
        for f in figures:
            verdict = {True: "met", False: "NOT MET", None: ""}[f["ok"]]
            print(f"| {f['name']} | {f['target']} | {f['measured']} | {verdict} | {f['baseline']} | {f['ratio']} |")
    print(f"\nJSON: {out}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
