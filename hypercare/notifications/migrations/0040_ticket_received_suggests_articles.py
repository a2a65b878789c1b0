"""The "we have your request" mail also suggests up to three help articles its requester
may read that may already answer it. A template an admin has edited is left as they
wrote it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
BEFORE = (
    "Hello {{ recipient.display_name }},\n\nWe have received your request "
    '"{{ ticket.title }}". Its reference is {{ ticket.reference }}; quote it in any '
    "message about this issue.\n\nPriority: {{ ticket.get_priority_display }}."
    "{% if answers %}\n\nWhat you told us:\n{% for label, value in answers %}"
    "{{ label }}\n  {{ value }}\n{% endfor %}{% endif %}" + SIGNATURE
)
AFTER = (
    "Hello {{ recipient.display_name }},\n\nWe have received your request "
    '"{{ ticket.title }}". Its reference is {{ ticket.reference }}; quote it in any '
    "message about this issue.\n\nPriority: {{ ticket.get_priority_display }}."
    "{% if answers %}\n\nWhat you told us:\n{% for label, value in answers %}"
    "{{ label }}\n  {{ value }}\n{% endfor %}{% endif %}"
    "{% if articles %}\n\nThese help articles may already answer it:\n"
    "{% for article in articles %}{{ article.title }}\n  {{ article.url }}\n{% endfor %}"
    "{% endif %}" + SIGNATURE
)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="ticket_received", body=BEFORE).update(body=AFTER)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="ticket_received", body=AFTER).update(body=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0039_survey_templates")]

    operations = [migrations.RunPython(forward, backward)]
