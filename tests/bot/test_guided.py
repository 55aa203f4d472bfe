"""The guided offline mode: COACHING.md's arc without a model, in Korean and English."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from bot.guided import GuidedCoach, GuidedTurn, parse_duration, parse_reward, parse_score
from bot.language import detect_language
from bot.models import ChatMessage, SessionState, Stage
from bot.words import load
from knowledge.corpus import builtin_passages
from knowledge.passages import Passage

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
PASSAGES = {p.id: p for p in builtin_passages()}

SAMPLES = load("sample_conversations")
KOREAN, ENGLISH = SAMPLES["ko"]["visit"], SAMPLES["en"]["visit"]
NOTICE_MARK = "OPENAI_API_KEY"


def _pairs(text: str) -> set[str]:
    squashed = re.sub(r"\W+", "", text.lower())
    return {squashed[i : i + 2] for i in range(len(squashed) - 1)}


def keyword_search(query: str, k: int) -> list[Passage]:
    """The real essay passages, ranked by shared character pairs with the query."""
    q = _pairs(query)
    return sorted(PASSAGES.values(), key=lambda p: -len(_pairs(p.text) & q))[:k]


class Chat:
    """A session driven through GuidedCoach, keeping the history like the lead's Coach does."""

    def __init__(self, session_id: str = "test-session", search=keyword_search, state: SessionState | None = None) -> None:
        self.clock = NOW
        self.coach = GuidedCoach(search, clock=lambda: self.clock)
        self.state = state or SessionState(session_id=session_id)
        self.history: list[ChatMessage] = []
        self.turns: list[GuidedTurn] = []

    def say(self, message: str) -> GuidedTurn:
        turn = self.coach.reply(self.state, message, list(self.history))
        assert isinstance(turn.text, str) and turn.text.strip()
        self.history.append(ChatMessage(role="user", content=message, created_at=self.clock))
        self.history.append(ChatMessage(role="assistant", content=turn.text, created_at=self.clock))
        self.turns.append(turn)
        self.clock += timedelta(minutes=1)
        return turn

    def run(self, messages: list[str]) -> GuidedTurn:
        for message in messages:
            turn = self.say(message)
        return turn

    @property
    def pending(self) -> str | None:
        return self.state.guided.get("pending")


def quotes(text: str) -> list[tuple[str, str]]:
    """(excerpt, passage id) of every quoted block: consecutive '> ' lines ending in [id]."""
    found, block = [], []
    for line in text.splitlines():
        if line.startswith("> "):
            block.append(line[2:])
            m = re.search(r"\s\[([\w-]+)\]$", line)
            if m:
                excerpt = "\n".join(block)
                found.append((excerpt[: excerpt.rfind(" [")], m.group(1)))
                block = []
        else:
            block = []
    return found


def coach_questions(text: str) -> int:
    """Question marks the coach wrote: quotes, the card summary and the daily check left out."""
    lines = [l for l in text.splitlines() if not l.startswith(("> ", "- "))]
    lines = [re.sub(r"“[^”]*”", "", l) for l in lines]
    return sum(l.count("?") for l in lines if "(yes/no)" not in l and "(예/아니요)" not in l)


# -- the whole arc --------------------------------------------------------------------------


@pytest.mark.parametrize("language, script", [("ko", KOREAN), ("en", ENGLISH)])
def test_ten_turns_end_with_a_complete_running_card(language: str, script: list[str]) -> None:
    chat = Chat(f"arc-{language}")
    chat.run(script)
    assert len(script) == 10
    assert chat.state.language == language
    assert len(chat.state.experiments) == 1
    card = chat.state.experiments[0]
    assert card.complete, card.missing()
    assert card.status == "running"
    assert card.missing() == []
    assert card.confidence >= 7
    assert card.review_on == NOW.date() + timedelta(days=card.duration_days)
    assert card.strength in {s.name for s in chat.state.strengths if s.kind == "strength"}
    assert set(card.passages) <= {p.id for t in chat.turns for p in t.sources}
    assert chat.pending == "running"
    assert chat.state.stage == Stage.DESIGN
    # The arc went through the imitation check, strengths and design.
    assert {"imitation_playbook", "imitation_capped", "strengths_clue", "strengths_drain", "design_options"} <= set(
        chat.state.guided["asked"]
    )
    for turn in chat.turns:
        assert coach_questions(turn.text) <= 2, turn.text


