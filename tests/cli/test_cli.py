import os
from pathlib import Path

import pytest
from django.conf import LazySettings

from hypercare import cli, server


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])

    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "demo", "token", "check", "manage"):
        assert f"    {command} " in out


def test_unknown_command_is_refused_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["sevre"])

    assert exit_.value.code == 2
    assert "invalid choice: 'sevre'" in capsys.readouterr().err


def test_no_command_is_refused_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([])

    assert exit_.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def test_serve_refuses_a_bind_without_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", "--bind", "localhost"])

    assert exit_.value.code == 2
    assert "--bind: must be HOST:PORT" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["127.0.0.1:8000", "0.0.0.0:80", "[::1]:8443"])
def test_bind_accepts_host_and_port(value: str) -> None:
    assert server.parse_bind(value) == value


@pytest.mark.parametrize("value", ["8000", ":8000", "localhost:", "localhost:http", "h:70000"])
def test_bind_refuses_anything_else(value: str) -> None:
    with pytest.raises(server.BadBind):
        server.parse_bind(value)


def test_gunicorn_runs_the_project_wsgi_app_on_the_bind_address() -> None:
    command = server.gunicorn_command("127.0.0.1:9000")

    assert command[1:3] == ["-m", "gunicorn"]
    assert command[-2:] == ["--bind", "127.0.0.1:9000"]
    assert "python:hypercare.gunicorn_conf" in command


def test_manage_passes_through_to_django(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["manage", "diffsettings", "--output", "unified"]) == 0

    assert "ROOT_URLCONF" in capsys.readouterr().out


def test_serve_reports_why_it_cannot_start(
    db: None,
    settings: LazySettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the static folder should be")
    settings.STATIC_ROOT = blocker / "static"
    monkeypatch.setattr(os, "execv", _must_not_start)

    assert cli.main(["serve", "--bind", "127.0.0.1:8000"]) == 1

    err = capsys.readouterr().err
    assert "cannot start" in err
    assert str(blocker) in err


def _must_not_start(*args: object) -> None:
    raise AssertionError("gunicorn must not start when preparing failed")
