"""The restore drill, on the suite's database: back up a desk while tickets are being
written, restore into a new installation, and compare every table and every file.

Run with DATABASE_URL=postgres://... for the PostgreSQL drill; a SQLite suite also
restores its archive into PostgreSQL (HYPERCARE_TEST_POSTGRES_URL) and a PostgreSQL suite
its archive into SQLite, so both directions of the portable dump are proved.
"""

import threading
import time
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.db import OperationalError, connection

from hypercare.accounts.models import User
from hypercare.backups.archive import create_backup
from hypercare.backups.portable import table_digests
from tests import factories
from tests.backups.desk import (
    build_desk,
    digests,
    empty_target,
    file_checksums,
    hypercare,
    manifest,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}


class Writer(threading.Thread):
    """Opens tickets until stopped, as the desk's users would during a backup."""

    def __init__(self, requester: User) -> None:
        super().__init__()
        self.requester = requester
        self.stopping = threading.Event()
        self.written = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    factories.ticket(self.requester, title=f"Written during backup {self.written}")
                except OperationalError as exc:
                    # The suite's in-memory SQLite database locks whole tables while the
                    # backup reads them (a desk's WAL file does not): try again.
                    if "locked" not in str(exc):
                        raise
                    continue
                self.written += 1
        except BaseException as exc:
            self.error = exc
        finally:
            connection.close()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.written < count and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)


def test_restore_drill_while_tickets_are_written(
    settings: LazySettings, tmp_path: Path, attachment_dir: Path
) -> None:
    requester = build_desk(tmp_path / "mail")
    before = table_digests()
    writer = Writer(requester)
    writer.start()
    try:
        writer.wait_for(1)
        written_at_start = writer.written
        archive = create_backup(destination=tmp_path / "backups")
        written_at_end = writer.written
        writer.wait_for(written_at_end + 1)
    finally:
        writer.stopping.set()
        writer.join()
    assert writer.error is None
    assert written_at_end > written_at_start, "no ticket was written during the backup"
    after = table_digests()

    with empty_target(connection.vendor, tmp_path / "target") as target:
        answer = hypercare(target, "restore", str(archive))
        assert answer.returncode == 0, answer.stderr
        restored = digests(target)

    assert restored == manifest(archive)["tables"]
    changed = {table for table in after if after[table] != before[table]}
    assert "tickets_ticket" in changed
    for table, digest in restored.items():
        if table in changed:
            assert before[table]["rows"] <= digest["rows"] <= after[table]["rows"], table
        else:
            assert digest == after[table], table
    assert file_checksums(tmp_path / "target" / "attachments") == file_checksums(attachment_dir)
    assert len(file_checksums(attachment_dir)) == 2
    assert file_checksums(tmp_path / "target" / "mail") == file_checksums(tmp_path / "mail")
    assert file_checksums(tmp_path / "mail")


def test_an_archive_restores_into_the_other_database_vendor(
    settings: LazySettings, tmp_path: Path, attachment_dir: Path
) -> None:
    build_desk(tmp_path / "mail")
    source = table_digests()
    archive = create_backup(destination=tmp_path / "backups")

    with empty_target(OTHER_VENDOR[connection.vendor], tmp_path / "target") as target:
        answer = hypercare(target, "restore", str(archive))
        assert answer.returncode == 0, answer.stderr
        assert f"portable dump into {OTHER_VENDOR[connection.vendor]}" in answer.stdout
        restored = digests(target)
        # The moved desk takes new rows after the restored ones: its sequences moved on.
        added = hypercare(target, "manage", "shell", "-c", NEW_USER)
        assert added.returncode == 0, added.stderr

    assert restored == source
    assert source["tickets_ticket"]["rows"] == 2
    assert file_checksums(tmp_path / "target" / "attachments") == file_checksums(attachment_dir)


NEW_USER = (
    "from hypercare.accounts.models import User; "
    "User.objects.create(username='after-restore', email='after@example.edu')"
)
