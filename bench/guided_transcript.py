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
from knowledge.passages import Passage

KOREAN = [
    "안녕하세요. 입사 3년 차 개발자인데, 팀 리드의 일하는 방식을 그대로 따라 하고 있어요. 요즘은 성장이 멈춘 느낌이에요.",
    "리드의 코드 리뷰 체크리스트와 회의 진행 방식을 익혔어요. 덕분에 실수가 줄고 일 처리가 빨라졌어요.",
    "설계 결정을 혼자 내려야 할 때 한계가 느껴져요. 기반은 이미 갖춰진 것 같아요.",
    "장애 로그를 끝까지 파고드는 걸 좋아해요. 다들 지루해하는데 저는 재밌어요.",
    "SQL이랑 쿼리 튜닝을 유난히 빨리 배웠어요.",
    "회의가 길어지면 진이 빠져요. 그리고 로그 파고들기를 너무 오래 해서 마감을 놓칠 때가 있어요.",
    "두 가지가 떠올라요. 매주 장애 하나를 골라 원인 분석 노트를 팀에 공유하기, 아니면 느린 쿼리를 매일 하나씩 튜닝하기. "
    "첫 번째로 할게요: 2주 동안 매일 아침 30분씩 장애 로그 하나를 끝까지 분석하고, 금요일마다 분석 노트를 팀 채널에 공유할게요.",
    "원인 분석을 글로 쓰면 반복되는 장애 패턴이 보일 것 같아요. 신호는 노트에 달리는 팀원들의 댓글 수와 같은 장애의 재발 건수예요.",
    "바쁜 날에는 로그 하나만 10분 읽을게요. 만약 장애 대응으로 아침 시간이 날아가면, 점심 뒤에 15분만 할게요.",
    "8점이요",
]
KOREAN_RETURN = [
    "다시 왔어요!",
    "14일 중 11일 했어요. 노트 네 편에 팀원 댓글이 평균 3개씩 달렸고, 같은 DB 타임아웃 장애가 두 번 반복된다는 걸 찾았어요.",
    "+1",
    "잘된 점은 노트 덕분에 팀이 재발 패턴을 같이 보게 된 거예요. 아쉬운 점은 금요일 노트를 두 번 놓친 거예요.",
    "노트는 유지하고, 분량을 줄여서 계속할게요.",
]
ENGLISH = [
    "Hi. I'm a data analyst, and for two years I've followed my manager's playbook to the letter. Lately I feel stuck.",
    "Polished weekly dashboards and always answering exactly what was asked. It gave me a reputation for being reliable.",
    "It's capped when I see something odd in the data but don't chase it. I'm past the base, I think.",
    "I enjoy reading raw event logs line by line; my teammates find that tedious.",
    "I learned SQL window functions unusually fast, in about a week.",
    "Long status meetings drain me. I overuse the log reading, I can lose a whole afternoon in it.",
    "I could write a short 'oddity of the week' note from the raw logs, or offer teammates a 30-minute log walkthrough. "
    "I'll start with the first: I will read raw logs for 20 minutes each morning and post one oddity note every Friday, for 3 weeks.",
    "If I chase the oddities, I expect to find at least one real data bug the dashboards hide. "
    "The signal: replies or follow-up questions from the team on my Friday notes.",
    "On a bad day, I read logs for five minutes and write one line. If a deadline eats my morning, then I'll do the reading after lunch.",
    "7/10",
]
ENGLISH_RETURN = [
    "Hi again.",
    "I read logs on 16 of 21 mornings and posted three oddity notes. Two teammates replied, and one note uncovered a real duplicate-events bug.",
    "2",
    "The notes got real replies. But mornings with standups were hard to protect.",
    "Keep the notes, move the reading to after lunch.",
]


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


def run(label: str, first: list[str], later: list[str], search: Callable[[str, int], list[Passage]]) -> SessionState:
    clock = {"now": datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)}
    coach = GuidedCoach(search, clock=lambda: clock["now"])
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
        run("Korean", KOREAN, KOREAN_RETURN, search)
        run("English", ENGLISH, ENGLISH_RETURN, search)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
