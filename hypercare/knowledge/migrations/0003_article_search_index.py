"""Full-text search over articles: SQLite FTS5 embedded, PostgreSQL GIN distributed (the
same words as ticket search: ``hypercare_search_text`` from tickets/0006)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from hypercare.knowledge.search_index import POSTGRES_DOCUMENT, ensure_search_index


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        ensure_search_index(schema_editor.connection)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX article_search_gin ON knowledge_article USING GIN ({POSTGRES_DOCUMENT})"
        )


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS knowledge_article_fts")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_articles"),
        ("tickets", "0006_accent_insensitive_search"),
    ]

    operations = [migrations.RunPython(create, drop)]
