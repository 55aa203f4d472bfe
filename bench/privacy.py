"""What privacy costs: a password check, the per-turn claim on a session, forgetting one session.

    .venv/bin/python bench/privacy.py [--repeat 50] [--sessions 2000]

- Password check: `Accounts.check` (scrypt n=2^14, r=8, p=1), right and wrong passwords cost the same.
- Claim per turn: `Journal.claim(session)` taken and released (two BEGIN IMMEDIATE transactions),
  the cost every turn now pays so that two processes on one session take turns.
- Forget: `Journal.forget` of one session among `--sessions` (each 10 messages), with secure_delete
  and the WAL checkpoint that truncates it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import Figure, ms, p50, percentile, report, temp_home, timed  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--json")
    args = parser.parse_args()

    from bot.journal import Journal
    from bot.models import ChatMessage, SessionState
    from bot.people import Accounts

    accounts = Accounts(None)
    accounts.add("alice", "correct horse battery")
    right = timed(lambda: accounts.check("alice", "correct horse battery"), args.repeat)
    wrong = timed(lambda: accounts.check("nobody", "guess"), args.repeat)

    with temp_home() as home:
        journal = Journal(Path(home) / "journal.sqlite3")
        journal.save(SessionState(session_id="claimed"))

        def claim() -> None:
            with journal.claim("claimed"):
                pass

        claims = timed(claim, args.repeat * 4)
        db = journal._db()
        db.execute("BEGIN")
        for n in range(args.sessions):
            sid = f"s{n:05d}"
            db.execute(
                "INSERT INTO sessions (id, created_at, updated_at, state, owner) VALUES (?, '2026-01-01', '2026-01-01', ?, 'local')",
                (sid, SessionState(session_id=sid).model_dump_json()),
            )
            for m in range(10):
                message = ChatMessage(role="user" if m % 2 == 0 else "assistant", content=f"words {n} {m} " * 40)
                db.execute(
                    "INSERT INTO messages (session_id, role, content, created_at) VALUES (?, ?, ?, '2026-01-01')",
                    (sid, message.role, message.content),
                )
        db.execute("COMMIT")
        victims = iter(f"s{n:05d}" for n in range(args.sessions))
        forgets = timed(lambda: journal.forget(next(victims)), min(args.repeat, args.sessions))

    figures = [
        Figure("password check, right (p50)", "slow on purpose", ms(p50(right))),
        Figure("password check, unknown name (p50)", "same as right", ms(p50(wrong))),
        Figure("claim + release per turn (p50 / p95)", "< 5 ms", f"{p50(claims) * 1000:.2f} ms / {percentile(claims, 95) * 1000:.2f} ms",
               ok=percentile(claims, 95) < 0.005),
        Figure(f"forget one of {args.sessions} sessions (p50 / p95)", "< 100 ms",
               f"{ms(p50(forgets))} / {ms(percentile(forgets, 95))}", ok=percentile(forgets, 95) < 0.1),
    ]
    return report("Privacy costs", figures, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
