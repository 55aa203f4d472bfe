"""`coach`: the terminal front of the coach. Heavy imports happen inside commands, so --help is instant."""

from __future__ import annotations

import re
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="coach",
    help="On-Policy Coach: coaching grounded in Jason Wei's 'Life lessons from reinforcement learning'.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rendering it with rich costs ~80 ms of imports on every `coach --help`.
    rich_markup_mode=None,
)


def _coach():
    from .coach import Coach

    return Coach()


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="a question, in Korean or English")],
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=50, help="how many passages")] = 4,
) -> None:
    """Print the essay passages closest in meaning to QUERY, best first (an English query also
    gets each passage's English rendering, labelled)."""
    from knowledge import KnowledgeBase

    from .export import RENDERING_LABEL
    from .language import detect_language
    from .settings import Settings

    language = detect_language(query, default="en")
    english = language != "ko"
    kb = KnowledgeBase.open(settings=Settings())
    # The query's language, as the coach's turn retrieval passes it: views are scored in it.
    found = kb.search_views(kb.embeddings.embed_query(query), k, text=query, language=language) if query.strip() else []
    for rank, passage in enumerate(found, 1):
        typer.echo(f"{rank}. [{passage.id}]  ({passage.title or passage.source})")
        typer.echo("   " + passage.text.replace("\n", "\n   "))
        rendering = passage.rendering("en") if english else None
        if rendering:
            typer.echo(f"   {RENDERING_LABEL}: " + rendering.replace("\n", "\n   "))


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help=".md/.txt files or folders")]) -> None:
    """Add your own .md/.txt documents to the knowledge base (re-running updates them)."""
    from rich.progress import Progress

    from knowledge import KnowledgeBase

    from .settings import Settings

    kb = KnowledgeBase.open(settings=Settings())
    with Progress(transient=True) as progress:
        task = progress.add_task("embedding", total=None, visible=False)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, visible=total >= 20)

        report = kb.ingest(paths, progress=advance)
    for skipped in report.skipped:
        typer.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
    typer.echo(f"{len(report.files)} file(s): {report}")


@app.command()
def ask(
    message: Annotated[str, typer.Argument(help="what you want to say to the coach")],
    session: Annotated[Optional[str], typer.Option("--session", "-s", help="continue this session")] = None,
) -> None:
    """One turn: send MESSAGE and print the coach's reply."""
    from .journal import InvalidSessionId

    coach = _coach()
    try:
        reply = coach.ask(message, session)
    except InvalidSessionId as exc:
        _fail(str(exc))
    typer.echo(reply.text)
    if reply.sources:
        typer.echo("\nSources: " + ", ".join(p.id for p in reply.sources))
    # The reply is out; the turn's notes land before the process ends, and the stage reflects them.
    coach.wait_for_notes(reply.session_id, timeout=2 * coach.settings.notes_timeout + 5)
    stage = coach.state(reply.session_id).stage if not reply.error else reply.stage
    typer.echo(f"\n(session {reply.session_id} · {reply.mode} · stage {stage.value})", err=True)
    if reply.error:
        raise typer.Exit(1)


@app.command()
def chat(
    session: Annotated[Optional[str], typer.Option("--session", "-s", help="resume this session")] = None,
) -> None:
    """Talk with the coach in the terminal; replies stream. Ctrl-D or 'exit' leaves."""
    from .coach import new_session_id
    from .journal import check_session_id
    from .models import CoachReply

    coach = _coach()
    try:
        session_id = new_session_id() if session is None else check_session_id(session)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(f"On-Policy Coach · {coach.description} · session {session_id}")
    for message in coach.history(session_id)[-4:]:
        typer.echo(f"{'you' if message.role == 'user' else 'coach'}> {message.content}\n")
    options: list[str] = []
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        if line.strip().lower() in {"exit", "quit", "/exit", "/quit"}:
            break
        line = _picked_option(line, options)
        sys.stdout.write("coach> ")
        shown, options = "", []
        for item in coach.stream(line, session_id):
            if isinstance(item, CoachReply):
                # What streamed is final text; print only what the final reply adds (a notice, a
                # note that it broke off), never the reply again.
                if item.text.startswith(shown):
                    sys.stdout.write(item.text[len(shown):])
                elif not shown.strip():
                    sys.stdout.write(item.text)
                options = list(item.options)
                if options:  # quick replies: typing the number picks one, typing words still works
                    sys.stdout.write("\n\n" + _option_line(options))
            else:
                shown += item
                sys.stdout.write(item)
            sys.stdout.flush()
        sys.stdout.write("\n\n")
    coach.wait_for_notes(session_id, timeout=2 * coach.settings.notes_timeout + 5)  # the last turn's notes
    typer.echo(f"Saved. Resume with: coach chat --session {session_id}")


