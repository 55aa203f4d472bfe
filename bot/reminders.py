"""A running card as a calendar file (RFC 5545, written by the `icalendar` library): the review as an
event with an alarm, and the daily check as a reminder repeating for the card's duration."""

from __future__ import annotations

import datetime as dt

from .models import now
from .person_models import NotebookCard

PRODID = "-//On-Policy Coach//coach remind//EN"
REVIEW_AT = dt.time(9, 0)  # local ("floating") times: the person's own morning and evening
CHECK_AT = dt.time(20, 0)
DEFAULT_DAYS = 7


def card_calendar(entry: NotebookCard, today: dt.date | None = None) -> bytes:
    """The card's .ics: a VEVENT for the review (with a VALARM) and a daily VEVENT (RRULE, COUNT = days)."""
    from icalendar import Alarm, Calendar, Event

    card = entry.card
    today = today or now().date()
    start = entry.started_on or today
    days = card.duration_days or DEFAULT_DAYS
    review_on = card.review_on or start + dt.timedelta(days=days)
    stamp = now().replace(microsecond=0)
    title = card.title or "experiment"

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")

    review = Event()
    review.add("uid", f"{card.id}-review@on-policy-coach")
    review.add("dtstamp", stamp)
    review.add("summary", f"Review: {title}")
    review.add("dtstart", dt.datetime.combine(review_on, REVIEW_AT))
    review.add("duration", dt.timedelta(minutes=30))
    review.add("description", _lines(
        f"How did '{title}' go? What did the world answer ({card.reward_signal})?" if card.reward_signal else f"How did '{title}' go?",
        f"Hypothesis: {card.hypothesis}" if card.hypothesis else "",
        "Tell the coach: coach chat",
    ))
    review.add_component(_alarm(Alarm, f"Review '{title}' today", dt.timedelta(minutes=-15)))
    calendar.add_component(review)

    check = Event()
    check.add("uid", f"{card.id}-daily@on-policy-coach")
    check.add("dtstamp", stamp)
    check.add("summary", f"Daily check: {card.daily_check or title}")
    check.add("dtstart", dt.datetime.combine(start, CHECK_AT))
    check.add("duration", dt.timedelta(minutes=5))
    check.add("rrule", {"freq": "daily", "count": days})
    check.add("description", _lines(
        card.daily_check,
        f"On a bad day: {card.smallest_version}" if card.smallest_version else "",
        f"Tick it: coach check {card.id}  (or --no, --skip)",
    ))
    check.add_component(_alarm(Alarm, card.daily_check or f"Daily check: {title}", dt.timedelta(0)))
    calendar.add_component(check)
    return calendar.to_ical()


def _alarm(alarm_class, text: str, trigger: dt.timedelta):
    alarm = alarm_class()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
