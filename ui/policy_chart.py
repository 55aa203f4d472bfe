"""The policy as a picture: rewards over time, one mark per reviewed experiment, coloured by strength,
running ones as hollow "pending" marks. An inline SVG made here, so it renders offline in any browser
and needs no plotting library or data frame."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.policy import Point

COLOURS = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"]
WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 28


def colour_of(strengths: Sequence[str]) -> dict[str, str]:
    return {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(dict.fromkeys(strengths))}


def chart_svg(points: Sequence[Point], empty: str = "No reviewed experiments yet.", pending: str = "pending",
              strengths: Sequence[str] = ()) -> str:
    """The chart as an <svg> (with a legend below it); `empty` is shown when there is nothing to draw.
    `strengths` fixes the colours' order (the policy table's), so a strength has one colour everywhere."""
    if not points:
        return f'<div class="coach-empty coach-chart-empty">{escape(empty)}</div>'
    colours = {n: c for n, c in colour_of([*strengths, *(p.strength for p in points)]).items()
               if any(p.strength == n for p in points)}
    first, last = min(p.day for p in points), max(p.day for p in points)
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return LEFT + plot_w * ((day - first).days / span if last > first else 0.5)

    def y(reward: float) -> float:
        return TOP + plot_h * (2 - reward) / 4

    parts = [
        f'<svg class="coach-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="rewards over time">'
    ]
    for reward in (-2, -1, 0, 1, 2):
        stroke = "#9ca3af" if reward == 0 else "#e5e7eb"
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(reward):.1f}" y2="{y(reward):.1f}" stroke="{stroke}" />')
        parts.append(f'<text x="{LEFT - 6}" y="{y(reward) + 4:.1f}" font-size="11" text-anchor="end" fill="#6b7280">{reward:+d}</text>')
    for day, anchor in ((first, "start"), (last, "end")) if last > first else ((first, "middle"),):
        parts.append(f'<text x="{x(day):.1f}" y="{HEIGHT - 8}" font-size="11" text-anchor="{anchor}" fill="#6b7280">{day.isoformat()}</text>')
    # Each strength's reviewed rewards joined in time, so a trend reads at a glance.
    for name, colour in colours.items():
        marks = [p for p in points if p.strength == name and p.reward is not None]
        if len(marks) > 1:
            path = " ".join(f"{x(p.day):.1f},{y(p.reward):.1f}" for p in marks)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-opacity="0.45" stroke-width="1.5" />')
    for p in points:
        colour = colours[p.strength]
        label = escape(f"{p.title} · {p.strength} · " + (f"{p.reward:+d} on {p.day}" if p.reward is not None else f"{pending}, review {p.day}"))
        if p.reward is None:
            parts.append(
                f'<circle class="coach-mark coach-mark-pending" data-card="{escape(p.card_id)}" cx="{x(p.day):.1f}" cy="{y(0):.1f}" r="6" '
                f'fill="white" stroke="{colour}" stroke-width="2" stroke-dasharray="3 2"><title>{label}</title></circle>'
            )
        else:
            parts.append(
                f'<circle class="coach-mark coach-mark-reviewed" data-card="{escape(p.card_id)}" cx="{x(p.day):.1f}" cy="{y(p.reward):.1f}" r="5.5" '
                f'fill="{colour}"><title>{label}</title></circle>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<span class="coach-legend-item"><span class="coach-swatch" style="background:{c}"></span>{escape(n)}</span>'
        for n, c in colours.items()
    )
    legend += f'<span class="coach-legend-item"><span class="coach-swatch coach-swatch-pending"></span>{escape(pending)}</span>'
    return f'<div class="coach-chart-box">{"".join(parts)}<div class="coach-legend">{legend}</div></div>'
