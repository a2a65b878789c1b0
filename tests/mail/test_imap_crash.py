"""A poll killed with SIGKILL mid-fetch neither loses nor duplicates a message."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.imapserver import ImapServer, dovecot

pytestmark = pytest.mark.mailserver

HYPERCARE = Path(sys.executable).with_name("hypercare")
MESSAGES = 200
# Large enough that fetching 200 takes a few seconds, so the kill lands mid-way.
PADDING = "The receipt prints blank. " * 2000


def message(n: int) -> bytes:
    return (
        f"From: Riya <riya@northfield.example.edu>\r\n"
        f"Subject: Fee receipt {n}\r\n"
        f"Message-ID: <crash-{n}@northfield.example.edu>\r\n"
        f"\r\n{PADDING}\r\n"
    ).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[ImapServer]:
    with dovecot() as running:
        yield running


def _hypercare(data_dir: Path, server: ImapServer, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "HYPERCARE_DATA_DIR": str(data_dir),
        "HYPERCARE_MAIL_CA_FILE": str(server.ca_file),
    }
    env.pop("DATABASE_URL", None)
    return [str(HYPERCARE), *args], env


def _run(data_dir: Path, server: ImapServer, *args: str) -> str:
    command, env = _hypercare(data_dir, server, *args)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr
    return done.stdout


def _stored(database: Path) -> list[str]:
    with sqlite3.connect(database, timeout=30) as connection:
        rows = connection.execute("SELECT message_id FROM mail_inboundmessage").fetchall()
    return [row[0] for row in rows]


def test_a_poll_killed_mid_fetch_loses_and_duplicates_nothing(
    tmp_path: Path, server: ImapServer
) -> None:
    data_dir = tmp_path / "installation"
    database = data_dir / "hypercare.sqlite3"
    _run(data_dir, server, "manage", "migrate", "--verbosity", "0")
    _run(
        data_dir,
        server,
        "manage",
        "shell",
        "-c",
        "from hypercare.mail.models import Mailbox; Mailbox.objects.create("
        f"name='Crash', address='crash@hypercare.example', host='127.0.0.1', "
        f"port={server.imaps_port}, username='{server.user}', password='{server.password}', "
        "folder='Crash')",
    )
    server.append(*(message(n) for n in range(MESSAGES)), folder="Crash")

    command, env = _hypercare(data_dir, server, "mail", "poll")
    poller = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_stored(database)) < MESSAGES // 10:
        time.sleep(0.02)
    poller.send_signal(signal.SIGKILL)
    poller.wait()
    stored_at_kill = len(_stored(database))
    assert 0 < stored_at_kill < MESSAGES

    _run(data_dir, server, "mail", "poll")

    stored = _stored(database)
    assert len(stored) == MESSAGES
    assert sorted(stored) == sorted(f"<crash-{n}@northfield.example.edu>" for n in range(MESSAGES))
    assert server.count("Crash", "UNSEEN") == 0
    assert server.count("Crash") == MESSAGES
