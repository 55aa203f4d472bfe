"""Count the likes and dislikes people gave the coach's replies (and how many came with a comment).

    .venv/bin/python bench/feedback.py            # the journal under COACH_HOME
    .venv/bin/python bench/feedback.py --journal PATH/journal.sqlite3
"""

from __future__ import annotations

import argparse
from collections import Counter


def main() -> None:
    from bot.journal import Journal
    from bot.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journal", default=None, help="a journal.sqlite3 (default: the one under COACH_HOME)")
    args = parser.parse_args()
    journal = Journal(args.journal or Settings().journal_path)
    feedback = journal.feedback()
    ratings = Counter(f.rating for f in feedback)
    sessions = len({f.session_id for f in feedback})
    comments = sum(1 for f in feedback if f.comment.strip())
    total = ratings["like"] + ratings["dislike"]
    share = f"{ratings['like'] / total:.0%}" if total else "n/a"
    print(f"feedback: {ratings['like']} likes, {ratings['dislike']} dislikes ({share} liked), "
          f"{comments} with a comment, from {sessions} sessions")


if __name__ == "__main__":
    main()
