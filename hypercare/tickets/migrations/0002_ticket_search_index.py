"""Full-text search over tickets: SQLite FTS5 embedded, PostgreSQL GIN distributed."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SEARCHED_COLUMNS = "title, description, error_seen, action_attempted"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE tickets_ticket_fts USING fts5(
        {SEARCHED_COLUMNS}, content='tickets_ticket', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER tickets_ticket_fts_insert AFTER INSERT ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_fts(rowid, {SEARCHED_COLUMNS})
        VALUES (new.id, new.title, new.description, new.error_seen, new.action_attempted);
    END""",
    f"""CREATE TRIGGER tickets_ticket_fts_delete AFTER DELETE ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, {SEARCHED_COLUMNS})
        VALUES ('delete', old.id, old.title, old.description, old.error_seen,
                old.action_attempted);
    END""",
    f"""CREATE TRIGGER tickets_ticket_fts_update
        AFTER UPDATE OF {SEARCHED_COLUMNS} ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, {SEARCHED_COLUMNS})
        VALUES ('delete', old.id, old.title, old.description, old.error_seen,
                old.action_attempted);
        INSERT INTO tickets_ticket_fts(rowid, {SEARCHED_COLUMNS})
        VALUES (new.id, new.title, new.description, new.error_seen, new.action_attempted);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER tickets_ticket_fts_update",
    "DROP TRIGGER tickets_ticket_fts_delete",
    "DROP TRIGGER tickets_ticket_fts_insert",
    "DROP TABLE tickets_ticket_fts",
]
POSTGRES_CREATE = [
    """CREATE INDEX ticket_search_gin ON tickets_ticket USING GIN (
        to_tsvector('simple', title || ' ' || description || ' ' || error_seen
                    || ' ' || action_attempted))""",
]
POSTGRES_DROP = ["DROP INDEX ticket_search_gin"]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
