import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from ipaddress import ip_network
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import LazySettings
from django.db import connection

from hypercare import cli

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
HYPERCARE = Path(sys.executable).with_name("hypercare")


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
        "restore": "ok",
        "backup": "ok",
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


@pytest.fixture
def good_deployment(good_setup: None, settings: LazySettings, tmp_path: Path) -> Path:
    """An installation behind HTTPS, as the deployment guide sets it up; its data folder."""
    data = tmp_path / "data"
    (data / "attachments").mkdir(mode=0o700, parents=True)
    data.chmod(0o700)
    settings.DATA_DIR = data
    settings.HYPERCARE_ATTACHMENT_DIR = str(data / "attachments")
    settings.SITE_URL = "https://desk.example.edu"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.HYPERCARE_EMBEDDED_WORKER = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.HYPERCARE_TRUSTED_PROXIES = (ip_network("127.0.0.1/32"),)
    return data


def _deployment(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["check", "--deploy"])
    [line] = [line for line in capsys.readouterr().out.splitlines() if " deployment " in line]
    return code, line


def test_check_deploy_passes_behind_https_with_private_data(
    db: None, good_deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, line = _deployment(capsys)
    assert code == 0, line
    assert line.startswith("ok")


def test_plain_check_leaves_the_deployment_out(
    db: None, good_setup: None, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["check"])
    assert "deployment" not in _lines(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("SITE_URL", "http://desk.example.edu", "is not https://"),
        ("SESSION_COOKIE_SECURE", False, "HYPERCARE_SECURE_COOKIES=true"),
        ("CSRF_COOKIE_SECURE", False, "HYPERCARE_SECURE_COOKIES=true"),
        ("SECURE_HSTS_SECONDS", 0, "HYPERCARE_HSTS_SECONDS"),
        ("SECURE_HSTS_SECONDS", 300, "HYPERCARE_HSTS_SECONDS"),
        ("HYPERCARE_EMBEDDED_WORKER", False, "SQLite with Celery workers"),
        ("HYPERCARE_TRUSTED_PROXIES", (), "HYPERCARE_TRUSTED_PROXIES"),
    ],
)
def test_check_deploy_flags_each_unsafe_setting(
    db: None,
    good_deployment: Path,
    settings: LazySettings,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    value: object,
    named: str,
) -> None:
    if setting == "HYPERCARE_EMBEDDED_WORKER" and connection.vendor != "sqlite":
        pytest.skip("PostgreSQL serves Celery workers on other hosts")
    setattr(settings, setting, value)
    code, line = _deployment(capsys)
    assert code == 1
    assert line.startswith("FAIL")
    assert named in line


@pytest.mark.parametrize("part", [".", "attachments", "secret_key"])
def test_check_deploy_flags_data_other_users_may_read(
    db: None, good_deployment: Path, capsys: pytest.CaptureFixture[str], part: str
) -> None:
    path = good_deployment / part
    if part == "secret_key":
        path.write_text("kept")
    path.chmod(0o755 if path.is_dir() else 0o644)
    code, line = _deployment(capsys)
    assert code == 1
    assert f"{path} is open to other users" in line


def test_the_deployment_settings_come_from_the_environment(tmp_path: Path) -> None:
    """As the deployment guide exports them: the check reads them, and a request that came
    over HTTPS through the proxy is answered with HSTS."""
    env = {
        **os.environ,
        "HYPERCARE_DATA_DIR": str(tmp_path / "data"),
        "HYPERCARE_SITE_URL": "https://desk.example.edu",
        "HYPERCARE_SECURE_COOKIES": "true",
        "HYPERCARE_HSTS_SECONDS": "31536000",
        "HYPERCARE_BEHIND_HTTPS_PROXY": "true",
        "HYPERCARE_TRUSTED_PROXIES": "127.0.0.1,::1",
    }
    env.pop("DATABASE_URL", None)
    asked = (
        "from django.test import Client; from django.conf import settings; "
        "answer = Client().get('/healthz', headers={'x-forwarded-proto': 'https'}); "
        "print(settings.SECURE_HSTS_SECONDS, answer['Strict-Transport-Security'], "
        "*settings.HYPERCARE_TRUSTED_PROXIES)"
    )
    shell = subprocess.run(  # noqa: S603 (our own console script)
        [str(HYPERCARE), "manage", "shell", "--verbosity", "0", "--command", asked],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.split() == ["31536000", "max-age=31536000", "127.0.0.1/32", "::1/128"]
