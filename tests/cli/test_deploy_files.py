"""The deployment guide's files (deploy/) fit the code they start and each other."""

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from hypercare import cli

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_FILE = DEPLOY / "hypercare.env.example"
NGINX = (DEPLOY / "nginx" / "hypercare.conf").read_text()
PROXY_HEADERS = (DEPLOY / "nginx" / "hypercare_proxy.conf").read_text()
HYPERCARE = Path(sys.executable).with_name("hypercare")


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def _example_environment() -> dict[str, str]:
    lines = ENV_FILE.read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


@pytest.mark.parametrize("path", UNITS, ids=[path.name for path in UNITS])
def test_each_unit_starts_a_real_command_as_the_desk_user_with_the_shared_settings(
    path: Path,
) -> None:
    service = _unit(path)["Service"]
    program, *arguments = service["ExecStart"].split()
    assert program.startswith("/srv/hypercare/.venv/bin/")
    command = Path(program).name
    if command == "hypercare":
        assert arguments[0] in cli.COMMANDS
    else:
        assert command == "celery"
        assert arguments[:2] == ["-A", "hypercare"]
        assert arguments[2] in {"worker", "beat"}
    assert service["User"] == "hypercare"
    assert service["UMask"] == "0077"
    assert service["EnvironmentFile"] == "/etc/hypercare/hypercare.env"
    assert service["ReadWritePaths"] == _example_environment()["HYPERCARE_DATA_DIR"]


def test_the_target_starts_the_web_processes_nginx_balances_and_one_beat() -> None:
    wanted = " ".join(_unit(DEPLOY / "systemd" / "hypercare.target")["Unit"]["Wants"].split())
    web_ports = set(re.findall(r"hypercare-web@(\d+)\.service", wanted))
    upstream_ports = set(re.findall(r"server 127\.0\.0\.1:(\d+)", NGINX))
    assert web_ports == upstream_ports
    assert len(web_ports) >= 2
    assert wanted.count("hypercare-beat.service") == 1
    assert "hypercare-worker.service" in wanted


def test_nginx_tells_the_desk_the_scheme_and_client_and_keeps_metrics_inside() -> None:
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in PROXY_HEADERS
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in PROXY_HEADERS
    metrics = NGINX[NGINX.index("location = /metrics") :]
    assert "deny all;" in metrics[: metrics.index("}")]
    [body_mb] = re.findall(r"client_max_body_size (\d+)m;", NGINX)
    assert int(body_mb) * 2**20 > settings.HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES


def test_the_example_settings_are_all_documented_and_accepted(tmp_path: Path) -> None:
    example = _example_environment()
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    undocumented = [name for name in example if f"`{name}`" not in readme]
    assert not undocumented
    environment = {**os.environ, **example, "HYPERCARE_DATA_DIR": str(tmp_path)}
    shown = subprocess.run(  # noqa: S603 (our own console script)
        [
            str(HYPERCARE),
            "manage",
            "shell",
            "--verbosity",
            "0",
            "--command",
            "from django.conf import settings; "
            "print(settings.SECURE_PROXY_SSL_HEADER, settings.HYPERCARE_EMBEDDED_WORKER, "
            "*settings.HYPERCARE_TRUSTED_PROXIES)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "False",
        "127.0.0.1/32",
        "::1/128",
    ]