_NUMBER = re.compile(r"^[+\-−]?\d+$")


def _option_line(options: list[str]) -> str:
    """Quick replies as numbered choices; choices that are numbers themselves (0-10, -2..+2) are typed as they are."""
    if all(_NUMBER.match(o) for o in options):
        return "(" + " · ".join(options) + ")"
    return "  ".join(f"[{i}] {o}" for i, o in enumerate(options, 1))


def _picked_option(line: str, options: list[str]) -> str:
    """The option a bare number picks ("2" -> the second quick reply); any other line as typed."""
    choice = line.strip().rstrip(".")
    if not options or choice in options or all(_NUMBER.match(o) for o in options):
        return line
    if choice.isdigit() and 1 <= int(choice) <= len(options):
        return options[int(choice) - 1]
    return line


@app.command()
def sessions() -> None:
    """List saved sessions, newest first."""
    rows = _coach().conversations()  # with their titles (coach rename)
    if not rows:
        typer.echo("No sessions yet. Start one with: coach chat")
    for row in rows:
        first = row.title or row.first_message.replace("\n", " ")[:50]
        typer.echo(f"{row.id}  {row.updated_at:%Y-%m-%d %H:%M}  {row.messages:3d} messages  {row.stage:<10} {first}")


@app.command()
def export(
    session: Annotated[Optional[str], typer.Argument(help="session id")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="md or json")] = "md",
    person: Annotated[bool, typer.Option("--person", help="everything of yours: notebook, policy, every conversation")] = False,
) -> None:
    """Print a session (or, with --person, all of yours; `coach import` reads its JSON) as Markdown or JSON."""
    coach = _coach()
    if person or session is None:
        if not person:
            _fail("Name a session (see: coach sessions), or use --person for everything of yours.")
        try:
            typer.echo(coach.export_person(format))
        except ValueError as exc:
            _fail(str(exc))
        return
    try:
        if not coach.owns(session):
            _fail(f"No session {session!r}. See: coach sessions")
        typer.echo(coach.export(session, format))
    except ValueError as exc:
        _fail(str(exc))


@app.command()
def forget(
    session: Annotated[Optional[str], typer.Argument(help="session id")] = None,
    everything: Annotated[bool, typer.Option("--all", help="every session of yours")] = False,
    user: Annotated[Optional[str], typer.Option("--user", help="every session of this login (coach users)")] = None,
) -> None:
    """Delete a session and everything in it (or, with --all, all of yours), from the journal file too."""
    from .admin import forget_command

    forget_command(_coach(), session, everything, user, _fail)


from .admin import doctor, users  # noqa: E402  (typer commands; light imports only)

app.add_typer(users, name="users")
app.command()(doctor)
from .person_cli import register as _person_commands  # noqa: E402  (notebook, check, due, remind, import, rename)

_person_commands(app)


def _plugins() -> None:
    """Commands other packages contribute (the web page's `serve`), without bot importing them."""
    for ep in entry_points(group="coach.commands"):
        try:
            app.command(name=ep.name)(ep.load())
        except Exception as exc:  # a broken plugin must not take the CLI down
            typer.echo(f"(command {ep.name!r} unavailable: {exc})", err=True)


def main() -> None:
    from knowledge.damage import KnowledgeProblem

    from .journal import JournalProblem

    import os

    os.umask(0o077)  # what the coach writes under COACH_HOME is its owner's only
    _plugins()
    try:
        app()
    except (JournalProblem, KnowledgeProblem) as exc:  # a damaged or read-only file: one line that says what to do
        typer.echo(str(exc), err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
