"""The default wording of every notification; admins edit it afterwards."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "ticket_received": (
        "[{{ ticket.reference }}] We have your request: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nWe have received your request "
        '"{{ ticket.title }}". Its reference is {{ ticket.reference }}; quote it in any '
        "message about this issue.\n\nPriority: {{ ticket.get_priority_display }}.",
    ),
    "public_reply": (
        "[{{ ticket.reference }}] New reply: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ author }} wrote:\n\n{{ body }}",
    ),
    "status_changed": (
        "[{{ ticket.reference }}] Now {{ ticket.get_status_display|lower }}: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYour request {{ ticket.reference }} is now "
        "{{ ticket.get_status_display|lower }}.",
    ),
    "ticket_resolved": (
        "[{{ ticket.reference }}] Resolved: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nWe believe {{ ticket.reference }} is resolved. "
        "If it is not fixed, reply or open the ticket and say so: it will be reopened.",
    ),
    "ticket_assigned": (
        "[{{ ticket.reference }}] Assigned to you: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ ticket.reference }} "
        "({{ ticket.get_priority_display }}, {{ ticket.institution }}) is now yours.",
    ),
    "sla_warning": (
        "[{{ ticket.reference }}] SLA warning: {{ clock }} due {{ due_at }}",
        "{{ ticket.reference }} ({{ ticket.get_priority_display }}, {{ ticket.institution }}) "
        "has used {{ percent }} % of its {{ clock }} target. Due {{ due_at }}.",
    ),
    "sla_breach": (
        "[{{ ticket.reference }}] SLA BREACHED: {{ clock }}",
        "{{ ticket.reference }} ({{ ticket.get_priority_display }}, {{ ticket.institution }}) "
        "breached its {{ clock }} target, due {{ due_at }}.",
    ),
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    for event, (subject, body) in TEMPLATES.items():
        model.objects.create(event=event, subject=subject, body=body + SIGNATURE)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("notifications", "NotificationTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_outbox_templates_preferences")]

    operations = [migrations.RunPython(create, remove)]
