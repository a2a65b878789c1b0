"""The default wording of a training note sent to an institution's people of one ERP
role; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "training_note": (
        "Training note: {{ article.title }}",
        "Hello {{ recipient.display_name }},\n\nThe support desk wrote a training note for "
        '{{ erp_role }} staff at {{ institution.name }}: "{{ article.title }}". Read it '
        "here: {{ address }}",
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
    dependencies = [("notifications", "0036_training_note_event")]

    operations = [migrations.RunPython(create, remove)]
