"""Search by meaning with the real offline model: Korean and English questions find the essay passage."""

from __future__ import annotations

import pytest

# (question, substrings of the passages that answer it: the top 3 must contain one of them)
QUESTIONS = [
    ("처음에는 잘하는 사람을 따라 해도 되나요?", ["초반에는 모방 학습", "초반엔 모방이 필요하다"]),
    ("저자가 남들보다 유난히 좋아하는 두 가지는 무엇인가요?", ["보통의 연구자보다 두 가지를 훨씬 좋아한다"]),
    ("데이터셋을 만들면서 저자가 직접 한 일은?", ["라벨러들이 만드는 데이터를 직접 읽고"]),
    ("Why won't copying a successful person ever let me overtake them?", ["절대로 그 사람을 뛰어넘을 수 없다"]),
    (
        "For math, should a model imitate human solutions or just be told if its answer is right?",
        ["답의 올바름만 알려주고", "수학 문제 해결 능력을 더 잘 끌어올린다"],
    ),
    ("Does the author enjoy working this way?", ["훨씬 더 즐거울뿐더러"]),
]


@pytest.mark.parametrize(("question", "answers"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_a_paraphrased_question_finds_its_passage_in_the_top_3(kb, question, answers):
    top = kb.search(question, k=3)
    assert len(top) == 3
    assert any(a in p.text for p in top for a in answers), [p.text[:40] for p in top]


def test_results_come_best_first_with_everything_a_citation_needs(kb):
    from knowledge.corpus import builtin_passages

    wanted = {p.id: p for p in builtin_passages()}
    hits = kb.search("모방은 언제까지 해야 하나요?", k=4)
    assert len(hits) == 4
    scores = [h.score for h in hits]
    assert all(s is not None and -1.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert hit.id in wanted
        assert hit.text == wanted[hit.id].text
        assert hit.source == "essay" and hit.position == wanted[hit.id].position
        assert hit.title


def test_k_bounds_the_number_of_results(kb):
    assert len(kb.search("강점", k=1)) == 1
    assert len(kb.search("강점", k=50)) == kb.count()


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_a_blank_query_returns_nothing(kb, query):
    assert kb.search(query) == []


LONG_MESSAGES = [
    (
        "회사에 들어온 지 3년이 됐어요. 처음엔 팀장님이 일하는 방식을 하나하나 따라 했고, 덕분에 빨리 적응했어요. "
        "회의 준비하는 법, 보고서 쓰는 법, 코드 리뷰하는 법까지 전부 팀장님 방식 그대로예요. 그런데 요즘은 아무리 "
        "열심히 따라 해도 팀장님처럼 잘하지 못하고, 오히려 제자리걸음인 것 같아요. 팀장님은 원래 사람 만나는 걸 좋아하고 "
        "말을 잘하는 분인데, 저는 그렇지 않거든요. 남을 계속 따라 하는 게 맞는지 모르겠어요.",
    ),
    (
        "For the first two years at my job I copied everything my manager did: how she ran meetings, how she wrote "
        "updates, even the tools she used. It helped a lot at the beginning and I stopped making rookie mistakes. "
        "But now I feel capped. She is naturally great with people and I am not; I'm the one who quietly digs "
        "through spreadsheets until something odd shows up. Should I keep following her playbook, or is it time "
        "to find my own way of working that builds on what I'm actually good at?",
    ),
]


# Passages that answer "copying others caps you": any of them is a right answer to both messages.
COPYING_CAPS = ("남의 틀을 따라가는 것에는 한계가 있다", "결국 남을 따라 해서는 절대로", "계속 남을 따라 하면 성장은 거기까지다")


@pytest.mark.parametrize("message", [m for (m,) in LONG_MESSAGES], ids=["ko-long", "en-long"])
def test_a_long_message_still_finds_a_passage_on_its_point(kb, message):
    from knowledge.embeddings import QUERY_FULL_TOKENS

    assert kb.embeddings.token_count(message) > QUERY_FULL_TOKENS  # read as windows, not whole
    top = kb.search(message, 4)
    assert any(answer in p.text for p in top for answer in COPYING_CAPS), [p.text[:40] for p in top]
