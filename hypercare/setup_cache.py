"""The desk's setup, read once per process and kept until it changes.

Opening a ticket reads the module, the routing rules and the team, the SLA policy with its
targets and calendar, and the notice template; the SLA engine reads business calendars
with their holidays: a dozen ORM queries that cost more than the insert itself, for rows
that change a few times a month. Each process keeps what it read, tagged with the *setup
revision*: a random token in ``hypercare_setup_revision`` that database triggers replace
whenever a row of a tracked table is inserted, updated, deleted or truncated — by a
service, the admin, a bulk update or a database shell alike. A process reads the token
(one indexed row) before each use, so it sees a change at its next request, and a change
rolled back restores a token no cache was filled under after it. The token is read
before the rows it guards: a change committed in between is caught by the next read,
never cached under the old token.

Each app names the tables it keeps here from its ``AppConfig.ready`` with ``track``. The
revision table and the triggers are installed after every ``migrate`` of that app: SQLite
migrations that rebuild a table drop its triggers, and Django's flush leaves a table it
does not know about alone, so the token never vanishes under a cache.
"""

# ruff: noqa: S608 -- the SQL is built from the constants in this module, never from input.

from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar, cast

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.signals import post_migrate

T = TypeVar("T")
M = TypeVar("M", bound=Model)

REVISION_TABLE = "hypercare_setup_revision"
# Table → the columns whose change matters (empty: all of them), filled by ``track``.
TRACKED: dict[str, tuple[str, ...]] = {}
# Table → the label of the app that tracks it, whose migrations install its triggers.
_OWNERS: dict[str, str] = {}
_SQLITE_NEW_REVISION = "lower(hex(randomblob(16)))"
_POSTGRES_NEW_REVISION = "md5(random()::text || clock_timestamp()::text)"

_kept: dict[Hashable, tuple[str, Any]] = {}


def track(model: type[Model], *columns: str) -> None:
    """Keep ``model``'s rows in the setup: any change to them (to ``columns``, when named)
    gives a new revision. Called from the owning app's ``AppConfig.ready``."""
    table = model._meta.db_table
    TRACKED[table] = tuple(_column(model, name) for name in columns)
    owner = apps.get_app_config(model._meta.app_label)
    _OWNERS[table] = owner.label
    post_migrate.connect(
        _install_after_migrate, sender=owner, dispatch_uid=f"setup_cache:{owner.label}"
    )


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ImproperlyConfigured(f"{model.__name__}.{name} is not a column")
    return field.column


def _install_after_migrate(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Schema upkeep, not domain flow: the migrated app's triggers come back."""
    owned = [table for table, label in _OWNERS.items() if label == sender.label]
    install_revision_triggers(connections[using], tables=owned)


def cached(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``'s answer, kept until the setup changes. It must be treated as read-only."""
    revision = setup_revision()
    kept = _kept.get(key)
    if kept is not None and kept[0] == revision:
        return cast(T, kept[1])
    value = load()
    _kept[key] = (revision, value)
    return value


def setup_revision() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {REVISION_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def rebuilt(model: type[M], values: dict[str, Any]) -> M:
    """A fresh instance from cached column values; columns left out load when first used.

    Each caller gets its own instance, so nothing one request caches on it (a related row,
    a changed field) reaches another.
    """
    return model.from_db(connection.alias, list(values), list(values.values()))


def install_revision_triggers(
    database: BaseDatabaseWrapper, tables: Collection[str] | None = None
) -> None:
    """Create the revision table, its row and the missing triggers of ``tables`` (every
    tracked table by default); new token.

    Safe to run any number of times; tables not created yet are skipped.
    """
    existing = set(database.introspection.table_names())
    tables = [table for table in (TRACKED if tables is None else tables) if table in existing]
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            _install_postgres(cursor, tables)
        else:
            _install_sqlite(cursor, tables)


def _install_sqlite(cursor: Any, tables: list[str]) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {REVISION_TABLE} "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL)"
    )
    cursor.execute(
        f"INSERT INTO {REVISION_TABLE} (id, token) VALUES (1, {_SQLITE_NEW_REVISION}) "
        f"ON CONFLICT (id) DO UPDATE SET token = excluded.token"
    )
    bump = f"UPDATE {REVISION_TABLE} SET token = {_SQLITE_NEW_REVISION} WHERE id = 1;"
    for table in tables:
        columns = TRACKED[table]
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        for name, event in (("insert", "INSERT"), ("update", update), ("delete", "DELETE")):
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_setup_{name} AFTER {event} ON {table} "
                f"BEGIN {bump} END"
            )


def _install_postgres(cursor: Any, tables: list[str]) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {REVISION_TABLE} "
        "(id integer PRIMARY KEY CHECK (id = 1), token text NOT NULL)"
    )
    cursor.execute(
        f"INSERT INTO {REVISION_TABLE} (id, token) VALUES (1, {_POSTGRES_NEW_REVISION}) "
        f"ON CONFLICT (id) DO UPDATE SET token = excluded.token"
    )
    cursor.execute(
        "CREATE OR REPLACE FUNCTION hypercare_new_setup_revision() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {REVISION_TABLE} "
        f"SET token = {_POSTGRES_NEW_REVISION} WHERE id = 1; RETURN NULL; END $$"
    )
    for table in tables:
        columns = TRACKED[table]
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_setup ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {table}_setup AFTER INSERT OR {update} OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION hypercare_new_setup_revision()"
        )
