"""The essay is split into verbatim meaning units with stable, content-derived ids."""

from __future__ import annotations

import re

import pytest

from knowledge.corpus import builtin_passages
from knowledge.passages import split_passages

PAGE_CHROME = ["brunch", "keyword", "작가의 이전글", "by 김윤서", "(원문)", "꼭 원문을 읽으시길"]


def _containing(passages, snippet: str):
    hits = [p for p in passages if snippet in p.text]
    assert len(hits) == 1, f"expected exactly one passage with {snippet!r}, got {len(hits)}"
    return hits[0]


def test_the_essay_yields_a_dozen_or_so_passages_in_reading_order():
    passages = builtin_passages()
    assert 8 <= len(passages) <= 20
    assert [p.position for p in passages] == list(range(len(passages)))
    assert passages[0].text.startswith("지난 1년 동안")
    assert "자신만의 성장 공선을 만들 수 있다" in passages[-1].text
    assert all(p.source == "essay" and p.title for p in passages)


def test_every_line_of_every_passage_is_a_line_of_the_corpus_file(corpus_text):
    corpus_lines = {line.strip() for line in corpus_text.splitlines()}
    for passage in builtin_passages():
        assert passage.text.strip(), "empty passage"
        for line in passage.text.splitlines():
            assert line.strip() in corpus_lines, f"not verbatim from the corpus: {line!r}"


def test_passages_cover_the_whole_essay(corpus_text):
    """No paragraph is dropped on the way from the file to the passages."""
    passage_lines = [line for p in builtin_passages() for line in p.text.splitlines()]
    corpus_lines = [line.rstrip() for line in corpus_text.splitlines() if line.strip()]
    assert passage_lines == corpus_lines


def test_the_corpus_holds_the_seed_essay_body_without_its_page_chrome(seed_text, corpus_text):
    body = seed_text.split("(원문)", 1)[1].split("keyword", 1)[0]
    body_lines = [line.strip() for line in body.splitlines() if line.strip()]
    corpus_lines = [line.strip() for line in corpus_text.splitlines() if line.strip()]
    assert body_lines == corpus_lines
    for chrome in PAGE_CHROME:  # the chrome strings below are really in the page
        assert chrome in seed_text


@pytest.mark.parametrize("chrome", PAGE_CHROME)
def test_page_chrome_is_in_no_passage(chrome):
    for passage in builtin_passages():
        assert chrome not in passage.text


def test_ids_are_stable_across_resplits():
    first = builtin_passages()
    second = builtin_passages()
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first), "ids must be unique"


def test_editing_one_paragraph_changes_only_its_id(corpus_text):
    before = split_passages(corpus_text, source="essay", prefix="essay")
    target = "또한 축구 선수는 내가 갖지 못한 신체 능력을 활용해 플레이한다."
    assert target in corpus_text
    edited = corpus_text.replace(target, "또한 농구 선수는 내가 갖지 못한 키를 활용해 플레이한다.")
    after = split_passages(edited, source="essay", prefix="essay")
    assert len(after) == len(before)
    changed = [(b, a) for b, a in zip(before, after) if b.id != a.id]
    assert len(changed) == 1
    old, new = changed[0]
    assert target in old.text and "농구 선수" in new.text


def test_inserting_a_paragraph_keeps_the_other_ids(corpus_text):
    before = {p.id for p in split_passages(corpus_text, source="essay", prefix="essay")}
    edited = corpus_text.replace("우리의 삶도 마찬가지다.", "새로 넣은 문단이다.\n\n우리의 삶도 마찬가지다.", 1)
    after = split_passages(edited, source="essay", prefix="essay")
    assert len(after) == len(before) + 1
    assert {p.id for p in after} - before == {p.id for p in after if p.text == "새로 넣은 문단이다."}


def test_same_text_in_another_source_gets_another_id(corpus_text):
    a = split_passages(corpus_text, source="essay", prefix="essay")
    b = split_passages(corpus_text, source="/tmp/copy.txt", prefix="doc")
    assert not {p.id for p in a} & {p.id for p in b}


def test_lead_in_stays_with_its_two_list_items():
    passage = _containing(builtin_passages(), "예컨대 나는 보통의 연구자보다 두 가지를 훨씬 좋아한다.")
    assert "1. 많은 데이터를 읽는 것" in passage.text
    assert "2. 시스템의 구성 요소를 하나씩 뜯어보며 뭐가 실제로 작동하는지 확인하는 것" in passage.text
    # ...and the next paragraph (the anecdote) is a passage of its own.
    assert "라벨러" not in passage.text


def test_summary_lead_in_stays_with_its_three_items():
    passage = _containing(builtin_passages(), "요약하자면,")
    items = [line for line in passage.text.splitlines() if re.match(r"^\d\. ", line)]
    assert [item[:2] for item in items] == ["1.", "2.", "3."]
    assert "초반엔 모방이 필요하다" in items[0]
    assert "성장은 거기까지다" in items[1]
    assert "스스로의 강점을 기반으로" in items[2]


def test_a_sentence_ending_in_a_comma_joins_the_next_paragraph():
    passage = _containing(builtin_passages(), "무엇보다 이런 방식이 훨씬 더 즐거울뿐더러,")
    assert "나만의 영역을 만들어가고 있다" in passage.text


def test_a_markdown_heading_stays_with_the_paragraph_it_heads():
    text = "# 텃밭 일지\n\n올해는 방울토마토를 키웠다.\n\n## 다음 해\n\n상추를 심을 생각이다.\n"
    assert [p.text for p in split_passages(text, source="garden.md", prefix="doc")] == [
        "# 텃밭 일지\n올해는 방울토마토를 키웠다.",
        "## 다음 해\n상추를 심을 생각이다.",
    ]


def test_a_long_paragraph_is_cut_into_verbatim_pieces():
    sentence = "이 문장은 긴 문단을 만들기 위한 문장이다. "
    text = "짧은 문단.\n\n" + sentence * 100
    passages = split_passages(text, source="long.txt", prefix="doc")
    assert len(passages) >= 3
    assert all(len(p.text) <= 1200 for p in passages)
    joined = " ".join(p.text for p in passages[1:])
    assert joined.split() == (sentence * 100).split()


def test_an_over_long_paragraph_is_cut_at_sentence_ends_into_verbatim_pieces():
    from knowledge.passages import MAX_PASSAGE_CHARS, meaning_units

    paragraph = " ".join(f"Sentence {i} says something about trying things my own way." for i in range(60))
    text = paragraph + "\nA second line stays in place."
    pieces = meaning_units(text)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_PASSAGE_CHARS and p in text for p in pieces)
    assert all(p.endswith(".") for p in pieces)  # never cut mid-sentence when a sentence end exists
    assert "\n".join(pieces).replace("\n", " ") == text.replace("\n", " ")
