"""`coach serve`: start the web coach. Registered as a `coach` command through the entry point
group "coach.commands", so bot never imports ui; Gradio is imported only when the command runs.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

EXIT_USAGE = 2
# Seconds a thread may hold the GIL while others wait (Python's default: 0.005). A streamed turn
# hands the GIL back at every chunk it reads; under 20 concurrent sessions each of those ~100
# hand-backs could wait up to 5 ms behind a busy thread. With 1 ms, 20 gradio_client sessions ran
# at 2.04-2.20x the single-session p95 instead of 2.19-2.56x (bench/serve.py's load, 4 runs of
# each, interleaved).
SWITCH_INTERVAL = 0.001


def is_local(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]").lower()
    if host in {"localhost", "localhost.", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`user:password` as a pair; the password may itself contain ':'."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ValueError("The login must look like user:password, both parts non-empty (--auth or COACH_AUTH).")
    return user.strip(), password


def exposure_problem(host: str, auth, insecure_no_auth: bool) -> str | None:
    """Why serving on `host` is refused, or None when it is allowed.

    Loopback is always allowed. Any other address serves everyone who can reach the machine: it
    needs logins (each a person), or --insecure-no-auth, which serves guests (each browser its own
    person), never every visitor as the machine's owner.
    """
    if is_local(host) or auth is not None or insecure_no_auth:
        return None
    return (
        f"Refusing to serve on {host} without a login: anyone who can reach this machine could read and "
        "write coaching sessions.\n"
        "  - set logins: coach users add NAME, then coach serve --host ... --users FILE (or COACH_USERS)\n"
        "  - or one login: COACH_AUTH=user:password coach serve --host ...  (or --auth user:password)\n"
        "  - or serve locally only: coach serve  (binds 127.0.0.1)\n"
        "  - or a public demo, each browser its own guest (you accept the risk): --guests --insecure-no-auth"
    )


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_USAGE)


def serve(
    host: Annotated[
        Optional[str], typer.Option(help="address to bind (COACH_HOST); other than 127.0.0.1 needs a login")
    ] = None,
    port: Annotated[Optional[int], typer.Option(min=1, max=65535, help="port (COACH_PORT, default 7860)")] = None,
    auth: Annotated[
        Optional[str],
        typer.Option(help="login as user:password; prefer COACH_AUTH, which stays out of the process list"),
    ] = None,
    insecure_no_auth: Annotated[
        bool, typer.Option("--insecure-no-auth", help="with --guests: serve a non-local address without a login (you accept the risk)")
    ] = False,
    users: Annotated[
        Optional[Path], typer.Option("--users", help="accounts file: each login is a person (COACH_USERS; coach users add NAME)")
    ] = None,
    guests: Annotated[
        bool, typer.Option("--guests", help="no logins: each browser is its own person, known by a token it keeps")
    ] = False,
) -> None:
    """Open the web coach: chat, cited passages, your strengths and an experiment board."""
    # Before Gradio is imported: no calls to outside hosts at launch.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        _fail(f"Invalid setting: {exc.errors()[0].get('loc')} {exc.errors()[0].get('msg')}")
    host = host or settings.host
    port = settings.port if port is None else port
    os.umask(0o077)  # everything this process writes under COACH_HOME is its owner's only
    try:
        login = parse_auth(auth or (settings.auth.get_secret_value() if settings.auth else None))
        access = _access(settings, login, users, guests)
    except ValueError as exc:
        _fail(str(exc))
    if not is_local(host) and access.mode == "local" and insecure_no_auth:
        access = _access(settings, None, None, True)  # never every visitor as the machine's owner
    problem = exposure_problem(host, access.accounts, insecure_no_auth)
    if problem:
        _fail(problem)
    if not is_local(host) and access.mode == "guests":
        typer.echo(f"Warning: serving {host} without logins (--guests --insecure-no-auth): each browser is a guest.", err=True)

    from bot import Coach
    from bot.doctor import preflight

    damage = preflight(settings)  # a damaged journal or store is named before "Running on ..."
    if damage:
        _fail(damage)
    from ui.app import build_app

    sys.setswitchinterval(SWITCH_INTERVAL)
    coach = Coach(settings=settings)
    typer.echo(f"On-Policy Coach · {coach.description}", err=True)
    if coach.mode == "guided":
        typer.echo("  (set OPENAI_API_KEY, or OPENAI_BASE_URL for Ollama/vLLM, to connect a model)", err=True)
    page = build_app(coach, access)
    typer.echo(_mode_line(access), err=True)
    try:
        # The page answers first; the essay, the embedding model and the model client load right after
        # (a message sent meanwhile waits for them).
        page.launch(server_name=host, server_port=port, share=False, show_error=False, prevent_thread_lock=True)
    except OSError as exc:
        _fail(f"Could not start the server on {host}:{port}: {exc}")
    typer.echo("Loading the essay and the embedding model...", err=True)
    try:
        coach.warm_up()
        for line in coach.knowledge.notices:
            typer.echo(line, err=True)
    except Exception as exc:  # a damaged file met only now: one line that names it, no traceback
        page.close()
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    try:
        page.block_thread()
    finally:
        page.close()


def _access(settings, login, users: Path | None, guests: bool):
    """The serving mode: accounts (--users / COACH_USERS / --auth), guests, or local."""
    from bot.people import Access, Accounts, GuestTokens

    users = users or settings.users
    if guests and (users or login):
        raise ValueError("Choose one: --guests (each browser a person) or logins (--users / --auth).")
    if users and login:
        raise ValueError("Choose one: --users FILE (COACH_USERS) or the one login of --auth (COACH_AUTH).")
    if users:
        accounts = Accounts.load(users)
        if not accounts.names():
            raise ValueError(f"No logins in {users}. Add one with: COACH_USERS={users} coach users add NAME")
        return Access("accounts", accounts=accounts)
    if login:
        return Access("accounts", accounts=Accounts.single(*login))
    if guests:
        return Access("guests", guests=GuestTokens.at(settings.home))
    return Access("local")


def _mode_line(access) -> str:
    if access.mode == "accounts":
        names = access.accounts.names()
        return f"Login required: {len(names)} account(s) ({', '.join(repr(n) for n in names[:5])}), each their own person."
    if access.mode == "guests":
        return "Guests: each browser is its own person (a token it keeps); no logins."
    return "Local: one person, this machine's owner; anyone who can reach the port is that person."
