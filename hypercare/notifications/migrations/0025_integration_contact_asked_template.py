"""The default wording of the mail asking an integration's contact; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "integration_contact_asked": (
        "[{{ ticket.reference }}] {{ integration.name }}: {{ ticket.title }}",
        "Hello {{ contact.name }},\n\n{{ asked_by.display_name }} of the support desk asks "
        "about {{ integration.name }}, for {{ ticket.institution.name }}:\n\n{{ message }}"
        "\n\nPlease answer this mail, keeping {{ ticket.reference }} in the subject, so "
        "your answer reaches the ticket.",
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
    dependencies = [("notifications", "0024_integration_contact_asked_event")]

    operations = [migrations.RunPython(create, remove)]
