"""PostgreSQL search ignores accents and splits words as SQLite's FTS5 tokenizer does.

The 'simple' parser reads "TXN-3129" as "txn" and the number "-3129"; searching for the
words "TXN 3129" would then miss it. Indexing only letters and digits, accents removed,
gives both databases the same words.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARD = [
    # A trusted extension since PostgreSQL 13: a database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() itself is not IMMUTABLE, so an index cannot use it directly.
    """CREATE OR REPLACE FUNCTION hypercare_search_text(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT regexp_replace(public.unaccent('public.unaccent'::regdictionary, $1),
                                   '[^[:alnum:]]+', ' ', 'g') $$""",
    "DROP INDEX IF EXISTS ticket_search_gin",
    """CREATE INDEX ticket_search_gin ON tickets_ticket USING GIN (
       to_tsvector('simple', hypercare_search_text(title || ' ' || description || ' ' ||
                   error_seen || ' ' || action_attempted)))""",
]
BACKWARD = [
    "DROP INDEX IF EXISTS ticket_search_gin",
    """CREATE INDEX ticket_search_gin ON tickets_ticket USING GIN (
       to_tsvector('simple', title || ' ' || description || ' ' || error_seen
                   || ' ' || action_attempted))""",
    "DROP FUNCTION IF EXISTS hypercare_search_text(text)",
]


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_handover_and_escalation_events")]

    operations = [migrations.RunPython(forward, backward)]
