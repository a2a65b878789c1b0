from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _repair_search_index(using: str, **kwargs: Any) -> None:
    from hypercare.tickets.search_index import ensure_search_index

    connection = connections[using]
    # Only SQLite rebuilds tables (and so drops triggers) in migrations.
    if connection.vendor == "sqlite":
        ensure_search_index(connection)


class TicketsConfig(AppConfig):
    name = "hypercare.tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from hypercare import setup_cache
        from hypercare.tickets import event_kinds, events
        from hypercare.tickets.choices import EventKind
        from hypercare.tickets.models import RoutingRule

        event_kinds.register(EventKind, events.SENTENCES)
        setup_cache.track(RoutingRule)
        # Schema upkeep, not domain flow: SQLite table rebuilds drop the FTS triggers.
        post_migrate.connect(_repair_search_index, sender=self)
