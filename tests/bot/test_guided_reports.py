"""How it went, told while a card runs, starts the review with that as the outcome (a returner's
"ok so I did the thing for a week, went ok-ish, missed two days" got "… is running until …; when you
have results, tell me", and "14일 중에 7일 정도?" was asked "어땠나요?" again)."""

from __future__ import annotations

import pytest

RUN = {
    "en": ["I feel stuck at work", "I copy my manager's playbook", "I'm past the base", "I love rewriting other people's messy docs",
           "people come to me when docs are confusing", "long meetings drain me",
           "I will rewrite one messy internal doc each morning for 7 days", "7 days",
           "I'll find out if people use them. Signal: bookmarks from the team", "bookmarks from the team", "one paragraph",
           "if standup eats it, after lunch", "8"],
    "ko": ["회사에서 성장이 멈춘 것 같아요", "팀장님 방식을 그대로 따라 하고 있어요", "기반은 갖춰졌어요", "인터뷰에서 패턴 찾는 걸 좋아해요",
           "동료들이 인터뷰 정리를 부탁하러 와요", "긴 회의가 제일 지쳐요", "2주 동안 매일 인터뷰 인사이트 한 줄을 슬랙에 올릴게요", "2주",
           "팀원들이 댓글을 달 것 같아요. 신호는 댓글 수", "댓글 수", "한 단어만", "바쁘면 점심 뒤에", "8"],
}
REWARD_QUESTION = {"en": "What reward did the world give", "ko": "세상이 준 보상은"}


@pytest.fixture(scope="module")
def running(embeddings, tmp_path_factory):
    """One coach per language (one person each) with a running card, built once; each test talks in
    its own copy of that session."""
    from bot import Coach
    from bot.settings import Settings
    from knowledge import KnowledgeBase

    coaches = {}
    for language, script in RUN.items():
        settings = Settings(home=tmp_path_factory.mktemp(f"reports-{language}"))
        coach = Coach(knowledge=KnowledgeBase.open(settings=settings, embeddings=embeddings), settings=settings)
        for message in script:
            coach.ask(message, "run")
        assert coach.state("run").guided.step == "running", language
        coaches[language] = coach
    return coaches


def _copy(coach, sid: str) -> str:
    state = coach.state("run").model_copy(deep=True)
    state.session_id = sid
    coach.journal.save(state)
    return sid


@pytest.mark.parametrize(("language", "told", "reflected"), [
    ("en", "ok so I did the thing for a week, went ok-ish, missed two days, the mornings were the problem", "missed two days"),
    ("en", "did it 4 of 7 days, two people bookmarked a doc", "4 of 7"),
    ("en", "honestly it flopped, I skipped most mornings because of standup", "flopped"),
    ("ko", "지난번 실험 해봤는데 반밖에 못 했어요 ㅠ 14일 중에 7일 정도?", "7일"),
    ("ko", "이번 주는 3일밖에 못 했어요, 그래도 댓글은 두 개 달렸어요", "3일"),
])
def test_results_told_while_a_card_runs_start_its_review(running, language, told, reflected) -> None:
    coach = running[language]
    sid = _copy(coach, f"told-{len(told)}")
    reply = coach.ask(told, sid)
    state = coach.state(sid)
    assert REWARD_QUESTION[language] in reply.text, reply.text  # the outcome is taken; next, the reward
    assert reflected in reply.text and state.guided.review is not None and state.guided.review.outcome == told
