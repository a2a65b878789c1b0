"""The default wording of the scheduled review pack's mail; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
SUBJECT = "{{ pack.get_kind_display }}: {{ pack.scope_label }}"
BODY = (
    "Hello {{ recipient.display_name }},\n\nThe {{ pack.get_kind_display|lower }} of "
    "{{ pack.scope_label }} is ready. Read it on the desk, with its HTML page and "
    "spreadsheet:\n\n{{ pack_link }}\n\nThe PDF: {{ pdf_link }}"
)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.create(event="review_pack", subject=SUBJECT, body=BODY + SIGNATURE)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="review_pack").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0041_review_pack_event")]

    operations = [migrations.RunPython(create, remove)]
