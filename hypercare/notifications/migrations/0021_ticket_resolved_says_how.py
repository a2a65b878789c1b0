"""The "resolved" mail also says how, with the resolution note that is on the requester's
timeline (a major incident's resolution, say). A template an admin has edited is left as
they wrote it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
BEFORE = (
    "Hello {{ recipient.display_name }},\n\nWe believe {{ ticket.reference }} is resolved. "
    "If it is not fixed, reply or open the ticket and say so: it will be reopened." + SIGNATURE
)
AFTER = (
    "Hello {{ recipient.display_name }},\n\nWe believe {{ ticket.reference }} is resolved. "
    "If it is not fixed, reply or open the ticket and say so: it will be reopened."
    "{% if note %}\n\nHow it was resolved: {{ note }}{% endif %}" + SIGNATURE
)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="ticket_resolved", body=BEFORE).update(body=AFTER)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="ticket_resolved", body=AFTER).update(body=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0020_workaround_published_template")]

    operations = [migrations.RunPython(forward, backward)]
