"""SLA events kept their due time as text ("Due 2026-11-20T20:20:47+00:00"); it is now a
value (old_value) said in each reader's zone, so the old rows move it there."""

from datetime import datetime

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PREFIX = "Due "


def due_times_as_values(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    events = apps.get_model("tickets", "TicketEvent").objects
    rows = events.filter(kind__in=["sla_warning", "sla_breached"], reason__startswith=PREFIX)
    for event in rows.iterator():
        due = datetime.fromisoformat(event.reason.removeprefix(PREFIX))
        events.filter(pk=event.pk).update(old_value=due.isoformat(), reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0003_refuse_control_characters_in_names"),
        ("tickets", "0011_refuse_control_characters_in_names"),
    ]

    operations = [migrations.RunPython(due_times_as_values, migrations.RunPython.noop)]
