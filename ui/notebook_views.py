"""The person's tabs as HTML strings: the policy table and next proposal, running cards' progress,
and the choices of the notebook and conversation pickers. Pure functions; everything escaped."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from bot.checkins import percent

from .policy_chart import chart_svg, colour_of

if TYPE_CHECKING:
    from bot.person_coach import ConversationSummary
    from bot.person_models import Notebook, NotebookCard
    from bot.policy import Point, Proposal, StrengthStats


def words() -> dict[str, Any]:
    from bot.words import load

    return load("notebook", package="ui")


def chart_html(points: list[Point], strengths: list[str] = ()) -> str:
    w = words()["chart"]
    svg = chart_svg(points, w["empty"], w["pending"], strengths)
    return f'<div class="coach-chart-wrap"><h4>{escape(w["title"])}</h4>{svg}</div>'


def policy_html(stats: list[StrengthStats], proposal: Proposal | None) -> str:
    w = words()["policy"]
    if not stats:
        return f'<div class="coach-empty">{escape(w["empty"])}</div>'
    colours = colour_of([s.name for s in stats])
    head = "".join(f"<th>{escape(w[k])}</th>" for k in ("strength", "experiments", "mean", "spread", "adherence", "last"))
    rows = "".join(
        "<tr>"
        f'<td><span class="coach-swatch" style="background:{colours[s.name]}"></span>{escape(s.name)}</td>'
        f"<td>{s.experiments}" + (f" (+{s.running} running)" if s.running else "") + "</td>"
        f"<td>{'–' if s.mean is None else f'{s.mean:+.1f}'}</td><td>±{s.spread:.1f}</td>"
        f"<td>{percent(s.adherence)}</td><td>{escape(str(s.last_tried or w['never']))}</td>"
        "</tr>"
        for s in stats
    )
    table = f'<table class="coach-policy"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    if proposal is not None:
        table += (
            f'<p class="coach-proposal coach-proposal-{proposal.kind}"><b>{escape(w["next"])}:</b> '
            f"{escape(proposal.reason)}</p>"
        )
    return f'<div class="coach-policy-box"><h4>{escape(w["title"])}</h4>{table}</div>'


def running_line(entry: NotebookCard, today) -> str:
    w = words()["checkins"]
    p, card = entry.progress, entry.card
    due = f' <span class="coach-due">{escape(w["due"])}</span>' if entry.due(today) else ""
    text = w["progress"].format(streak=p.streak, adherence=percent(p.adherence), review_on=card.review_on or "–")
    return f'<div class="coach-running"><b>{escape(card.title or card.id)}</b>{due}<br><small>{escape(text)}</small></div>'


def item_choices(notebook: Notebook) -> list[tuple[str, str]]:
    """The notebook's items for the edit picker: ('Strength · name', 's:ID'), ('Experiment · title · status', 'c:ID')."""
    w = words()["items"]
    choices = [(f"{w['strength_prefix']} · {s.name}" + ("" if s.kind == "strength" else f" ({s.kind})"), f"s:{s.id}")
               for s in notebook.strengths]
    choices += [(f"{w['card_prefix']} · {c.card.title or c.id} · {c.card.status}", f"c:{c.id}") for c in notebook.cards]
    return choices


def notebook_html(notebook: Notebook) -> str:
    """Everything remembered, as a list: strengths with the words that showed them, cards with their status."""
    items = []
    for s in notebook.strengths:
        said = [e for e in s.evidence if e.words]
        quote = f' <small>— “{escape(said[-1].words)}” ({said[-1].at:%Y-%m-%d})</small>' if said else ""
        items.append(f'<li class="coach-nb-strength" data-id="{escape(s.id)}">{escape(s.name)}{quote}</li>')
    for c in notebook.cards:
        reward = f" · reward {c.card.review.reward:+d}" if c.card.review else ""
        items.append(f'<li class="coach-nb-card" data-id="{escape(c.id)}">{escape(c.card.title or c.id)} · '
                     f"{escape(c.card.status)}{reward}</li>")
    return f'<ul class="coach-notebook">{"".join(items)}</ul>' if items else ""


def conversation_choices(rows: list[ConversationSummary]) -> list[tuple[str, str]]:
    untitled = words()["conversations"]["untitled"]
    return [
        (f"{r.title or (r.first_message[:40].replace(chr(10), ' ') or untitled)} · {r.updated_at:%Y-%m-%d %H:%M} · {r.messages}", r.id)
        for r in rows
    ]


CSS = """
.coach-chart-box svg { max-width: 100%; height: auto; background: var(--block-background-fill); }
.coach-legend { display: flex; flex-wrap: wrap; gap: .6em; font-size: .85em; margin-top: .3em; }
.coach-swatch { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-right: .3em; vertical-align: middle; }
.coach-swatch-pending { border: 2px dashed #6b7280; background: transparent; }
.coach-policy { width: 100%; font-size: .88em; border-collapse: collapse; }
.coach-policy th, .coach-policy td { text-align: left; padding: .2em .4em; border-bottom: 1px solid var(--border-color-primary); }
.coach-due { color: #b91c1c; font-weight: 600; }
/* Headings, table heads and empty states of the notebook in the body's own colour: Gradio's subdued
   grey on these panels falls under WCAG AA contrast (the axe audit in tests/ui). */
.coach-chart-wrap > h4, .coach-policy-box > h4, .coach-policy th { color: var(--body-text-color); }
#coach-panels .coach-empty { color: var(--body-text-color); }
/* Nothing of the notebook may widen a phone's layout: its tables wrap, wide parts scroll inside. */
.coach-policy-box, .coach-chart-wrap, .coach-chart-box, #coach-checkins { max-width: 100%; min-width: 0; overflow-x: auto; }
.coach-policy { table-layout: fixed; overflow-wrap: anywhere; }
"""
