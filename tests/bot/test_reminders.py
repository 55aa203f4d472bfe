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