def test_korean_card_keeps_the_users_words() -> None:
    chat = Chat("ko-card")
    chat.run(KOREAN)
    card = chat.state.experiments[0]
    assert card.duration_days == 14
    assert "장애 로그 하나를 끝까지 분석" in card.action
    assert card.hypothesis.startswith("원인 분석을 글로 쓰면")
    assert "댓글 수" in card.reward_signal
    assert card.smallest_version.startswith("바쁜 날에는")
    assert card.obstacle_plan.startswith("만약 장애 대응으로")
    assert card.confidence == 8
    assert "분석하기" in card.title and "오늘" in card.daily_check


def test_english_card_keeps_the_users_words() -> None:
    chat = Chat("en-card")
    chat.run(ENGLISH)
    card = chat.state.experiments[0]
    assert card.duration_days == 21
    assert card.action.startswith("I will read raw logs")
    assert card.hypothesis.startswith("If I chase the oddities")
    assert "replies" in card.reward_signal
    assert card.smallest_version.startswith("On a bad day")
    assert card.obstacle_plan.startswith("If a deadline eats my morning, then")
    assert card.daily_check == "Did I read raw logs for 20 minutes today? (yes/no)"
    assert card.title == "Read raw logs for 20 minutes"


def test_the_same_conversation_gives_the_same_replies() -> None:
    first, second = Chat("same"), Chat("same")
    first.run(ENGLISH)
    second.run(ENGLISH)
    assert [t.text for t in first.turns] == [t.text for t in second.turns]


# -- grounding ------------------------------------------------------------------------------


@pytest.mark.parametrize("script", [KOREAN, ENGLISH])
def test_quotes_are_verbatim_essay_text_and_listed_in_sources(script: list[str]) -> None:
    chat = Chat()
    chat.run(script)
    quoted = 0
    for turn in chat.turns:
        source_ids = [p.id for p in turn.sources]
        blocks = quotes(turn.text)
        assert sorted(pid for _, pid in blocks) == sorted(source_ids)
        for excerpt, pid in blocks:
            passage = PASSAGES[pid]
            pieces = [piece.strip() for piece in excerpt.split("…") if piece.strip()]
            assert pieces, excerpt
            for piece in pieces:
                assert piece in passage.text, (piece, pid)
            quoted += 1
    assert quoted >= 3  # imitation, strengths and design each cite the essay
    ids = [p.id for t in chat.turns for p in t.sources]
    assert len(ids) == len(set(ids)), "a passage is quoted once per session"


def test_a_failing_or_empty_search_does_not_stop_the_conversation() -> None:
    def broken(query: str, k: int) -> list[Passage]:
        raise RuntimeError("store is down")

    chat = Chat("broken", search=broken)
    chat.run(ENGLISH)
    card = chat.state.experiments[0]
    assert card.status == "running" and card.missing() == ["passages"]
    assert all(not t.sources for t in chat.turns)


# -- rules of conversation ------------------------------------------------------------------


def test_the_offline_notice_appears_exactly_once() -> None:
    chat = Chat("notice")
    chat.run(ENGLISH[:4])
    assert NOTICE_MARK in chat.turns[0].text and "OPENAI_BASE_URL" in chat.turns[0].text
    assert "COACH_MODEL" in chat.turns[0].text
    assert sum(NOTICE_MARK in t.text for t in chat.turns) == 1
    assert chat.state.offline_notice_shown


def test_no_notice_when_the_session_already_showed_it() -> None:
    state = SessionState(session_id="shown", offline_notice_shown=True)
    chat = Chat(state=state)
    assert NOTICE_MARK not in chat.say("Hello there").text


def test_language_follows_a_switch_mid_conversation() -> None:
    chat = Chat("switch")
    chat.run(ENGLISH[:3])
    assert chat.state.language == "en"
    turn = chat.say("사실 저는 원시 로그를 한 줄씩 읽는 걸 좋아해요. 팀원들은 지루해하지만요.")
    assert chat.state.language == "ko"
    assert re.search(r"[가-힣]{4}", turn.text.split("”")[-1])  # the coach's own words are Korean
    assert chat.state.strengths[-1].name == "저는 원시 로그를 한 줄씩 읽는 걸 좋아해요"  # filler "사실" dropped
    turn = chat.say("I learned SQL window functions unusually fast.")
    assert chat.state.language == "en"
    assert not re.search(r"[가-힣]", turn.text)
    # A bare number keeps the current language.
    assert detect_language("8", default="ko") == "ko"


