"""The default wording of the escalation notifications; admins edit it afterwards."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "escalation_requested": (
        "[{{ ticket.reference }}] ESCALATION requested: {{ ticket.title }}",
        "{{ ticket.reference }} ({{ ticket.get_priority_display }}, {{ ticket.institution }}) "
        "has been escalated: {{ escalation.get_reason_display }}.\n\n"
        "Business impact: {{ escalation.business_impact }}\n"
        "{% if escalation.milestone_date %}Critical milestone {{ escalation.milestone_date }}: "
        "{{ escalation.milestone }}\n{% endif %}\n"
        "{% if manager %}You are the primary contact. {% else %}No escalation manager could be "
        "chosen: please take it. {% endif %}The first update is due {{ next_update_due }}.",
    ),
    "escalation_assigned": (
        "[{{ ticket.reference }}] Escalation assigned to you: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYou are now the primary contact for the "
        "escalation of {{ ticket.reference }} ({{ ticket.institution }}). The next update is "
        "due {{ next_update_due }}.",
    ),
    "escalation_acknowledged": (
        "[{{ ticket.reference }}] Your escalation is being handled",
        "Hello {{ recipient.display_name }},\n\nThe escalation of {{ ticket.reference }} "
        '"{{ ticket.title }}" is registered. '
        "{% if manager %}{{ manager }} is your escalation manager and primary contact. "
        "{% else %}An escalation manager will be your primary contact shortly. {% endif %}"
        "You can expect the next update by {{ next_update_due }}.",
    ),
    "escalation_update": (
        "[{{ ticket.reference }}] Escalation {{ headline|lower }}: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ headline }} from {{ manager }} on the "
        "escalation of {{ ticket.reference }}:\n\n{{ body }}\n\n"
        "{% if next_update_due %}Next update by {{ next_update_due }}.{% endif %}",
    ),
    "escalation_update_missed": (
        "[{{ ticket.reference }}] Escalation update MISSED: {{ ticket.title }}",
        "The update on the escalation of {{ ticket.reference }} ({{ ticket.institution }}, "
        "{{ escalation.get_level_display }}) was due {{ due }} and has not been posted. "
        "Escalation manager: {{ manager|default:'nobody yet' }}.",
    ),
    "escalation_level_raised": (
        "[{{ ticket.reference }}] Escalation raised to {{ level }}",
        "The escalation of {{ ticket.reference }} ({{ ticket.institution }}) is now at "
        "{{ level }}.\n\nReason: {{ reason }}\n\nEscalation manager: "
        "{{ manager|default:'nobody yet' }}.",
    ),
    "de_escalated": (
        "[{{ ticket.reference }}] De-escalated: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe escalation of {{ ticket.reference }} has "
        "ended and the ticket continues with the support team as usual.\n\n{{ body }}",
    ),
    "escalation_digest": (
        "Daily escalation review {{ day }}: {{ count }} open",
        "Open escalations on {{ day }}: {{ count }}.\n"
        "{% for row in escalations %}\n{{ row.reference }} {{ row.title }} "
        "({{ row.institution }})\n"
        "  {{ row.status }} · {{ row.level }} · manager {{ row.manager }}\n"
        "  Open for {{ row.age }} · last update {{ row.last_update }} · next update due "
        "{{ row.next_update_due }}{% if row.overdue %} (OVERDUE){% endif %}\n"
        "  Action plan: {{ row.action_plan }}\n{% endfor %}",
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
    dependencies = [("notifications", "0003_escalation_events")]

    operations = [migrations.RunPython(create, remove)]
