"""The default wording of "your request continues on the ticket it was merged into"."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "ticket_merged": (
        "[{{ ticket.reference }}] Your request {{ duplicate.reference }} continues here: "
        "{{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYour request {{ duplicate.reference }} "
        '"{{ duplicate.title }}" is about the same issue as {{ ticket.reference }} '
        '"{{ ticket.title }}", so we have merged them: {{ duplicate.reference }} is closed '
        "and the work continues on {{ ticket.reference }}, which you now follow. You will "
        "hear about its progress, and a reply to either ticket reaches us there.",
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
    dependencies = [("notifications", "0013_ticket_merged_event")]

    operations = [migrations.RunPython(create, remove)]