def test_reflections_quote_the_users_words() -> None:
    chat = Chat("reflect")
    turn = chat.run(ENGLISH[:4])
    assert "“I enjoy reading raw event logs line by line”" in turn.text


def test_strengths_drains_and_overuse_are_captured_from_answers() -> None:
    chat = Chat("strengths")
    chat.run(ENGLISH[:6])
    kinds = {(s.kind, s.name) for s in chat.state.strengths}
    assert ("strength", "I enjoy reading raw event logs line by line") in kinds
    assert ("strength", "I learned SQL window functions unusually fast") in kinds
    assert ("drain", "Long status meetings drain me") in kinds
    assert ("overused", "I overuse the log reading") in kinds
    assert all(len(s.name) <= 60 and s.evidence for s in chat.state.strengths)
    assert chat.state.stage == Stage.DESIGN


def test_dont_know_gets_a_different_clue_question() -> None:
    chat = Chat("dont-know")
    asked = chat.run(KOREAN[:3])
    assert chat.pending == "strengths_clue"
    again = chat.say("모르겠어요")
    assert chat.pending == "strengths_clue"
    clues = list(load("guided.ko")["clues"].values())
    first = next(c for c in clues if c in asked.text)
    second = next(c for c in clues if c in again.text)
    assert first != second
    third = chat.say("글쎄요, 잘 모르겠어요")
    assert next(c for c in clues if c in third.text) not in (first, second)
    assert not chat.state.strengths  # nothing was captured from "I don't know"


def test_off_topic_is_steered_back_to_the_same_question() -> None:
    chat = Chat("steer")
    chat.run(ENGLISH[:2])
    before = chat.pending
    turn = chat.say("What's the weather like today?")
    assert chat.pending == before
    assert "Where does it feel capped?" in turn.text
    turn = chat.say("Are you a therapist?")
    assert "not a therapist or a doctor" in turn.text and chat.pending == before


def test_a_first_message_that_wants_an_experiment_jumps_to_design() -> None:
    chat = Chat("jump")
    chat.say("실험을 설계하고 싶어요")
    assert chat.state.stage == Stage.DESIGN and chat.pending == "design_strength"
    turn = chat.say("동료들이 데이터 정리를 부탁하러 저를 찾아와요.")
    assert chat.pending == "design_options"
    assert chat.state.strengths[0].name == "동료들이 데이터 정리를 부탁하러 저를 찾아와요"
    assert turn.sources


def test_a_greeting_first_gets_the_opening_question() -> None:
    chat = Chat("greeting")
    turn = chat.say("hi")
    assert chat.pending == "open" and chat.state.stage == Stage.OPEN
    assert "What brings you here" in turn.text
    chat.say("I want to stop feeling like a copy of my mentor.")
    assert chat.pending == "imitation_playbook" and chat.state.stage == Stage.IMITATION


def test_the_user_can_jump_to_design_mid_conversation() -> None:
    chat = Chat("jump-later")
    chat.run(ENGLISH[:4])
    chat.say("Let's design an experiment now.")
    assert chat.state.stage == Stage.DESIGN and chat.pending == "design_options"
    assert chat.state.experiments and chat.state.experiments[0].status == "proposed"


def test_an_advice_request_gets_the_essay_and_the_same_question() -> None:
    chat = Chat("advice")
    chat.run(ENGLISH[:1])
    before = chat.pending
    turn = chat.say("What should I do?")
    assert chat.pending == before and turn.sources
    assert "don't give advice of my own" in turn.text


def test_a_plan_that_copies_someone_again_is_challenged_once() -> None:
    chat = Chat("challenge")
    chat.run(ENGLISH[:6])
    turn = chat.say("I will copy my manager's dashboard template for 2 weeks.")
    assert "someone else's recipe" in turn.text and chat.pending == "design_pick"
    assert not chat.state.experiments[0].action
    chat.say("I will write one oddity note from the raw logs each morning, for 2 weeks.")
    assert chat.state.experiments[0].duration_days == 14
    assert chat.pending == "card_hypothesis_reward"


def test_asking_for_the_coachs_idea_adds_exactly_one_option() -> None:
    chat = Chat("idea")
    chat.run(ENGLISH[:6])
    turn = chat.say("I could post a weekly oddity note, or run a log walkthrough. What would you add?")
    assert "“post a weekly oddity note”" in turn.text and "One option from me" in turn.text
    assert chat.pending == "design_pick"
    chat.say("Yours, let's do that.")
    card = chat.state.experiments[0]
    assert card.duration_days == 7 and card.action.startswith("I will spend 20 minutes a day")
    assert card.daily_check.endswith("(yes/no)") and card.title
    chat.run(ENGLISH[7:])
    assert card.complete and card.status == "running"


