"""The default wording of a major incident's missed resolution target; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "incident_resolve_missed": (
        "[{{ reference }}] Major incident OVERDUE: {{ incident_title }}",
        "The major incident {{ reference }} ({{ incident_title }}, {{ children }} "
        "ticket{{ children|pluralize }}) was to be resolved by {{ due }} and is still active.",
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
    dependencies = [("notifications", "0022_incident_resolve_missed_event")]

    operations = [migrations.RunPython(create, remove)]
