"""The default wording of the mails to support staff watching a ticket (its internal
notes) and to a staff member mentioned in an internal note."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
WORDING = {
    "internal_note": (
        "[{{ ticket.reference }}] Internal note: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ author }} added an internal note to "
        "{{ ticket.reference }}, which you watch:\n\n{{ body }}",
    ),
    "mentioned": (
        "[{{ ticket.reference }}] {{ author }} mentioned you: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ author }} mentioned you in an internal "
        "note on {{ ticket.reference }}:\n\n{{ body }}",
    ),
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    for event, (subject, body) in WORDING.items():
        model.objects.create(event=event, subject=subject, body=body + SIGNATURE)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event__in=WORDING).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0046_watch_and_mention_events")]

    operations = [migrations.RunPython(create, remove)]
