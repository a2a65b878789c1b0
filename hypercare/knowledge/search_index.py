"""The full-text index over articles, built as the ticket index is
(``tickets/search_index.py``): SQLite FTS5 embedded, a PostgreSQL GIN index distributed,
both ignoring case and accents and splitting words alike.

On SQLite the index is an external-content FTS5 table kept in step by triggers;
``ensure_search_index`` recreates what a table rebuild dropped after every ``migrate``.
"""

# ruff: noqa: S608 -- the SQL is built from constants in this module, never from input.

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_article_fts USING fts5(
    title, body, content='knowledge_article', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2')"""
SQLITE_TRIGGERS = {
    "knowledge_article_fts_insert": """AFTER INSERT ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "knowledge_article_fts_delete": """AFTER DELETE ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    "knowledge_article_fts_update": """AFTER UPDATE OF title, body ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO knowledge_article_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
}
# The indexed expression (migration knowledge/0003); queries must use it verbatim. The
# title is given twice so that a word of the title ranks above one of the text.
POSTGRES_DOCUMENT = (
    "to_tsvector('simple', hypercare_search_text(title || ' ' || title || ' ' || body))"
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
            cursor.execute(
                "INSERT INTO knowledge_article_fts(knowledge_article_fts) VALUES ('rebuild')"
            )
