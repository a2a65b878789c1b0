"""The default wording of the mail telling a requester their resolved ticket closes soon."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
SUBJECT = "[{{ ticket.reference }}] Closing on {{ closes_at }}: {{ ticket.title }}"
BODY = (
    "Hello {{ recipient.display_name }},\n\n{{ ticket.reference }} was resolved and will "
    "close on {{ closes_at }}. If it is not fixed, reply before then or open the ticket and "
    "say so: it will be reopened. After that, a new ticket is needed."
)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.create(event="ticket_closing", subject=SUBJECT, body=BODY + SIGNATURE)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="ticket_closing").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0043_ticket_closing_event")]

    operations = [migrations.RunPython(create, remove)]
