"""The default wording of a product idea's status change, told to the requesters of its
tickets; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "idea_status_changed": (
        "[{{ ticket.reference }}] Your idea is {{ said }}",
        "Hello {{ recipient.display_name }},\n\nYou asked for {{ ticket.reference }} "
        '"{{ ticket.title }}". We recorded it as the product idea "{{ idea.title }}", '
        "which is now {{ said }}.",
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
    dependencies = [("notifications", "0026_idea_status_changed_event")]

    operations = [migrations.RunPython(create, remove)]
