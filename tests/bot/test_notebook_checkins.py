"""Daily check-ins: streak and adherence from ticks; ticks said in chat, in two languages, and not
mistaken for other messages."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.checkins import CardNotFound, find_card, progress, said_tick
from bot.models import ExperimentCard
from bot.people import LOCAL
from bot.person_models import NotebookCard, Tick

TODAY = dt.date(2026, 12, 10)


def ticks(*values: str, end: dt.date = TODAY) -> list[Tick]:
    days = [end - dt.timedelta(days=len(values) - 1 - i) for i in range(len(values))]
    return [Tick(card_id="c", day=d, value=v) for d, v in zip(days, values) if v != "-"]


def test_streak_counts_done_days_up_to_today_and_skips_do_not_break_it():
    assert progress(ticks("yes", "yes", "yes"), TODAY).streak == 3
    assert progress(ticks("yes", "no", "yes", "yes"), TODAY).streak == 2
    assert progress(ticks("yes", "skip", "yes"), TODAY).streak == 2
    assert progress(ticks("yes", "yes", end=TODAY - dt.timedelta(days=1)), TODAY).streak == 2  # today not ticked yet
    assert progress(ticks("yes", "-", "yes"), TODAY).streak == 1  # a day without a tick ends it
    assert progress(ticks("yes", "yes", "no"), TODAY).streak == 0


def test_adherence_is_done_over_done_and_missed():
    p = progress(ticks("yes", "no", "skip", "yes", "yes"), TODAY)
    assert (p.yes, p.no, p.skipped, p.adherence) == (3, 1, 1, 0.75)
    assert progress([], TODAY).adherence is None


@pytest.mark.parametrize(
    "message, value, yesterday",
    [
        ("did it today", "yes", False),
        ("Done today!", "yes", False),
        ("done", "yes", False),
        ("I did it yesterday too", "yes", True),
        ("read the logs today, done", "yes", False),
        ("오늘 했어요", "yes", False),
        ("오늘도 완료!", "yes", False),
        ("어제 했어요", "yes", True),
        ("I didn't do it today", "no", False),
        ("couldn't manage it today, sorry", "no", False),
        ("오늘은 못 했어요", "no", False),
        ("오늘 깜빡했어요", "no", False),
        ("taking a day off today", "skip", False),
        ("오늘은 쉬는 날이에요", "skip", False),
    ],
)
def test_ticks_said_in_chat(message, value, yesterday):
    said = said_tick(message)
    assert said is not None and (said.value, said.yesterday) == (value, yesterday)


@pytest.mark.parametrize(
    "message",
    [
        "I did it for a week and found two bugs: can we review how it went?",  # a review, not a tick
        "선배가 하는 방식을 그대로 따라 했어요",  # 'did' about something else, no day named
        "일주일 동안 했어요, 결과를 말해 볼게요",
        "What should I do next?",
        "I did the dishes today",
        "I did the dishes and then read for an hour before I went to bed, which I do most nights anyway",
    ],
)
def test_other_messages_are_not_ticks(message):
    assert said_tick(message) is None


def test_a_card_named_in_the_message_counts_as_its_day():
    assert said_tick("raw logs: did it", ["Raw logs every morning"]) is not None


def test_find_card_by_id_prefix_and_title_words():
    cards = [NotebookCard(card=ExperimentCard(id=i, title=t, status=s))
             for i, t, s in (("ab12cd34", "Raw logs every morning", "running"), ("ab99ff00", "Raw logs at lunch", "reviewed"),
                             ("77aa0000", "Script one chore", "running"))]
    assert find_card(cards, "ab12cd34").id == "ab12cd34"
    assert find_card(cards, "77").id == "77aa0000"
    assert find_card(cards, "raw logs").id == "ab12cd34"  # the running one
    assert find_card(cards, "lunch").id == "ab99ff00"
    with pytest.raises(CardNotFound, match="could be several"):
        find_card(cards, "ab")
    with pytest.raises(CardNotFound, match="No card"):
        find_card(cards, "gardening")


def running_card(coach, title="Raw logs every morning", **fields) -> ExperimentCard:
    card = ExperimentCard(title=title, strength="reading raw logs", status="running", duration_days=7,
                          daily_check="Did I read logs?", smallest_version="ten lines", **fields)
    coach.notebook_store.put_card(LOCAL.key, card, started_on=dt.date.today())
    return card


def test_a_tick_in_chat_is_recorded_and_answered_before_coaching(make_coach):
    coach = make_coach()
    card = running_card(coach)
    first = coach.ask("Hi, I'm back")
    reply = coach.ask("did it today", first.session_id)
    assert reply.text.startswith("Ticked ✓ 'Raw logs every morning'") and "Streak: 1 day(s)" in reply.text
    assert coach.card(card.id).progress.yes == 1
    reply = coach.ask("어제는 못 했어요", first.session_id)
    assert reply.text.startswith("기록했어요 ✗ 'Raw logs every morning'") and "ten lines" in reply.text
    entry = coach.card(card.id)
    assert (entry.progress.yes, entry.progress.no) == (1, 1)
    assert [m.content for m in coach.history(first.session_id)][2] == "did it today"  # journalled like any turn


def test_with_two_running_cards_the_chat_asks_which_unless_one_is_named(make_coach):
    coach = make_coach()
    logs = running_card(coach)
    running_card(coach, title="Script one chore")
    reply = coach.ask("did it today")
    assert "more than one experiment running" in reply.text
    assert coach.card(logs.id).progress.yes == 0
    reply = coach.ask("did the raw logs today", reply.session_id)
    assert reply.text.startswith("Ticked ✓ 'Raw logs every morning'")


def test_without_a_running_card_did_it_today_is_coaching(make_coach):
    reply = make_coach().ask("did it today")
    assert not reply.text.startswith("Ticked")
