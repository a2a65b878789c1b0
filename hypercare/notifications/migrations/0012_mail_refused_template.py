"""The default wording of the "your mail was too large" notice; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "mail_refused": (
        "Not received: {{ subject }}",
        "Hello,\n\nYour message \"{{ subject }}\" was too large for the support desk to "
        "take in ({{ size_mb }} MB; the limit is {{ limit_mb }} MB). Nothing was lost: the "
        "desk keeps it for review. To be sure it is dealt with, please send it again "
        "without the large attachments, or share them another way.",
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
    dependencies = [("notifications", "0011_outbox_bounces")]

    operations = [migrations.RunPython(create, remove)]
