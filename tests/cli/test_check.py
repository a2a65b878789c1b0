import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import LazySettings

from hypercare import cli

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _lines(out: str) -> dict[str, str]:
    """Each check's name and its first word (ok or FAIL)."""
    return {line.split()[1]: line.split()[0] for line in out.splitlines()}


@pytest.fixture
def good_setup(settings: LazySettings, tmp_path: Path) -> None:
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"


@pytest.fixture
def smtp_server() -> Iterator[int]:
    port = _free_port()
    controller = Controller(handler=object(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def test_check_passes_on_a_good_setup(
    db: None, good_setup: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check"]) == 0

    assert _lines(capsys.readouterr().out) == {
        "configuration": "ok",
        "database": "ok",
        "storage": "ok",
        "mail": "ok",
    }


def test_check_fails_when_attachments_cannot_be_written(
    db: None,
    good_setup: None,
    settings: LazySettings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.HYPERCARE_ATTACHMENT_DIR = blocker / "attachments"

    assert cli.main(["check"]) == 1

    out = capsys.readouterr().out
    assert _lines(out)["storage"] == "FAIL"
    assert str(blocker / "attachments") in out


def test_check_fails_when_debug_is_on(
    db: None, good_setup: None, settings: LazySettings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DEBUG = True

    assert cli.main(["check"]) == 1

    out = capsys.readouterr().out
    assert _lines(out)["configuration"] == "FAIL"
    assert "DEBUG is on" in out


def test_check_fails_when_the_smtp_server_does_not_answer(
    db: None, good_setup: None, settings: LazySettings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()

    assert cli.main(["check"]) == 1

    assert _lines(capsys.readouterr().out)["mail"] == "FAIL"


def test_check_reaches_a_running_smtp_server(
    db: None,
    good_setup: None,
    settings: LazySettings,
    smtp_server: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server

    assert cli.main(["check"]) == 0

    assert _lines(capsys.readouterr().out)["mail"] == "ok"
