from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _repair_search_index(using: str, **kwargs: Any) -> None:
    from hypercare.knowledge.search_index import ensure_search_index

    connection = connections[using]
    # Only SQLite rebuilds tables (and so drops triggers) in migrations.
    if connection.vendor == "sqlite":
        ensure_search_index(connection)


class KnowledgeConfig(AppConfig):
    name = "hypercare.knowledge"
    verbose_name = "Knowledge and training"

    def ready(self) -> None:
        from hypercare.knowledge import events
        from hypercare.knowledge.choices import KnowledgeTicketEventKind
        from hypercare.knowledge.workflow import question_progress
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(KnowledgeTicketEventKind, events.SENTENCES)
        workflows.register(Category.QUESTION, question_progress)
        # Schema upkeep, not domain flow: SQLite table rebuilds drop the FTS triggers.
        post_migrate.connect(_repair_search_index, sender=self)
