"""`coach serve`: start the web coach. Registered as a `coach` command through the entry point
group "coach.commands", so bot never imports ui; Gradio is imported only when the command runs.
"""

from __future__ import annotations

import ipaddress
import os
import sys
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


def exposure_problem(host: str, auth: tuple[str, str] | None, insecure_no_auth: bool) -> str | None:
    """Why serving on `host` is refused, or None when it is allowed.

    Loopback is always allowed. Any other address serves everyone who can reach the machine, and
    the page reads and writes coaching sessions, so it needs a login unless the user accepts the risk.
    """
    if is_local(host) or auth is not None or insecure_no_auth:
        return None
    return (
        f"Refusing to serve on {host} without a login: anyone who can reach this machine could read and "
        "write coaching sessions.\n"
        "  - set a login: COACH_AUTH=user:password coach serve --host ...  (or --auth user:password)\n"
        "  - or serve locally only: coach serve  (binds 127.0.0.1)\n"
        "  - or, if you accept the risk (say, a private network you trust): --insecure-no-auth"
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
        bool, typer.Option("--insecure-no-auth", help="serve a non-local address without a login (you accept the risk)")
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
    try:
        login = parse_auth(auth or (settings.auth.get_secret_value() if settings.auth else None))
    except ValueError as exc:
        _fail(str(exc))
    problem = exposure_problem(host, login, insecure_no_auth)
    if problem:
        _fail(problem)
    if not is_local(host) and login is None:
        typer.echo(f"Warning: serving {host} without a login (--insecure-no-auth).", err=True)

    from bot import Coach
    from ui.app import build_app

    sys.setswitchinterval(SWITCH_INTERVAL)
    coach = Coach(settings=settings)
    typer.echo(f"On-Policy Coach · {coach.description}", err=True)
    if coach.mode == "guided":
        typer.echo("  (set OPENAI_API_KEY, or OPENAI_BASE_URL for Ollama/vLLM, to connect a model)", err=True)
    page = build_app(coach)
    if login:
        typer.echo(f"Login required (user {login[0]!r}).", err=True)
    try:
        # The page answers first; the essay, the embedding model and the model client load right after
        # (a message sent meanwhile waits for them).
        page.launch(
            server_name=host, server_port=port, auth=login, share=False, show_error=False, prevent_thread_lock=True
        )
    except OSError as exc:
        _fail(f"Could not start the server on {host}:{port}: {exc}")
    typer.echo("Loading the essay and the embedding model...", err=True)
    coach.warm_up()
    page.block_thread()
