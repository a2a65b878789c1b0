"""The database in its vendor's own format: taken while the desk serves, put back whole.

SQLite is copied with its online backup API in one step, which holds a read snapshot while
writers carry on (WAL mode). PostgreSQL is dumped by ``pg_dump`` in its custom format
inside a REPEATABLE READ transaction whose snapshot it shares (``--snapshot``), so the
portable dump and the digests written in that same transaction describe the same moment.
"""

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction
from django.db.utils import load_backend

from hypercare.backups.errors import BackupError

SQLITE_MEMBER = "database/hypercare.sqlite3"
POSTGRES_MEMBER = "database/hypercare.pgdump"
MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRES_MEMBER}
SNAPSHOT_ALIAS = "backup_snapshot"


def vendor() -> str:
    if connection.vendor not in MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


@contextmanager
def snapshot(work: Path) -> Iterator[str]:
    """Write the database to ``work`` under its member name and yield the alias of a
    connection that reads exactly what was written."""
    target = work / MEMBERS[vendor()]
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        with _sqlite_snapshot(target) as alias:
            yield alias
    else:
        with _postgres_snapshot(target) as alias:
            yield alias


@contextmanager
def _sqlite_snapshot(target: Path) -> Iterator[str]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # pages=-1 (the default): the whole file in one step, under one read snapshot.
        connection.connection.backup(copy)
    finally:
        copy.close()
    # A connection of this thread alone, not a configured database: nothing else sees it.
    backend = load_backend(connection.settings_dict["ENGINE"])
    reader = backend.DatabaseWrapper(
        {**connection.settings_dict, "NAME": str(target)}, SNAPSHOT_ALIAS
    )
    connections[SNAPSHOT_ALIAS] = reader
    try:
        yield SNAPSHOT_ALIAS
    finally:
        reader.close()
        del connections[SNAPSHOT_ALIAS]


@contextmanager
def _postgres_snapshot(target: Path) -> Iterator[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (exported,) = cursor.fetchone() or ("",)
        _run_pg_tool(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={exported}",
            f"--file={target}",
        )
        yield "default"


def restore(member: Path) -> None:
    """Put the vendor's own dump back as the database, replacing what is there."""
    if connection.vendor == "sqlite":
        _restore_sqlite(member)
    else:
        _restore_postgres(member)


def _restore_sqlite(member: Path) -> None:
    """Swap the file in: a copy beside the database, renamed over it in one step. The old
    write-ahead log goes first, so it is never replayed onto the new file."""
    target = Path(str(connection.settings_dict["NAME"]))
    connection.close()
    staged = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(member, staged)
    for suffix in ("-wal", "-shm"):
        target.with_name(f"{target.name}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


def _restore_postgres(member: Path) -> None:
    clear()
    connection.close()
    _run_pg_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--clean",
        "--if-exists",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
        str(member),
    )


def clear() -> None:
    """Remove the target's schema and rows, for a restore over an installation: the SQLite
    file goes (migrating makes a new one); PostgreSQL's tables are dropped."""
    if connection.vendor == "sqlite":
        target = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            target.with_name(f"{target.name}{suffix}").unlink(missing_ok=True)
        return
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def _run_pg_tool(name: str, *args: str) -> None:
    command = [_pg_tool(name), *args]
    if name == "pg_dump":
        command.append(str(connection.settings_dict["NAME"]))
    result = subprocess.run(  # noqa: S603 (a fixed tool, arguments from settings)
        command, env=_pg_environment(connection.settings_dict), capture_output=True, text=True
    )
    if result.returncode:
        raise BackupError(f"{name} failed: {result.stderr.strip()}")


def _pg_tool(name: str) -> str:
    """The tool on PATH, or the newest under Debian's versioned folders."""
    found = shutil.which(name) or max(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(path.split("/")[4]),
        default=None,
    )
    if found is None:
        raise BackupError(f"{name} not found; install the PostgreSQL client tools")
    return found


def _pg_environment(database: dict[str, Any]) -> dict[str, str]:
    """The connection settings as libpq's variables, so no password is on a command line."""
    variables = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode"),
    }
    return {**os.environ, **{key: str(value) for key, value in variables.items() if value}}
