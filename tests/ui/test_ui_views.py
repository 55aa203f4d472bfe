"""What the page renders: sources stay with their reply, everything shown is escaped, `import ui` stays light."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

from bot.models import ChatMessage, ExperimentCard, Review, Strength
from knowledge import Passage
from ui import views

SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def passage(pid: str, text: str = "남의 틀을 따라가는 것에는 한계가 있다.", score: float | None = 0.81) -> Passage:
    return Passage(id=pid, text=text, source="essay", score=score)


def test_sources_block_lists_ids_and_quotes_escaped_text():
    block = views.sources_block([passage("essay-0123456789", "첫 줄\n\n<script>alert(1)</script>")])
    assert "essay-0123456789" in block
    assert "0.81" not in block and "coach-score" not in block  # no raw cosine a reader cannot interpret
    assert "<script>" not in block and "&lt;script&gt;" in block
    assert "\n" not in block  # one HTML block: a blank line would end it inside Markdown


def test_an_english_conversation_gets_the_labelled_rendering_with_the_korean_beside_it():
    from knowledge.corpus import builtin_passages

    essay = builtin_passages()[5]  # "... 절대로 그 사람을 뛰어넘을 수 없다 ..."
    block = views.sources_block([essay], language="en")
    assert "English rendering" in block and "you can never get past them" in block
    assert "Korean original" in block and "절대로 그 사람을 뛰어넘을 수 없다" in block  # folded, never dropped
    assert block.index("English rendering") < block.index("절대로")
    korean = views.sources_block([essay], language="ko")
    assert "English rendering" not in korean and "절대로 그 사람을 뛰어넘을 수 없다" in korean
    mine = views.sources_block([passage("doc-0123456789", "My own notes.")], language="en")
    assert "English rendering" not in mine and "My own notes." in mine  # a user's document has no rendering


def test_a_reply_keeps_its_sources_even_when_a_passage_is_gone():
    text = views.bot_message("Your own path.", [passage("essay-aaaaaaaaaa")], ids=["essay-aaaaaaaaaa", "essay-bbbbbbbbbb"])
    assert text.startswith("Your own path.\n\n<details")
    assert "essay-aaaaaaaaaa" in text and "essay-bbbbbbbbbb" in text
    assert views.bot_message("No sources.") == "No sources."
    assert views.bot_message("Broken.", error=True).startswith("⚠️")


def test_history_from_the_journal_and_from_the_browser():
    messages = [
        ChatMessage(role="user", content="hi"),
        ChatMessage(role="assistant", content="hello", sources=["essay-aaaaaaaaaa"]),
    ]
    chat = views.chat_history(messages, {"essay-aaaaaaaaaa": passage("essay-aaaaaaaaaa")})
    assert chat[0] == {"role": "user", "content": "hi"}
    assert chat[1]["role"] == "assistant" and "essay-aaaaaaaaaa" in chat[1]["content"]

    browser = [{"role": "user", "content": [{"type": "text", "text": "안녕"}], "metadata": None}]
    assert views.plain_history(browser) == [{"role": "user", "content": "안녕"}]
    assert views.plain_history(None) == []


def test_cards_show_fields_status_and_review_escaped():
    card = ExperimentCard(
        title="<b>Read</b> tickets",
        action="I will read 20 tickets a day for 7 days",
        duration_days=7,
        confidence=8,
        status="running",
        passages=["essay-aaaaaaaaaa"],
    )
    html = views.card_html(card)
    assert "&lt;b&gt;Read&lt;/b&gt;" in html and "<b>Read</b>" not in html
    assert "coach-status-running" in html and "7 days" in html and "confidence 8/10" in html
    assert html.startswith("<div")

    card.status = "reviewed"
    card.review = Review(outcome="팀이 썼다", reward=2, plus="루틴", date=date(2026, 12, 2))
    folded = views.card_html(card)
    assert folded.startswith("<details") and "reward +2" in folded and "팀이 썼다" in folded

    proposed = ExperimentCard(title="a", status="proposed")
    shown = views.card_html(proposed)
    assert "Still to shape: builds on, hypothesis" in shown
    assert not SNAKE_CASE.search(re.sub(r"<[^>]+>", " ", shown))  # no duration_days, reward_signal, …
    korean = views.card_html(proposed, "ko")
    assert "아직 정할 것" in korean and "제안됨" in korean and "Proposed" not in korean


def test_board_and_picker_prefer_the_running_card():
    cards = [
        ExperimentCard(title="old", status="reviewed", review=Review(outcome="ok", reward=0)),
        ExperimentCard(title="now", status="running"),
        ExperimentCard(title="next", status="proposed"),
    ]
    board = views.board_html(cards)
    assert board.index("now") < board.index("next") < board.index("old")
    assert views.default_experiment(cards) == cards[1].id
    assert views.experiment_choices(cards)[2] == ("next · Proposed", cards[2].id)
    assert views.experiment_choices(cards, "ko")[1] == ("now · 진행 중", cards[1].id)
    assert views.default_experiment([]) is None
    assert "No experiments yet" in views.board_html([])


def test_strengths_grouped_by_kind():
    html = views.strengths_html(
        [Strength(name="reading raw data"), Strength(name="long meetings", kind="drain"), Strength(name="<i>x</i>")]
    )
    assert html.index("reading raw data") < html.index("long meetings")
    assert "Drains" in html and "&lt;i&gt;" in html
    assert "coach-empty" in views.strengths_html([])


def test_importing_ui_does_not_import_gradio():
    code = "import sys, ui, ui.cli; assert 'gradio' not in sys.modules, 'gradio imported'; print(ui.__all__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "build_app" in result.stdout


def test_a_session_id_from_the_browser_is_checked():
    from ui.app import _valid_session

    assert _valid_session("abc_DEF-123") == "abc_DEF-123"
    for bad in (None, "", "../../etc", "x" * 65, 42, {"id": "abc"}):
        assert _valid_session(bad) is None


def test_the_page_loads_gradio_without_rewriting_its_type_stubs():
    # Gradio 6 re-parses every component's source at import to refresh its .pyi stubs (~1.4 s of the
    # start-up here); ui turns that off. The components must still work: build the whole page.
    code = (
        "import ui, ui.app, gradio.component_meta as meta, gradio.blocks_events as be\n"
        "assert meta.create_or_modify_pyi.__name__ == '_no_stubs', meta.create_or_modify_pyi\n"
        "assert be.create_or_modify_pyi is meta.create_or_modify_pyi\n"
        "page = ui.app.build_app()\n"
        "assert callable(ui.app.gr.Textbox.submit) and page.fns, 'no events'\n"
        "print('ok', len(page.fns))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok")


def test_the_idle_queue_wakes_every_5_ms_not_every_1(canned_coach):
    # Gradio's default 1 ms poll woke the server 1,000 times a second with nothing to do.
    from ui.app import QUEUE_POLL_SECONDS, build_app

    page = build_app(canned_coach)
    assert page._queue.sleep_when_free == QUEUE_POLL_SECONDS == 0.005
    page.queue(default_concurrency_limit=4)  # queue() again keeps it
    assert page._queue.sleep_when_free == QUEUE_POLL_SECONDS


def test_citations_become_numbered_markers_linked_to_the_sources():
    text = views.bot_message(
        "Start from your own data [essay-aaaaaaaaaa]. And again [essay-aaaaaaaaaa], then [essay-bbbbbbbbbb].",
        [passage("essay-aaaaaaaaaa"), passage("essay-bbbbbbbbbb")],
    )
    body = text.split("<details")[0]
    assert "[essay-" not in body  # no raw ids in the reply's words
    assert body.count(">[1]</a>") == 2 and body.count(">[2]</a>") == 1
    assert 'title="essay-aaaaaaaaaa"' in body and 'data-pid="essay-bbbbbbbbbb"' in body
    # An unknown id still gets a marker (numbered after the known ones), never the raw id.
    assert ">[1]</a>" in views.cite_markers("see [essay-cccccccccc]", [])


def test_a_running_card_is_not_at_the_design_stage():
    from bot.models import SessionState, Stage

    state = SessionState(session_id="s", stage=Stage.DESIGN, experiments=[ExperimentCard(title="t", status="running")])
    assert "running" in views.session_summary(state, 4)
    assert "design" not in views.session_summary(state, 4)
    assert "진행 중" in views.session_summary(state, 4, "ko")
    assert views.session_summary(state, 0) == views.words("en")["session"]["none"]


def test_both_languages_have_every_page_word():
    from ui.i18n import flat

    en, ko = flat(views.words("en")), flat(views.words("ko"))
    assert set(en) == set(ko)
    assert all(v.strip() for v in {**en, **ko}.values())


def test_the_browser_language_decides_before_the_conversation_does():
    from types import SimpleNamespace

    from ui.i18n import browser_language, page_language

    korean = SimpleNamespace(headers={"accept-language": "ko-KR,ko;q=0.9,en;q=0.8"})
    english = SimpleNamespace(headers={"accept-language": "en-US,en;q=0.9"})
    assert browser_language(korean) == "ko" and browser_language(english) == "en"
    assert browser_language(None) == "en"
    assert page_language("en", 0, korean) == "ko"  # nothing said yet: the browser's language
    assert page_language("en", 3, korean) == "en"  # then the conversation's
