"""The dashboards' covering indexes on tickets, created on PostgreSQL only.

They let PostgreSQL count a period's tickets from an index alone over a million tickets
(bench.reports). SQLite, the embedded default for one desk's few thousand tickets, counts
those quickly without them, and each wide index costs every ticket write (mail intake and
the portal open tickets on SQLite one write at a time). So the model declares them (the
migration state knows them) and the database gets them where they pay.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

REPORT_COLUMNS = ["institution", "module", "category", "team"]

INDEXES = [
    models.Index(
        fields=[
            "created_at",
            *REPORT_COLUMNS,
            "tier",
            "channel",
            "priority",
            "status",
            "first_response_state",
            "first_response_due_at",
            "resolution_state",
            "resolution_due_at",
            "id",
        ],
        name="ticket_report_opened",
    ),
    models.Index(
        fields=["first_responded_at", "created_at", *REPORT_COLUMNS, "id"],
        name="ticket_report_responded",
    ),
    models.Index(
        fields=["resolved_at", "created_at", *REPORT_COLUMNS, "id"],
        name="ticket_report_resolved",
    ),
    models.Index(
        fields=["status", "created_at", *REPORT_COLUMNS, "assignee", "id"],
        name="ticket_report_backlog",
    ),
]


def add_on_postgresql(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    ticket = apps.get_model("tickets", "Ticket")
    for index in INDEXES:
        schema_editor.add_index(ticket, index)


def remove_on_postgresql(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    ticket = apps.get_model("tickets", "Ticket")
    for index in INDEXES:
        schema_editor.remove_index(ticket, index)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_institution_surveys_enabled"),
        ("releases", "0002_release_note_items"),
        ("sla", "0004_sla_event_due_times_as_values"),
        ("tickets", "0014_ticket_participants"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="ticket", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(add_on_postgresql, remove_on_postgresql)],
        ),
    ]
