"""A running card as a calendar file (RFC 5545, written by the `icalendar` library): the review as an
event with an alarm, and the daily check as a reminder repeating for the card's duration. Its words
are in the card's language (bot/text/reminders.toml)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import now
from .person_models import NotebookCard
from .words import load

PRODID = "-//On-Policy Coach//coach remind//EN"
REVIEW_AT = dt.time(9, 0)  # local ("floating") times: the person's own morning and evening
CHECK_AT = dt.time(20, 0)
DEFAULT_DAYS = 7


def card_language(entry: NotebookCard, default: str = "en") -> str:
    """The language the card was written in (by its words; `default` when they are too few to tell)."""
    from .language import detect_language

    card = entry.card
    return detect_language(" ".join((card.title, card.action, card.daily_check, card.hypothesis)),
                           default="ko" if default == "ko" else "en")


def card_calendar(entry: NotebookCard, today: dt.date | None = None, language: str | None = None) -> bytes:
    """The card's .ics: a VEVENT for the review (with a VALARM) and a daily VEVENT (RRULE, COUNT = days).
    `language` ("en" or "ko") defaults to the card's own."""
    from icalendar import Calendar

    table = load("reminders")
    words = table.get(language or card_language(entry), table["en"])
    card = entry.card
    start = entry.started_on or today or now().date()
    days = card.duration_days or DEFAULT_DAYS
    review_on = card.review_on or start + dt.timedelta(days=days)
    stamp = now().replace(microsecond=0)
    title = card.title or words["untitled"]

    def say(key: str, **values: Any) -> str:
        return words[key].format(title=title, id=card.id, **values)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(_event(
        uid=f"{card.id}-review@on-policy-coach", stamp=stamp,
        summary=say("review_summary"),
        start=dt.datetime.combine(review_on, REVIEW_AT), minutes=30,
        description=(
            say("review_question_signal", signal=card.reward_signal) if card.reward_signal else say("review_question"),
            say("review_hypothesis", hypothesis=card.hypothesis) if card.hypothesis else "",
            say("review_how"),
        ),
        alarm=say("review_alarm"), trigger=dt.timedelta(minutes=-15),
    ))
    check = card.daily_check or say("check_summary", check=title)
    calendar.add_component(_event(
        uid=f"{card.id}-daily@on-policy-coach", stamp=stamp,
        summary=say("check_summary", check=card.daily_check or title),
        start=dt.datetime.combine(start, CHECK_AT), minutes=5, rrule={"freq": "daily", "count": days},
        description=(
            card.daily_check,
            say("check_smallest", smallest=card.smallest_version) if card.smallest_version else "",
            say("check_how"),
        ),
        alarm=check, trigger=dt.timedelta(0),
    ))
    return calendar.to_ical()


def _event(*, uid: str, stamp: dt.datetime, summary: str, start: dt.datetime, minutes: int, description: tuple[str, ...],
           alarm: str, trigger: dt.timedelta, rrule: dict[str, Any] | None = None):
    """One VEVENT with its display alarm."""
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("duration", dt.timedelta(minutes=minutes))
    if rrule:
        event.add("rrule", rrule)
    event.add("description", "\n".join(p for p in description if p))
    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", alarm)
    reminder.add("trigger", trigger)
    event.add_component(reminder)
    return event
