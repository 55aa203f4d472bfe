"""The person's tabs as HTML: the chart's marks, colours shared with the table, and escaping."""

from __future__ import annotations

import datetime as dt

from bot.policy import Point, Proposal, StrengthStats
from ui import notebook_views as nv
from ui.policy_chart import chart_svg

DAY = dt.date(2026, 11, 1)


def test_one_mark_per_reviewed_experiment_and_running_ones_pending():
    points = [Point(DAY, 2, "logs", "a", "c1", "reviewed"), Point(DAY + dt.timedelta(days=9), -1, "slides", "b", "c2", "reviewed"),
              Point(DAY + dt.timedelta(days=20), None, "logs", "c", "c3", "running")]
    svg = chart_svg(points, strengths=["slides", "logs"])
    assert svg.count('class="coach-mark coach-mark-reviewed"') == 2 and svg.count("coach-mark-pending") == 1
    assert "2026-11-01" in svg and "2026-11-21" in svg
    # "slides" is the first strength of the table: it gets the first colour in the chart too.
    assert 'fill="#2563eb"><title>b · slides' in svg


def test_a_persons_words_are_escaped_in_the_chart_and_table():
    evil = '<img src=x onerror=alert(1)>'
    svg = chart_svg([Point(DAY, 1, evil, evil, "c1", "reviewed")])
    assert "<img" not in svg and "&lt;img" in svg
    html = nv.policy_html([StrengthStats(evil, rewards=[1])], Proposal(evil, "exploit", f"exploit — '{evil}'", 0.5))
    assert "<img" not in html and "&lt;img" in html


def test_nothing_reviewed_says_so():
    assert "No reviewed experiments yet" in nv.chart_html([])
