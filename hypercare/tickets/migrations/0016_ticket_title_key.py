"""Tickets store their title's key, which the recurring issues report groups them by.

Existing tickets get theirs in batches of ``BATCH`` read by key order: the key is
computed in Python by the one function that writes it (``tickets.titles.title_key``;
the migration keeps no copy of it, since a copy would drift from the tickets written
later). On PostgreSQL each batch is one ``UPDATE ... FROM unnest(...)``: a million
tickets took about 7 minutes on a shared 2-core machine (bench.reports' database);
elsewhere (SQLite, a small desk) ``bulk_update``.
The report's covering index is created on PostgreSQL only, as the dashboards' are
(migration 0015); the key's own index everywhere.
"""

from typing import Any

from django.db import migrations, models

from hypercare.tickets.titles import title_key

BATCH = 5000
RECURRING_INDEX = models.Index(
    fields=["created_at", "institution", "module", "category", "team", "title_key", "id"],
    name="ticket_report_recurring",
)


def fill_title_keys(apps: Any, schema_editor: Any) -> None:
    ticket = apps.get_model("tickets", "Ticket")
    connection = schema_editor.connection
    last = 0
    while True:
        rows = list(
            ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "title")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        keys = [(pk, title_key(title)) for pk, title in rows]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE tickets_ticket SET title_key = v.k "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(i, k) "
                    "WHERE tickets_ticket.id = v.i",
                    [[pk for pk, _ in keys], [key for _, key in keys]],
                )
        else:
            ticket.objects.bulk_update(
                [ticket(pk=pk, title_key=key) for pk, key in keys], ["title_key"]
            )


def add_on_postgresql(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("tickets", "Ticket"), RECURRING_INDEX)


def remove_on_postgresql(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("tickets", "Ticket"), RECURRING_INDEX)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0015_ticket_report_indexes")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="title_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill_title_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=[
                    "title_key",
                    "created_at",
                    "institution",
                    "module",
                    "category",
                    "team",
                    "id",
                ],
                name="ticket_title_key",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="ticket", index=RECURRING_INDEX)],
            database_operations=[migrations.RunPython(add_on_postgresql, remove_on_postgresql)],
        ),
    ]
