"""The default wording of a problem's workaround, posted to a requester; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "workaround_published": (
        "[{{ ticket.reference }}] A workaround for: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nWhile we work on the cause of "
        '{{ ticket.reference }} "{{ ticket.title }}", here is a way to carry on:\n\n'
        "{{ workaround }}\n\nWe will tell you when the fix ships.",
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
    dependencies = [("notifications", "0019_workaround_published_event")]

    operations = [migrations.RunPython(create, remove)]