# -- the card's numbers ----------------------------------------------------------------------


def test_low_confidence_shrinks_the_experiment_then_completes() -> None:
    chat = Chat("shrink")
    chat.run(ENGLISH[:9])
    card = chat.state.experiments[0]
    turn = chat.say("5")
    assert chat.pending == "card_shrink" and card.status == "proposed"
    assert "reach 7" in turn.text
    turn = chat.say("Make it one week, ten minutes a day.")
    assert chat.pending == "card_confidence"
    assert card.duration_days == 7 and card.review_on == NOW.date() + timedelta(days=7)
    assert "ten minutes a day" in card.action
    chat.say("8")
    assert card.confidence == 8 and card.complete and card.status == "running"


def test_a_confidence_that_is_not_a_number_is_asked_again() -> None:
    chat = Chat("not-a-number")
    chat.run(KOREAN[:9])
    turn = chat.say("꽤 자신 있어요")
    assert chat.pending == "card_confidence"
    assert "0" in turn.text and "10" in turn.text
    turn = chat.say("모르겠어요")
    assert chat.pending == "card_confidence" and "숫자로" in turn.text
    chat.say("칠")
    assert chat.state.experiments[0].confidence == 7
    assert chat.state.experiments[0].status == "running"


def test_a_missing_duration_is_asked_for() -> None:
    chat = Chat("duration")
    chat.run(ENGLISH[:6])
    chat.say("I will write one oddity note from the raw logs each morning.")
    assert chat.pending == "card_duration"
    chat.say("ten days")
    card = chat.state.experiments[0]
    assert card.duration_days == 10 and card.action.endswith("for 10 days")
    assert chat.pending == "card_hypothesis_reward"


def test_a_feeling_of_effort_is_not_a_reward_signal() -> None:
    chat = Chat("effort")
    chat.run(ENGLISH[:7])
    turn = chat.say("I expect to understand our data better. The signal: I'll feel more productive.")
    assert chat.pending == "card_reward_signal" and "feeling of effort" in turn.text
    assert not chat.state.experiments[0].reward_signal
    chat.say("The number of teammates who reply to my notes.")
    assert chat.state.experiments[0].reward_signal.startswith("The number of teammates")


# -- coming back ------------------------------------------------------------------------------


def test_a_return_visit_reviews_the_card_and_proposes_the_next_experiment() -> None:
    chat = Chat("review")
    chat.run(ENGLISH)
    card = chat.state.experiments[0]
    turn = chat.say("I'm back, here's how it went")
    assert chat.state.stage == Stage.REVIEW and chat.pending == "review_outcome"
    assert card.title in turn.text
    chat.say("I read logs on 16 of 21 mornings and posted three notes. Two teammates replied and one note found a real bug.")
    assert chat.pending == "review_reward"
    chat.say("+1")
    chat.say("The notes got real replies. But mornings with standups were hard to protect.")
    turn = chat.say("Keep the notes, move the reading to after lunch.")
    assert card.status == "reviewed" and card.review is not None
    assert card.review.reward == 1
    assert card.review.plus.startswith("The notes got real replies")
    assert "standups" in card.review.minus
    assert card.review.next.startswith("Keep the notes")
    assert card.review.date == NOW.date()
    # Reward > 0: exploit the strength that paid off, in a new proposed card.
    nxt = chat.state.experiments[-1]
    assert nxt is not card and nxt.status == "proposed" and nxt.strength == card.strength
    assert chat.state.stage == Stage.DESIGN and chat.pending == "design_pick"
    assert "paid off" in turn.text
    chat.say("Yes, let's do that.")
    chat.run(ENGLISH[7:])
    assert nxt.complete and nxt.status == "running"


def test_no_reward_explores_an_untested_strength() -> None:
    chat = Chat("explore")
    chat.run(KOREAN)
    card = chat.state.experiments[0]
    chat.run(["해봤어요. 결과를 말씀드릴게요.", "일주일 만에 흐지부지됐어요. 노트는 한 편만 썼고 반응이 없었어요.", "마이너스 1",
              "아침 시간을 지킨 건 좋았어요. 하지만 노트 공유는 계속 미뤘어요.", "바꿔서 다시 해 볼게요."])
    assert card.status == "reviewed" and card.review.reward == -1
    nxt = chat.state.experiments[-1]
    assert nxt.strength == "SQL이랑 쿼리 튜닝을 유난히 빨리 배웠어요"  # the strength not tested yet
    assert chat.state.language == "ko"


