"""A running card as an .ics file, parsed back by the icalendar library."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from bot.models import ExperimentCard
from bot.person_models import NotebookCard
from bot.reminders import card_calendar


def calendar_for(**fields) -> Calendar:
    card = ExperimentCard(
        id="ab12cd34", title="Raw logs, every morning; no excuses", strength="reading raw logs", status="running",
        duration_days=7, daily_check="Did I read logs this morning?", review_on=dt.date(2026, 12, 9),
        smallest_version="ten lines", reward_signal="bugs the team confirms", **fields,
    )
    return Calendar.from_ical(card_calendar(NotebookCard(card=card, started_on=dt.date(2026, 12, 2))))


def test_the_review_is_an_event_with_an_alarm_on_the_review_date():
    review, daily = calendar_for().walk("VEVENT")
    assert review["UID"] == "ab12cd34-review@on-policy-coach"
    assert review.decoded("DTSTART") == dt.datetime(2026, 12, 9, 9, 0)
    assert "DTSTAMP" in review
    assert str(review["SUMMARY"]) == "Review: Raw logs, every morning; no excuses"  # commas and ; escaped and back
    [alarm] = review.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == dt.timedelta(minutes=-15)


def test_the_daily_check_repeats_for_the_cards_duration():
    _, daily = calendar_for().walk("VEVENT")
    assert daily["UID"] == "ab12cd34-daily@on-policy-coach"
    assert daily.decoded("DTSTART") == dt.datetime(2026, 12, 2, 20, 0)
    rule = daily["RRULE"]
    assert rule["FREQ"] == ["DAILY"] and rule["COUNT"] == [7]
    assert "coach check ab12cd34" in str(daily["DESCRIPTION"])
    assert daily.walk("VALARM")


def test_the_file_is_folded_and_uses_crlf():
    card = ExperimentCard(title="x" * 200, status="running", duration_days=3, daily_check="y" * 300)
    data = card_calendar(NotebookCard(card=card), today=dt.date(2026, 12, 1))
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    event = Calendar.from_ical(data).walk("VEVENT")[1]
    assert str(event["SUMMARY"]) == "Daily check: " + "y" * 300
    assert event.decoded("DTSTART").date() == dt.date(2026, 12, 1)  # not started yet: from today


def test_a_korean_card_gets_a_korean_calendar():
    card = ExperimentCard(id="kk12cd34", title="매일 아침 로그 읽기", status="running", duration_days=5,
                          daily_check="오늘 아침에 로그를 읽었나요?", review_on=dt.date(2026, 12, 9), smallest_version="로그 열 줄",
                          reward_signal="팀이 확인한 버그")
    review, daily = Calendar.from_ical(card_calendar(NotebookCard(card=card, started_on=dt.date(2026, 12, 4)))).walk("VEVENT")
    assert str(review["SUMMARY"]) == "리뷰: 매일 아침 로그 읽기"
    assert "어떻게 됐나요?" in str(review["DESCRIPTION"]) and "팀이 확인한 버그" in str(review["DESCRIPTION"])
    assert str(review.walk("VALARM")[0]["DESCRIPTION"]) == "오늘 '매일 아침 로그 읽기' 리뷰하기"
    assert str(daily["SUMMARY"]) == "오늘의 체크: 오늘 아침에 로그를 읽었나요?"
    assert "힘든 날에는: 로그 열 줄" in str(daily["DESCRIPTION"]) and "coach check kk12cd34" in str(daily["DESCRIPTION"])
    english = Calendar.from_ical(card_calendar(NotebookCard(card=card), dt.date(2026, 12, 4), language="en")).walk("VEVENT")[0]
    assert str(english["SUMMARY"]) == "Review: 매일 아침 로그 읽기"  # asked for in English: English around their words


def test_coach_remind_follows_the_conversations_language(make_coach):
    coach = make_coach()
    session = coach.ask("안녕하세요, 저는 로그 읽는 걸 좋아해요").session_id
    card = ExperimentCard(title="5k", status="running", duration_days=3)  # too few words to tell
    coach.notebook_store.put_card("local", card, session)
    review = Calendar.from_ical(coach.remind(card.id)).walk("VEVENT")[0]
    assert str(review["SUMMARY"]) == "리뷰: 5k"
