"""``hypercare restore``: put an archive back as this installation's data, and prove it.

The order keeps a failure harmless or visible:

1. The archive is unpacked into a hidden folder of the data directory and every member
   checked against the manifest. A damaged or altered archive is refused here, naming
   what is wrong, before anything of the installation is touched.
2. The target must be empty (no accounts, no files) unless ``force``.
3. A marker file (``restore-in-progress`` in the data directory) is written; while it is
   there ``hypercare check`` and ``/readyz`` fail, naming the archive. A restore that
   stops half-way (killed, disk full) leaves the marker, never a desk that looks whole.
4. The database: the vendor's own dump when the vendors match; otherwise the target is
   migrated and the portable dump loaded. Then the attachment and mail folders are
   swapped in, and the secret key written if the archive has one.
5. Every table's row count and content hash are compared with the manifest's; then
   pending migrations run (an archive from an older version), and the marker goes.
"""

import gzip
import json
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection

from hypercare.accounts.models import User
from hypercare.backups import archive, database, marker, portable
from hypercare.backups.errors import BackupError, CorruptArchive, TargetNotEmpty

Report = Callable[[str], None]


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    files: int


def restore_backup(*, path: Path, force: bool = False, report: Report = print) -> Restored:
    """Restore the archive at ``path`` into this installation (settings say where)."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".restore-") as work_name:
        content = Path(work_name) / "content"
        manifest = unpack(path, content)
        report(f"checked {len(manifest['members'])} files of {path.name} against its manifest")
        refusal = target_contents()
        if refusal and not force:
            raise TargetNotEmpty(
                f"this installation is not empty ({refusal}); restore into a new data "
                "directory and database, or pass --force to replace it"
            )
        marker.begin(archive=path.name)
        restored = _restore(manifest, content, Path(work_name), report)
        marker.finish()
    return restored


def unpack(path: Path, content: Path) -> dict[str, Any]:
    """Extract the archive into ``content`` and check each member against the manifest."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            tar.extractall(content, filter="data")
    except FileNotFoundError:
        raise CorruptArchive(f"{path}: no such file") from None
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise CorruptArchive(f"{path.name} is damaged or not a backup archive: {exc}") from None
    manifest = _read_manifest(content, path.name)
    problems = _member_problems(content, manifest["members"])
    if problems:
        raise CorruptArchive(f"{path.name} does not match its manifest: {'; '.join(problems)}")
    return manifest


def _read_manifest(content: Path, name: str) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((content / archive.MANIFEST).read_text())
    except FileNotFoundError:
        raise CorruptArchive(f"{name} has no {archive.MANIFEST}: not a Hypercare backup") from None
    except ValueError as exc:
        raise CorruptArchive(f"{name}: {archive.MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != archive.FORMAT or not isinstance(manifest.get("members"), dict):
        raise CorruptArchive(
            f"{name}: {archive.MANIFEST} is not a format {archive.FORMAT} Hypercare manifest"
        )
    return manifest


def _member_problems(content: Path, members: dict[str, Any]) -> list[str]:
    present = {
        path.relative_to(content).as_posix()
        for path in content.rglob("*")
        if path.is_file() and path.name != archive.MANIFEST
    }
    problems = [f"{name} is missing" for name in sorted(set(members) - present)]
    problems += [f"{name} is not in the manifest" for name in sorted(present - set(members))]
    problems += [
        f"{name} has the wrong checksum"
        for name in sorted(set(members) & present)
        if archive.file_sha256(content / name) != members[name]["sha256"]
    ]
    return problems


def target_contents() -> str:
    """What this installation already holds, or '' when it is empty."""
    if marker.current():
        return f"an earlier restore did not finish: {marker.current()}"
    try:
        tables = connection.introspection.table_names()
        if User._meta.db_table in tables and User.objects.exists():
            return "the database has accounts"
    except DatabaseError as exc:
        raise BackupError(f"cannot read the target database: {exc}") from None
    for setting in archive.FILE_FOLDERS.values():
        folder = Path(getattr(settings, setting))
        if folder.is_dir() and any(path.is_file() for path in folder.rglob("*")):
            return f"{folder} holds files"
    return ""


def _restore(manifest: dict[str, Any], content: Path, work: Path, report: Report) -> Restored:
    source_vendor = manifest["database"]["vendor"]
    if source_vendor == database.vendor():
        database.restore(content / manifest["database"]["member"])
        report(f"restored the {source_vendor} database from its own dump")
    else:
        _load_portable(manifest, content / archive.PORTABLE)
        report(f"loaded the {source_vendor} archive's portable dump into {connection.vendor}")
    files = _swap_files(content, work, manifest)
    report(f"restored {files} files")
    _restore_secret_key(content)
    tables: dict[str, Any] = {}
    if manifest["versions"]["migrations"] == archive.code_heads():
        tables = _verify_tables(manifest, report)
    else:
        report("the archive is from an older schema: migrating it, its tables not compared")
    call_command("migrate", interactive=False, verbosity=0)
    return Restored(
        tables=len(tables),
        rows=sum(table["rows"] for table in tables.values()),
        files=files,
    )


def _load_portable(manifest: dict[str, Any], folder: Path) -> None:
    """Migrate the target to this version's schema, then load every table's rows; only an
    archive of the same schema can load, since the rows are read with today's models."""
    archived = manifest["versions"]["migrations"]
    if archived != archive.code_heads():
        raise BackupError(
            "the archive's schema differs from this version's, so its portable dump cannot "
            "be loaded into another database vendor; restore it with the Hypercare version "
            f"that made it ({manifest['versions']['hypercare']}), then upgrade"
        )
    database.clear()
    call_command("migrate", interactive=False, verbosity=0)
    portable.load(folder)


def _swap_files(content: Path, work: Path, manifest: dict[str, Any]) -> int:
    """Move each restored folder into place, the replaced one out of the way first."""
    for member, setting in archive.FILE_FOLDERS.items():
        target = Path(getattr(settings, setting))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.replace(work / f"replaced-{target.name}")
        (content / member).mkdir(parents=True, exist_ok=True)
        shutil.move(content / member, target)
    prefixes = tuple(f"{member}/" for member in archive.FILE_FOLDERS)
    return sum(1 for name in manifest["members"] if name.startswith(prefixes))


def _restore_secret_key(content: Path) -> None:
    key = content / archive.SECRET_KEY_MEMBER
    if key.is_file():
        target = settings.DATA_DIR / archive.SECRET_KEY_MEMBER
        target.write_text(key.read_text())
        target.chmod(0o600)


def _verify_tables(manifest: dict[str, Any], report: Report) -> dict[str, Any]:
    """The restore's proof: each table as the manifest recorded it at backup time."""
    expected: dict[str, Any] = manifest["tables"]
    found = portable.table_digests()
    wrong = sorted(
        table for table in set(expected) | set(found) if expected.get(table) != found.get(table)
    )
    if wrong:
        raise BackupError(
            f"the restored database differs from the archive in {len(wrong)} tables "
            f"({', '.join(wrong[:10])}); the restore is marked unfinished"
        )
    report(f"verified {len(found)} tables against the archive's row counts and hashes")
    return found
