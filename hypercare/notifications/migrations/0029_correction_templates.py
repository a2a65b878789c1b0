"""The default wording of a data correction's notifications: the data owner asked to
sign off, the ticket's owner told of the decision, the requester asked to verify, the
ticket's owner told it is not right; admins edit them."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "correction_sign_off_requested": (
        "[{{ ticket.reference }}] Please sign off a data correction: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nYou are the data owner named on "
        '{{ ticket.reference }} "{{ ticket.title }}" ({{ ticket.institution }}). Nothing is '
        "changed in your data until you sign it off: please read the correction record on "
        "the ticket (records affected, each value before and after, the reason and how it "
        "would be reversed), then sign it off or refuse it with a comment.",
    ),
    "correction_sign_off_decided": (
        "[{{ ticket.reference }}] Correction {% if signed_off %}signed off{% else %}"
        "REFUSED{% endif %} by {{ data_owner.display_name }}",
        "{{ data_owner.display_name }} {% if signed_off %}signed off{% else %}refused"
        "{% endif %} the correction record of {{ ticket.reference }} "
        "({{ ticket.institution }}).{% if comment %}\n\nTheir comment: {{ comment }}"
        "{% endif %}{% if signed_off %}\n\nThe correction can now be applied.{% endif %}",
    ),
    "correction_applied": (
        "[{{ ticket.reference }}] Your data correction is made: {{ ticket.title }}",
        "Hello {{ recipient.display_name }},\n\nThe correction you asked for in "
        '{{ ticket.reference }} "{{ ticket.title }}" has been applied, as signed off by '
        "the data owner. Please check the records and say on the ticket whether it is "
        "right.",
    ),
    "correction_not_right": (
        "[{{ ticket.reference }}] Correction NOT right, says {{ requester.display_name }}",
        "{{ requester.display_name }} says the correction applied on {{ ticket.reference }} "
        "({{ ticket.institution }}) is not right:\n\n{{ comment }}",
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
    dependencies = [("notifications", "0028_correction_events")]

    operations = [migrations.RunPython(create, remove)]
