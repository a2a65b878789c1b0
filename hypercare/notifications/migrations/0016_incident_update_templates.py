"""The default wording of the major incident updates and missed updates; admins edit them."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "incident_update": (
        "[{{ ticket.reference }}] Known issue: {{ incident_title }}",
        "Hello {{ recipient.display_name }},\n\nYour request {{ ticket.reference }} "
        '"{{ ticket.title }}" is affected by a known issue we are working on: '
        "{{ incident_title }}, since {{ started_at }}.\n\n{{ body }}"
        "{% if next_update_due %}\n\nNext update by {{ next_update_due }}.{% endif %}",
    ),
    "incident_institution_update": (
        "Known issue: {{ incident_title }}",
        "Hello {{ recipient.display_name }},\n\nAn update on a known issue affecting "
        "{{ institution }}: {{ incident_title }}, since {{ started_at }}.\n\n{{ body }}"
        "{% if tickets %}\n\nYour institution's requests it affects:"
        "{% for row in tickets %}\n  {{ row.reference }} {{ row.title }}{% endfor %}{% endif %}"
        "{% if next_update_due %}\n\nNext update by {{ next_update_due }}.{% endif %}",
    ),
    "incident_update_missed": (
        "[{{ reference }}] Major incident update MISSED: {{ incident_title }}",
        "The update on the major incident {{ reference }} ({{ incident_title }}, "
        "{{ children }} ticket{{ children|pluralize }}) was due {{ due }} and has not been "
        "posted.",
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
    dependencies = [("notifications", "0015_incident_update_events")]

    operations = [migrations.RunPython(create, remove)]
