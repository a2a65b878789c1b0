"""``hypercare serve``: the embedded web server.

The installation is prepared first (migrations, static files), then this process becomes
gunicorn's arbiter through ``exec``: Ctrl+C and a service manager's SIGTERM reach gunicorn
directly, and it stops its workers cleanly. Gunicorn's own settings are in
``hypercare.gunicorn_conf``.
"""

import os
import re
import shutil
import sys
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.core.management import call_command
from django.db import connections

DEFAULT_BIND = "127.0.0.1:8000"
GUNICORN_CONFIG = "python:hypercare.gunicorn_conf"


class BadBind(ValueError):
    """The --bind value is not HOST:PORT."""


def parse_bind(value: str) -> str:
    """``HOST:PORT`` with a port gunicorn can listen on; an IPv6 host goes in brackets."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise BadBind(f"must be HOST:PORT, e.g. {DEFAULT_BIND}; got {value!r}")
    return value


def prepare() -> None:
    """Check the project, then bring the database and the static files up to date.

    A broken configuration stops here with Django's system check report, not at the
    first request.
    """
    call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
    call_command("collectstatic", interactive=False, verbosity=0)


def gunicorn_command(bind: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG, "--bind", bind]


def shared_metrics_directory(bind: str) -> Path:
    """An empty folder where this server's gunicorn processes keep their metrics files.

    One per bind address, so two servers sharing a data folder do not count each other's
    requests; emptied at start, as prometheus-client requires, so a server reports the
    requests since it started.
    """
    folder = settings.DATA_DIR / "metrics" / re.sub(r"[^0-9A-Za-z.]+", "_", bind)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def serve(bind: str) -> NoReturn:
    prepare()
    # The forked workers must not inherit the database connections used to migrate.
    connections.close_all()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(shared_metrics_directory(bind))
    print(f"Hypercare is serving on http://{bind}/ (Ctrl+C stops it)", flush=True)
    command = gunicorn_command(bind)
    os.execv(command[0], command)  # noqa: S606 (our own interpreter, fixed arguments)