def test_a_long_absence_starts_the_review_whatever_is_said() -> None:
    chat = Chat("absence")
    chat.run(ENGLISH)
    chat.clock += timedelta(days=3)
    chat.say("hello")
    assert chat.state.stage == Stage.REVIEW and chat.pending == "review_outcome"


def test_coming_back_without_an_experiment_starts_from_what_was_tried() -> None:
    chat = Chat("nothing-to-review")
    turn = chat.say("I'm back, here's how it went")
    assert chat.state.stage == Stage.STRENGTHS
    assert "What have you already tried your own way" in turn.text


def test_a_message_while_the_experiment_runs_points_to_the_daily_check() -> None:
    chat = Chat("running")
    chat.run(ENGLISH)
    turn = chat.say("Thanks, talk soon")
    assert chat.state.experiments[0].daily_check in turn.text
    assert chat.state.experiments[0].status == "running"


# -- persistence ------------------------------------------------------------------------------


def test_state_survives_a_json_round_trip_mid_conversation() -> None:
    first = Chat("persist")
    first.run(KOREAN[:6])
    saved = first.state.model_dump_json()
    resumed = Chat(state=SessionState.model_validate_json(saved))
    resumed.history = list(first.history)
    resumed.run(KOREAN[6:])
    card = resumed.state.experiments[0]
    assert card.complete and card.status == "running"
    # The mid-design state (card proposed, pending field) also round-trips.
    middle = Chat("persist-2")
    middle.run(ENGLISH[:8])
    again = Chat(state=SessionState.model_validate_json(middle.state.model_dump_json()))
    again.run(ENGLISH[8:])
    assert again.state.experiments[0].complete


# -- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, days",
    [
        ("2주", 14), ("14일", 14), ("a week", 7), ("for 10 days", 10), ("3 weeks", 21), ("일주일", 7),
        ("2주 동안 매일 아침 30분씩", 14), ("3 times a week for 2 weeks", 14), ("20 minutes a day for a month", 30),
        ("일주일에 세 번, 4주 동안", 28), ("열흘", 10), ("한 달", 30), ("two weeks", 14), ("모두 주말에 쉬어요", None),
        ("every morning and note patterns", None), ("30분씩", None),
    ],
)
def test_parse_duration(text: str, days: int | None) -> None:
    assert parse_duration(text) == days


@pytest.mark.parametrize(
    "text, score",
    [("8", 8), ("8/10", 8), ("7점", 7), ("칠", 7), ("칠점이요", 7), ("여덟 정도요", 8), ("seven", 7),
     ("I'd say 6 out of 10", 6), ("pretty sure", None), ("꽤 자신 있어요", None), ("11", None)],
)
def test_parse_score(text: str, score: int | None) -> None:
    assert parse_score(text) == score


@pytest.mark.parametrize("text, reward", [("+1", 1), ("-2", -2), ("마이너스 1", -1), ("minus 1", -1), ("2", 2), ("0", 0), ("8/10", 1), ("so-so", None)])
def test_parse_reward(text: str, reward: int | None) -> None:
    assert parse_reward(text) == reward


@pytest.mark.parametrize(
    "text, default, expected",
    [
        ("안녕하세요, 요즘 고민이 있어요", "en", "ko"),
        ("I keep copying my manager", "ko", "en"),
        ("PyTorch 코드 리뷰가 제일 재밌어요", "en", "ko"),
        ("ok", "ko", "ko"),
        ("8/10", "en", "en"),
        ("네", "en", "en"),
        ("", "ko", "ko"),
    ],
)
def test_detect_language(text: str, default: str, expected: str) -> None:
    assert detect_language(text, default=default) == expected


def test_both_languages_have_the_same_words() -> None:
    def keys(table: dict, prefix: str = "") -> set[str]:
        out = set()
        for key, value in table.items():
            if key == "parse" and not prefix:
                continue
            out.add(prefix + key)
            if isinstance(value, dict):
                out |= keys(value, f"{prefix}{key}.")
        return out

    ko, en = load("guided.ko"), load("guided.en")
    assert keys(ko) == keys(en)
    for name in en["ask"]:
        assert len(ko["ask"][name]) == len(en["ask"][name]), name
