"""``hypercare backup``: one consistent, timestamped archive of the whole installation.

The archive (``hypercare-backup-YYYYmmddTHHMMSSZ.tar.gz``) holds:

- ``database/``: the database in its vendor's format (``database.py``);
- ``portable/``: every table as JSON lines, for a restore on the other vendor;
- ``files/attachments/`` and ``files/mail/``: the attachment folder and the mail spool;
- ``settings.json``: what a restore needs to read the rest (vendor, time zone, layout);
- ``secret_key``: only when asked for (``--include-secrets``);
- ``manifest.json``: the SHA-256 and size of every other member, the versions (Hypercare,
  Django, the schema's migration heads, the database vendor) and each table's digest.

The database comes first and the files after it: attachments are written once under a
new name and never changed, so every file the snapshot names is already on disk. The
archive is written under a hidden name and renamed when complete, so a file with the
archive's name is always a whole backup.
"""

import hashlib
import importlib.metadata
import json
import shutil
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from hypercare.backups import database, portable
from hypercare.lib import clock

FORMAT = 1
PREFIX = "hypercare-backup-"
SUFFIX = ".tar.gz"
TIME_FORMAT = "%Y%m%dT%H%M%SZ"
MANIFEST = "manifest.json"
SETTINGS = "settings.json"
SECRET_KEY_MEMBER = "secret_key"  # noqa: S105 (a file name, not a key)
PORTABLE = "portable"
FILE_FOLDERS = {"files/attachments": "HYPERCARE_ATTACHMENT_DIR", "files/mail": "EMAIL_FILE_PATH"}


def archive_name(taken_at: datetime) -> str:
    return f"{PREFIX}{taken_at.astimezone(UTC):{TIME_FORMAT}}{SUFFIX}"


def archive_time(name: str) -> datetime | None:
    """When the archive called ``name`` was taken, or None for any other file."""
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        return None
    try:
        return datetime.strptime(f"{name[len(PREFIX) : -len(SUFFIX)]}+0000", f"{TIME_FORMAT}%z")
    except ValueError:
        return None


def create_backup(*, destination: Path, include_secrets: bool = False) -> Path:
    """Write an archive into ``destination`` and answer its path."""
    destination.mkdir(parents=True, exist_ok=True)
    taken_at = clock.now()
    final = destination / archive_name(taken_at)
    with tempfile.TemporaryDirectory(dir=destination, prefix=".backup-") as work_name:
        work = Path(work_name)
        content = work / "content"
        with database.snapshot(content) as alias:
            portable.dump(content / PORTABLE, using=alias)
            tables = portable.table_digests(using=alias)
        for member, setting in FILE_FOLDERS.items():
            _copy_folder(Path(getattr(settings, setting)), content / member)
        _write_json(content / SETTINGS, _readable_settings(include_secrets))
        if include_secrets:
            (content / SECRET_KEY_MEMBER).write_text(settings.SECRET_KEY)
        manifest = _manifest(content, taken_at, tables)
        partial = work / final.name
        _write_tar(partial, content, manifest)
        partial.replace(final)
    return final


def _copy_folder(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def _readable_settings(include_secrets: bool) -> dict[str, Any]:
    return {
        "database_vendor": connection.vendor,
        "time_zone": settings.TIME_ZONE,
        "auth_user_model": settings.AUTH_USER_MODEL,
        "site_url": settings.SITE_URL,
        "attachment_dir": str(settings.HYPERCARE_ATTACHMENT_DIR),
        "mail_dir": str(settings.EMAIL_FILE_PATH),
        "secret_key_included": include_secrets,
    }


def _manifest(content: Path, taken_at: datetime, tables: dict[str, Any]) -> dict[str, Any]:
    members = {
        path.relative_to(content).as_posix(): {
            "sha256": file_sha256(path),
            "size": path.stat().st_size,
        }
        for path in sorted(content.rglob("*"))
        if path.is_file()
    }
    return {
        "format": FORMAT,
        "taken_at": taken_at.isoformat(),
        "versions": current_versions(),
        "database": {"vendor": connection.vendor, "member": database.MEMBERS[connection.vendor]},
        "tables": tables,
        "members": members,
    }


def current_versions() -> dict[str, Any]:
    return {
        "hypercare": importlib.metadata.version("hypercare"),
        "django": django.get_version(),
        "database": connection.vendor,
        "migrations": applied_heads(),
    }


def applied_heads() -> list[str]:
    """Each app's last applied migrations, as ``app.name``: the schema the rows fit."""
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations)
    heads = [
        key
        for key in applied
        if key in loader.graph.nodes
        and not any(
            child.key in applied and child.key[0] == key[0]
            for child in loader.graph.node_map[key].children
        )
    ]
    return sorted(f"{app}.{name}" for app, name in heads)


def code_heads() -> list[str]:
    """This version's last migration of each app, as ``app.name``."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(f"{app}.{name}" for app, name in graph.leaf_nodes())


def _write_tar(path: Path, content: Path, manifest: dict[str, Any]) -> None:
    _write_json(content / MANIFEST, manifest)
    with tarfile.open(path, "w:gz", compresslevel=6) as tar:
        tar.add(content / MANIFEST, arcname=MANIFEST)
        for member in manifest["members"]:
            tar.add(content / member, arcname=member)


def _write_json(path: Path, value: dict[str, Any]) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
