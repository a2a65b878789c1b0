"""The full-text index over tickets: SQLite FTS5 embedded, a PostgreSQL GIN index distributed.

Both ignore case and accents ("Jose" finds "José").

On SQLite the index is an external-content FTS5 table kept in step by triggers. SQLite
migrations that rebuild the ticket table (many schema changes do) drop its triggers, so
``ensure_search_index`` runs after every ``migrate``: it recreates whatever is missing and,
if the triggers were gone, rebuilds the index from the table.
"""

# ruff: noqa: S608 -- the SQL is built from constants in this module, never from input.

from django.db.backends.base.base import BaseDatabaseWrapper

SEARCHED_COLUMNS = "title, description, error_seen, action_attempted"
_NEW = "new.title, new.description, new.error_seen, new.action_attempted"
_OLD = "old.title, old.description, old.error_seen, old.action_attempted"

SQLITE_TABLE = f"""CREATE VIRTUAL TABLE IF NOT EXISTS tickets_ticket_fts USING fts5(
    {SEARCHED_COLUMNS}, content='tickets_ticket', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2')"""
SQLITE_TRIGGERS = {
    "tickets_ticket_fts_insert": f"""AFTER INSERT ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_fts(rowid, {SEARCHED_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    "tickets_ticket_fts_delete": f"""AFTER DELETE ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, {SEARCHED_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
    END""",
    "tickets_ticket_fts_update": f"""AFTER UPDATE OF {SEARCHED_COLUMNS} ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, {SEARCHED_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
        INSERT INTO tickets_ticket_fts(rowid, {SEARCHED_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
}
# The indexed expression (migration tickets/0006); queries must use it verbatim.
POSTGRES_DOCUMENT = (
    "to_tsvector('simple', hypercare_search_text(title || ' ' || description || ' ' || "
    "error_seen || ' ' || action_attempted))"
)


def ensure_search_index(connection: BaseDatabaseWrapper) -> None:
    """Create the SQLite index where it is missing; safe to run any number of times."""
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_TABLE)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
        if missing:
            cursor.execute("INSERT INTO tickets_ticket_fts(tickets_ticket_fts) VALUES ('rebuild')")
