"""`coach notebook | check | due | remind | import | rename`: the local person's notebook from the
terminal (the same person a locally served page acts for). Registered by bot/cli.py; light imports."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer


def _coach():
    from .coach import Coach

    return Coach()


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)


def notebook(
    as_json: Annotated[bool, typer.Option("--json", help="JSON: strengths, experiments (each with id and status), policy")] = False,
) -> None:
    """Show everything the coach remembers about you: strengths, experiment cards, the policy."""
    from .checkins import percent
    from .person_export import notebook_json
    from .policy import propose, strength_stats

    coach = _coach()
    book = coach.notebook()
    if as_json:
        typer.echo(json.dumps(notebook_json(book, coach.notebook_store.ticks(book.owner)), ensure_ascii=False, indent=2))
        return
    if not book.strengths and not book.cards:
        typer.echo("Your notebook is empty. Talk with the coach (coach chat): what it learns about you lands here.")
        return
    typer.echo("Strengths")
    for s in book.strengths:
        kind = "" if s.kind == "strength" else f" ({s.kind})"
        said = next((e.words for e in reversed(s.evidence) if e.words), "")
        typer.echo(f"  [{s.id}] {s.name}{kind}" + (f'  — "{said}"' if said else ""))
    typer.echo("\nExperiments")
    for entry in book.cards:
        card, p = entry.card, entry.progress
        extra = f"review on {card.review_on}" if card.review_on else ""
        if card.status == "reviewed" and card.review:
            extra = f"reward {card.review.reward:+d} ({card.review.date})"
        elif card.status == "running":
            extra += f"; streak {p.streak}, adherence {percent(p.adherence)}"
        typer.echo(f"  [{card.id}] {card.title or 'Untitled'} · {card.status} · {extra}")
    stats = strength_stats(book)
    if stats:
        typer.echo("\nPolicy (per strength: reviewed experiments, mean reward ± spread, adherence, last tried)")
        for s in stats:
            mean = "–" if s.mean is None else f"{s.mean:+.1f} ± {s.spread:.1f}"
            typer.echo(f"  {s.name}: {s.experiments} · {mean} · {percent(s.adherence)} · {s.last_tried or 'never'}")
        proposal = propose(book)
        if proposal:
            typer.echo(f"\nNext: {proposal.reason}")


def check(
    card: Annotated[str, typer.Argument(help="the card: its id, the start of its id, or words of its title")],
    no: Annotated[bool, typer.Option("--no", help="not done that day")] = False,
    skip: Annotated[bool, typer.Option("--skip", help="skipped (does not break the streak)")] = False,
    date: Annotated[Optional[str], typer.Option("--date", help="the day, YYYY-MM-DD (default today)")] = None,
) -> None:
    """Tick a running card's daily check for today (or --date): done, --no, or --skip."""
    from .checkins import CardNotFound, percent

    if no and skip:
        _fail("Choose one of --no and --skip.")
    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        _fail(f"Not a date: {date!r}. Use YYYY-MM-DD.")
    value = "no" if no else "skip" if skip else "yes"
    try:
        entry = _coach().check(card, value, day)
    except (CardNotFound, ValueError) as exc:
        _fail(str(exc))
    p = entry.progress
    mark = {"yes": "✓ done", "no": "✗ not done", "skip": "– skipped"}[value]
    typer.echo(f"{entry.card.title}: {mark} on {day or dt.date.today()}. Streak {p.streak} day(s); "
               f"adherence {percent(p.adherence)} ({p.yes} done, {p.no} missed, {p.skipped} skipped).")


def due() -> None:
    """List experiments whose review is due or overdue."""
    coach = _coach()
    today = coach.today()
    cards = coach.due()
    if not cards:
        upcoming = sorted((c for c in coach.notebook().running() if c.card.review_on), key=lambda c: c.card.review_on)
        typer.echo("Nothing due." + (f" Next review: '{upcoming[0].card.title}' on {upcoming[0].card.review_on}." if upcoming else ""))
        return
    for entry in cards:
        late = (today - entry.card.review_on).days
        when = "due today" if late == 0 else f"overdue by {late} day(s)"
        typer.echo(f"[{entry.id}] {entry.card.title}: review {when} ({entry.card.review_on}). Review it: coach chat")


def remind(
    card: Annotated[str, typer.Argument(help="the card: its id, the start of its id, or words of its title")],
) -> None:
    """Print a running card as an .ics calendar file: `coach remind CARD > card.ics`."""
    from .checkins import CardNotFound

    try:
        data = _coach().remind(card)
    except CardNotFound as exc:
        _fail(str(exc))
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def import_(
    path: Annotated[Path, typer.Argument(help="a file from `coach export --person --format json`")],
) -> None:
    """Bring back a person export: conversations, strengths, experiments and their ticks."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        _fail(f"Cannot read {path}: {exc}")
    try:
        report = _coach().import_person(text)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(str(report))


def rename(
    session: Annotated[str, typer.Argument(help="session id (see coach sessions)")],
    title: Annotated[str, typer.Argument(help="the new title ('' removes it)")],
) -> None:
    """Give a conversation a title."""
    try:
        typer.echo(_coach().rename_session(session, title) or "(title removed)")
    except (KeyError, ValueError) as exc:
        _fail(str(exc).strip("'\""))


def register(app: typer.Typer) -> None:
    app.command()(notebook)
    app.command()(check)
    app.command()(due)
    app.command()(remind)
    app.command(name="import")(import_)
    app.command()(rename)
