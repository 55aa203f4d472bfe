"""Print two scripted guided-mode conversations (Korean, English), each with a return visit.

    .venv/bin/python bench/guided_transcript.py            # real knowledge search (offline e5)
    .venv/bin/python bench/guided_transcript.py --keyword  # no embeddings: keyword overlap

Uses a throwaway COACH_HOME, so nothing of yours is touched.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from bot.guided import GuidedCoach
from bot.models import ChatMessage, SessionState
from bot.words import load
from knowledge.passages import Passage

SAMPLES = load("sample_conversations")
KOREAN, KOREAN_RETURN = SAMPLES["ko"]["visit"], SAMPLES["ko"]["return_visit"]
ENGLISH, ENGLISH_RETURN = SAMPLES["en"]["visit"], SAMPLES["en"]["return_visit"]


def keyword_search() -> Callable[[str, int], list[Passage]]:
    """Passages ranked by shared character pairs with the query: no model needed."""
    from knowledge.corpus import builtin_passages

    passages = builtin_passages()

    def pairs(text: str) -> set[str]:
        squashed = re.sub(r"\W+", "", text.lower())
        return {squashed[i : i + 2] for i in range(len(squashed) - 1)}

    def search(query: str, k: int) -> list[Passage]:
        q = pairs(query)
        return sorted(passages, key=lambda p: -len(pairs(p.text) & q))[:k]

    return search


def knowledge_search(home: str) -> Callable[[str, int], list[Passage]]:
    from knowledge import KnowledgeBase

    return KnowledgeBase.open(home=home).search


def run(label: str, first: list[str], later: list[str], search: Callable[[str, int], list[Passage]], embed=None) -> SessionState:
    clock = {"now": datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)}

    def passages_for(message, history=None, k=None, **_):
        return search(message, k or 4)

    coach = GuidedCoach(passages_for=passages_for, embed=embed, clock=lambda: clock["now"])
    state = SessionState(session_id=f"transcript-{label}")
    history: list[ChatMessage] = []

    def say(message: str) -> None:
        turn = coach.reply(state, message, history)
        print(f"**User:** {message}\n")
        print(f"**Coach** ({state.stage.value}): {turn.text}\n")
        history.append(ChatMessage(role="user", content=message, created_at=clock["now"]))
        history.append(ChatMessage(role="assistant", content=turn.text, created_at=clock["now"], sources=[p.id for p in turn.sources]))
        clock["now"] += timedelta(minutes=2)

    print(f"## {label}\n")
    for message in first:
        say(message)
    card = state.experiments[-1]
    print(f"_card: complete={card.complete}, status={card.status}, missing={card.missing()}_\n")
    print(f"### {label}: return visit, {card.duration_days} days later\n")
    clock["now"] += timedelta(days=card.duration_days or 7)
    for message in later:
        say(message)
    print(f"_reviewed: {card.status}, reward={card.review.reward if card.review else None}; "
          f"next card: {state.experiments[-1].status}, strength “{state.experiments[-1].strength}”_\n")
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keyword", action="store_true", help="rank passages by keyword overlap instead of embeddings")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="guided-transcript-") as home:
        if args.keyword:
            search = keyword_search()
        else:
            try:
                search = knowledge_search(home)
            except Exception as exc:  # no embeddings here: still show the conversation
                print(f"(knowledge base unavailable: {exc!r}; using keyword search)\n", file=sys.stderr)
                search = keyword_search()
        embed = None
        if not args.keyword:
            from knowledge import E5Embeddings

            embed = E5Embeddings().embed_query
        run("Korean", KOREAN, KOREAN_RETURN, search, embed)
        run("English", ENGLISH, ENGLISH_RETURN, search, embed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
