"""What ``hypercare restore`` refuses, and what a restore that stops half-way leaves."""

import gzip
import io
import tarfile
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test import Client

from hypercare import cli
from hypercare.accounts.models import User
from hypercare.backups import marker
from hypercare.backups.archive import create_backup
from tests.backups.desk import (
    build_desk,
    digests,
    empty_target,
    file_checksums,
    hypercare,
    manifest,
    python,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Restores as `hypercare restore` does, stopped (as by a kill) once the database is back
# and before the files are.
STOPPED_RESTORE = """
import sys
from pathlib import Path
import django
django.setup()
from hypercare.backups import restore
def killed(*args, **kwargs):
    raise KeyboardInterrupt
restore._swap_files = killed
restore.restore_backup(path=Path(sys.argv[1]))
"""


@pytest.fixture
def archive(settings: LazySettings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    build_desk(tmp_path / "mail")
    return create_backup(destination=tmp_path / "backups")


def _restore(archive: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(["restore", str(archive), *args])
    return status, capsys.readouterr().err


def _rewrite(archive: Path, target: Path, replace: dict[str, bytes]) -> None:
    """A copy of ``archive`` whose members in ``replace`` hold other bytes (or are left
    out, for b''), packed as a valid archive so only the manifest can tell."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member)
            content = replace.get(member.name, data.read() if data else b"")
            if member.name in replace and not content:
                continue
            member.size = len(content)
            copy.addfile(member, io.BytesIO(content))


def test_a_damaged_archive_is_refused_and_nothing_is_touched(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    status, error = _restore(damaged, capsys, "--force")

    assert status == 1
    assert "damaged.tar.gz is damaged or not a backup archive" in error
    assert User.objects.filter(username="riya").exists()
    assert not marker.current()


def test_an_altered_member_is_refused_naming_it(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    attachment = next(name for name in manifest(archive)["members"] if "attachments" in name)
    altered = tmp_path / "altered.tar.gz"
    _rewrite(archive, altered, {attachment: b"not the picture that was attached"})

    status, error = _restore(altered, capsys, "--force")

    assert status == 1
    assert f"does not match its manifest: {attachment} has the wrong checksum" in error
    assert User.objects.filter(username="riya").exists()
    assert not marker.current()


def test_a_missing_member_and_a_missing_manifest_are_named(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without_dump = tmp_path / "without-dump.tar.gz"
    member = manifest(archive)["database"]["member"]
    _rewrite(archive, without_dump, {member: b""})
    without_manifest = tmp_path / "without-manifest.tar.gz"
    _rewrite(archive, without_manifest, {"manifest.json": b""})
    not_an_archive = tmp_path / "notes.tar.gz"
    not_an_archive.write_bytes(gzip.compress(b"just some text"))

    assert f"{member} is missing" in _restore(without_dump, capsys, "--force")[1]
    assert (
        "has no manifest.json: not a Hypercare backup"
        in (_restore(without_manifest, capsys, "--force")[1])
    )
    assert (
        "notes.tar.gz is damaged or not a backup archive"
        in (_restore(not_an_archive, capsys, "--force")[1])
    )


def test_an_installation_with_data_is_not_replaced_without_force(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, error = _restore(archive, capsys)

    assert status == 1
    assert "this installation is not empty (the database has accounts)" in error
    assert "--force" in error
    assert not marker.current()


def test_a_restore_stopped_half_way_is_marked_until_one_finishes(
    archive: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "target"
    with empty_target(connection.vendor, data_dir) as target:
        stopped = python(target, STOPPED_RESTORE, str(archive))
        assert stopped.returncode != 0
        assert "KeyboardInterrupt" in stopped.stderr
        assert (data_dir / marker.NAME).exists()

        check = hypercare(target, "check")
        assert check.returncode == 1
        assert f"FAIL  restore        restore of {archive.name} started" in check.stdout

        again = hypercare(target, "restore", str(archive))
        assert again.returncode == 1
        assert "an earlier restore did not finish" in again.stderr

        forced = hypercare(target, "restore", str(archive), "--force")
        assert forced.returncode == 0, forced.stderr
        assert not (data_dir / marker.NAME).exists()
        assert digests(target) == manifest(archive)["tables"]
    assert len(file_checksums(data_dir / "attachments")) == 2


def test_readyz_fails_while_a_restore_is_unfinished(settings: LazySettings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    marker.begin(archive="hypercare-backup-20261204T200000Z.tar.gz")

    answer = Client().get("/readyz")

    assert answer.status_code == 503
    assert "restore: failing" in answer.content.decode()
    assert "hypercare-backup" not in answer.content.decode()
    marker.finish()
    assert "restore: ok" in Client().get("/readyz").content.decode()


def test_the_secret_key_is_in_the_archive_only_when_asked(
    settings: LazySettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    plain = create_backup(destination=tmp_path / "plain")
    status = cli.main(["backup", "--to", str(tmp_path / "secret"), "--include-secrets"])
    with_secrets = Path(capsys.readouterr().out.strip())

    assert status == 0
    assert with_secrets.parent == tmp_path / "secret"
    assert with_secrets.stat().st_mode & 0o077 == 0
    assert "secret_key" not in manifest(plain)["members"]
    assert "secret_key" in manifest(with_secrets)["members"]
    with tarfile.open(with_secrets) as tar:
        member = tar.extractfile("secret_key")
        assert member is not None
        assert member.read().decode() == settings.SECRET_KEY
    versions = manifest(plain)["versions"]
    assert versions["database"] == connection.vendor
    assert "tickets.0001_initial" not in versions["migrations"]
    assert any(head.startswith("tickets.") for head in versions["migrations"])
