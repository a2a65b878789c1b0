"""The default wording of the satisfaction survey mail to the requester and of the low
rating mail to the team's lead; admins edit them."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "survey_request": (
        "[{{ ticket.reference }}] How did we do?",
        "Hello {{ recipient.display_name }},\n\nYour ticket {{ ticket.reference }} "
        '"{{ ticket.title }}" is resolved. Please rate our support from 1 to 5, with a '
        "comment if you wish; it takes a minute and needs no sign-in:\n\n{{ survey_link }}"
        "\n\nThe link works once, for {{ link_days }} days.",
    ),
    "survey_low_rating": (
        "[{{ ticket.reference }}] Rated {{ survey.rating }} out of 5: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe requester of {{ ticket.reference }} "
        '"{{ ticket.title }}" rated the support {{ survey.rating }} out of 5.'
        "{% if survey.comment %}\n\nTheir comment:\n{{ survey.comment }}{% endif %}"
        "\n\nPlease look at the ticket and follow up with them.",
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
    dependencies = [("notifications", "0038_survey_events")]

    operations = [migrations.RunPython(create, remove)]
