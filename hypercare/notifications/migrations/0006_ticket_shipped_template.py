"""The default wording of the "fix shipped in a release" notification; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "ticket_shipped": (
        "[{{ ticket.reference }}] Fixed in release {{ version }}: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe fix for {{ ticket.reference }} "
        '"{{ ticket.title }}" has shipped in release {{ version }}. Once your institution '
        "has the release, please check that it works for you; if it does not, reply on the "
        "ticket and say so.",
    ),
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    for event, (subject, body) in TEMPLATES.items():
        model.objects.create(event=event, subject=subject, body=body + SIGNATURE)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_ticket_shipped_event")]

    operations = [migrations.RunPython(create, remove)]
