"""The owner's commands: `coach users` (logins for `coach serve --users`), `coach doctor`, and the
forgetting behind `coach forget`. Imports stay light: `coach --help` loads this module."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Optional

import typer

users = typer.Typer(help="Logins for `coach serve --users FILE` (COACH_USERS; default COACH_HOME/users.json).",
                    no_args_is_help=True)


def _accounts():
    from .people import Accounts
    from .settings import Settings

    settings = Settings()
    try:
        return Accounts.load(settings.users_path)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@users.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="login name")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from standard input")] = False,
) -> None:
    """Add a login (or set a new password for an existing one)."""
    import getpass

    accounts = _accounts()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != password:
            typer.echo("The two passwords differ; nothing changed.", err=True)
            raise typer.Exit(2)
    try:
        new = accounts.add(name, password)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{'Added' if new else 'Changed the password of'} {name} in {accounts.path}.")


@users.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="login name")],
    forget: Annotated[bool, typer.Option("--forget", help="also delete everything this login said")] = False,
) -> None:
    """Remove a login; its conversations stay unless --forget is given."""
    accounts = _accounts()
    if not accounts.remove(name):
        typer.echo(f"No login {name!r} in {accounts.path}.", err=True)
        raise typer.Exit(2)
    from .coach import Coach
    from .people import Person

    if forget:
        count = Coach().forget_everything(Person.user(name))
        typer.echo(f"Removed {name} and forgot their {count} conversation(s).")
    else:
        typer.echo(f"Removed {name}. Their conversations are kept; `coach forget --user {name}` deletes them.")


@users.command("list")
def users_list() -> None:
    """The logins, with how many conversations each has."""
    from .journal import Journal
    from .settings import Settings

    accounts = _accounts()
    counts = Journal(Settings().journal_path).owners()
    if not accounts.names():
        typer.echo(f"No logins in {accounts.path}. Add one with: coach users add NAME")
    for name in accounts.names():
        typer.echo(f"{name}  {counts.get(f'user:{name}', 0)} conversation(s)")


def forget_command(coach, session: str | None, everything: bool, user: str | None, fail: Callable[[str], None]) -> None:
    from .people import Person

    if sum((session is not None, everything, user is not None)) != 1:
        fail("Say what to forget: a SESSION id, --all (every session of yours) or --user NAME.")
    try:
        if session is not None:
            if not coach.forget(session):
                fail(f"No session {session!r}.")
            typer.echo(f"Forgot session {session}.")
            return
        person = Person.user(user) if user else None
        count = coach.forget_everything(person)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(f"Forgot {count} session(s){f' of {user}' if user else ''}.")


def doctor(
    repair: Annotated[bool, typer.Option("--repair", help="fix what can be fixed (damaged files are kept beside)")] = False,
) -> None:
    """Check the journal, the knowledge store and the permissions of COACH_HOME."""
    from .doctor import check, fix
    from .settings import Settings

    settings = Settings()
    findings = fix(settings) if repair else check(settings)
    for finding in findings:
        typer.echo(f"{'ok ' if finding.ok else 'BAD'}  {finding.what}: {finding.detail}")
    if any(not f.ok for f in findings):
        if not repair:
            typer.echo("Run `coach doctor --repair` to fix these.", err=True)
        raise typer.Exit(1)
