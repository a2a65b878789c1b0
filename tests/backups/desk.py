"""The restore drill's pieces: a desk with data of every kind, empty targets of either
vendor, and what the drill compares (table digests and file checksums)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.mail.services import store_raw
from hypercare.notifications.delivery import deliver_due
from hypercare.tickets.services.attachments import add_attachment
from tests import factories

HYPERCARE = Path(sys.executable).with_name("hypercare")
REPOSITORY = Path(__file__).resolve().parents[2]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
MESSAGE = (
    b"From: Riya <riya@northfield.example.edu>\r\n"
    b"Subject: Fee receipt\r\n"
    b"Message-ID: <drill-1@northfield.example.edu>\r\n"
    b"\r\n"
    b"The receipt prints blank.\r\n"
)
DIGESTS = (
    "import json, django; django.setup(); "
    "from hypercare.backups.portable import table_digests; print(json.dumps(table_digests()))"
)
# Where a SQLite suite finds a PostgreSQL server for the cross-vendor restore.
POSTGRES_URL = os.environ.get(
    "HYPERCARE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def build_desk(mail_dir: Path) -> User:
    """Institutions, people of each kind, tickets with escalation, a data correction,
    attachments, a received mail and sent mail in the spool; answers the requester."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mail_dir
    north = factories.institution("Northfield University", slug="northfield")
    factories.institution("Southbank College", slug="southbank")
    requester = factories.requester(north, username="riya")
    owner = factories.user(Role.DATA_OWNER, institution=north, username="owner")
    agent = factories.agent(Role.TIER2, username="tomas")
    ticket = factories.ticket(requester)
    factories.escalation(ticket, agent)
    factories.data_correction(requester, owner)
    for name in ("first.png", "second.png"):
        add_attachment(ticket=ticket, actor=requester, name=name, content=io.BytesIO(PNG))
    store_raw(raw=MESSAGE, mailbox=None)
    deliver_due()
    return requester


def file_checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        loaded: dict[str, Any] = json.load(member)
    return loaded


def hypercare(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own console script)
        [str(HYPERCARE), *args], env=env, cwd=REPOSITORY, capture_output=True, text=True
    )


def python(env: dict[str, str], code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code, *args], env=env, cwd=REPOSITORY, capture_output=True, text=True
    )


def digests(env: dict[str, str]) -> dict[str, Any]:
    answer = python(env, DIGESTS)
    assert answer.returncode == 0, answer.stderr
    result: dict[str, Any] = json.loads(answer.stdout.splitlines()[-1])
    return result


@contextmanager
def empty_target(vendor: str, data_dir: Path) -> Iterator[dict[str, str]]:
    """The environment of a new installation on ``vendor``: a new data directory, and
    on PostgreSQL a new database, dropped afterwards."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hypercare.settings",
        "HYPERCARE_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'hypercare.sqlite3'}",
    }
    if vendor == "sqlite":
        yield env
        return
    server = _postgres_server()
    name = f"hypercare_backup_target_{os.getpid()}_{data_dir.name}".lower()[:60]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": f"{server.rsplit('/', 1)[0]}/{name}"}
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_server() -> str:
    """The maintenance database of the suite's server, or of HYPERCARE_TEST_POSTGRES_URL
    for a SQLite suite (skipped when no server answers there)."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}{port}/postgres"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at HYPERCARE_TEST_POSTGRES_URL: {exc}")
    return POSTGRES_URL
