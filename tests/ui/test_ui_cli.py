"""`coach serve`: local by default; any other address needs a login or an explicit acceptance of the risk."""

from __future__ import annotations

import os
import sys
import types

import pytest
import typer
from typer.testing import CliRunner

from ui.cli import SWITCH_INTERVAL, exposure_problem, is_local, parse_auth, serve


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_is_always_allowed(host):
    assert is_local(host)
    assert exposure_problem(host, None, False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "coach.example.org"])
def test_other_hosts_need_a_login_or_the_risk_flag(host):
    assert not is_local(host)
    problem = exposure_problem(host, None, False)
    assert problem and "--auth" in problem and "COACH_AUTH" in problem and "--insecure-no-auth" in problem
    assert exposure_problem(host, ("alice", "s3cret"), False) is None
    assert exposure_problem(host, None, True) is None


def test_parse_auth():
    assert parse_auth(None) is None
    assert parse_auth("alice:pa:ss") == ("alice", "pa:ss")
    for bad in ("alice", "alice:", ":secret"):
        with pytest.raises(ValueError):
            parse_auth(bad)


class FakePage:
    launched: dict = {}
    access = None

    def launch(self, **kwargs):
        FakePage.launched = kwargs

    def block_thread(self):
        FakePage.blocked = True

    def close(self):
        FakePage.closed = True


class FakeCoach:
    mode, description = "guided", "guided offline mode (no model connected)"
    warmed = False
    knowledge = types.SimpleNamespace(notices=[])

    def __init__(self, settings=None):
        self.settings = settings

    def warm_up(self):
        FakeCoach.warmed = True


@pytest.fixture
def run_serve(monkeypatch):
    """Invoke `serve` with a fake Coach and a fake page: the decisions, without a real launch."""
    import bot

    monkeypatch.setattr(bot, "Coach", FakeCoach, raising=False)
    def build_app(coach, access=None):
        FakePage.access = access
        return FakePage()

    monkeypatch.setitem(sys.modules, "ui.app", types.SimpleNamespace(build_app=build_app))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "True")
    FakePage.launched, FakeCoach.warmed = {}, False
    app = typer.Typer()
    app.command()(serve)

    def _run(*args: str, **env: str):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return CliRunner().invoke(app, list(args))

    interval = sys.getswitchinterval()  # serve() tunes it for the serving process; not for the tests
    yield _run
    sys.setswitchinterval(interval)


def test_serve_refuses_a_public_address_without_a_login(run_serve):
    result = run_serve("--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "Refusing to serve on 0.0.0.0" in result.output and "--insecure-no-auth" in result.output
    assert FakePage.launched == {}


def test_serve_rejects_a_malformed_login_without_echoing_it(run_serve):
    result = run_serve("--host", "0.0.0.0", COACH_AUTH="onlyapassword")
    assert result.exit_code == 2
    assert "user:password" in result.output and "onlyapassword" not in result.output


def test_serve_with_a_login_passes_it_to_gradio_and_never_prints_the_password(run_serve):
    result = run_serve("--host", "0.0.0.0", "--port", "8123", COACH_AUTH="alice:s3cret")
    assert result.exit_code == 0, result.output
    assert FakePage.launched["server_name"] == "0.0.0.0" and FakePage.launched["server_port"] == 8123
    access = FakePage.access  # the page asks for the login itself (CoachPage.launch): one account, hashed
    assert access.mode == "accounts" and access.accounts.names() == ["alice"]
    assert access.accounts.check("alice", "s3cret") and not access.accounts.check("alice", "wrong")
    assert "s3cret" not in result.output
    assert FakeCoach.warmed
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_serve_defaults_to_loopback_and_accepts_the_risk_flag(run_serve):
    result = run_serve()
    assert result.exit_code == 0, result.output
    assert FakePage.launched["server_name"] == "127.0.0.1" and FakePage.access.mode == "local"
    assert "OPENAI_API_KEY" in result.output  # guided mode says how to connect a model
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)  # streamed turns wait less for the GIL

    result = run_serve("--host", "0.0.0.0", "--insecure-no-auth")
    assert result.exit_code == 0 and FakePage.access.mode == "guests"  # never every visitor as the owner
    assert "without logins" in result.output


def test_python_dash_m_ui_is_the_same_command():
    import subprocess

    result = subprocess.run([sys.executable, "-m", "ui", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "--insecure-no-auth" in result.stdout and "--auth" in result.stdout
