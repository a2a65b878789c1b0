"""A database of its own for each benchmark size: how both benchmarks name it and make it.

``bench.run`` and ``bench.sla_sweep`` run each size in a child process with the
environment made here. ``DATABASE_URL`` and ``SECRET_KEY`` from the caller's environment
are left out, so a benchmark never opens, let alone empties, a real database. Without
``--database-url`` the child uses SQLite in its temporary ``HYPERCARE_DATA_DIR``.

``--database-url postgres://USER@HOST:PORT/NAME`` names a PostgreSQL *server*: each size
gets a new database ``NAME_<8 random hex digits>`` on it (``hypercare_bench_...`` when the
URL has no NAME), created for the child and dropped after it, however the child ends.
The database called NAME itself is never touched, and the random suffix lets two runs
share a server. The user must be allowed to create databases; they are created and
dropped from the server's ``postgres`` database. ``--postgres`` is short for the local
server, ``--database-url postgres://postgres@127.0.0.1:5432/hypercare_bench``.
"""

import argparse
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/hypercare_bench"
DEFAULT_NAME = "hypercare_bench"
# The suffix takes 9 of PostgreSQL's 63 characters; a plain name needs no quoting anywhere.
NAME_PATTERN = re.compile(r"[a-z_][a-z0-9_]{0,49}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--database-url`` and its shorthand ``--postgres``; both set ``database_url``."""
    parser.add_argument(
        "--database-url",
        type=_server_url,
        metavar="postgres://USER@HOST:PORT/NAME",
        help="benchmark PostgreSQL on this server: each size in a new database NAME_<random>, "
        "dropped after it (default: SQLite in a temporary directory)",
    )
    parser.add_argument(
        "--postgres",
        dest="database_url",
        action="store_const",
        const=LOCAL_SERVER,
        help=f"short for --database-url {LOCAL_SERVER}",
    )


def _server_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("postgres", "postgresql"):
        raise argparse.ArgumentTypeError("must be a postgres:// URL")
    name = parts.path.strip("/")
    if name and not NAME_PATTERN.fullmatch(name):
        raise argparse.ArgumentTypeError(
            "the database name must be lowercase letters, digits and _, at most 50 of them"
        )
    return text


@contextmanager
def child_environment(
    data_dir: str, database_url: str | None, **settings: str
) -> Iterator[dict[str, str]]:
    """The environment of a child that benchmarks one size in ``data_dir``, with
    ``settings`` added; on PostgreSQL its database exists until the block ends."""
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "SECRET_KEY")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hypercare.settings",
        HYPERCARE_DATA_DIR=data_dir,
        DEBUG="false",
        LOG_LEVEL="WARNING",
    )
    env.update(settings)
    if database_url is None:
        yield env
        return
    with _new_database(database_url) as url:
        env["DATABASE_URL"] = url
        yield env


@contextmanager
def _new_database(server_url: str) -> Iterator[str]:
    """A new database on ``server_url``'s server, as a URL; dropped when the block ends."""
    parts = urlsplit(server_url)
    name = f"{parts.path.strip('/') or DEFAULT_NAME}_{secrets.token_hex(4)}"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    database = sql.Identifier(name)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(database))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        # FORCE: a server or worker the child left behind must not keep the database alive.
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
