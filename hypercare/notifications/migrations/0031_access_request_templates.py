"""The default wording of the access requests' notifications; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "access_approval_requested": (
        "[{{ access_request.reference }}] Access to approve: {{ access_request.role }} for {{ access_request.person_name }}",
        "Hello {{ recipient.display_name }},\n\n{{ requested_by }} asks to {{ access_request.get_action_display|lower }} for {{ access_request.person_text }}: {{ access_request.change_text }}, from {{ access_request.effective_on }}{% if access_request.ends_on %} until {{ access_request.ends_on }}{% endif %}.\n\nApprove or reject it: {{ address }}",
    ),
    "access_request_decided": (
        "[{{ access_request.reference }}] {{ access_request.get_status_display }}: {{ access_request.role }} for {{ access_request.person_name }}",
        "Hello {{ recipient.display_name }},\n\n{{ access_request.decided_by }} {{ decision }} the request to {{ access_request.get_action_display|lower }} for {{ access_request.person_text }}: {{ access_request.change_text }}.{% if access_request.decision_comment %}\n\nComment: {{ access_request.decision_comment }}{% endif %}",
    ),
    "access_ending": (
        "[{{ access_request.reference }}] Temporary access ends {{ access_request.ends_on }}",
        "Hello {{ recipient.display_name }},\n\nThe temporary role {{ access_request.role }} of {{ access_request.person_text }} ({{ access_request.institution }}) ends on {{ access_request.ends_on }}. Remove it in the ERP then; once it has ended, Hypercare opens the removal request.",
    ),
    "approvals_digest": (
        "Approvals waiting for you on {{ day }}: {{ count }}",
        "Hello {{ recipient.display_name }},\n\n{{ count }} request(s) wait for your decision:\n{% for row in rows %}\n{{ row.reference }} {{ row.what }}\n  asked by {{ row.requested_by }} on {{ row.requested_at }}\n{% endfor %}\nDecide them here: {{ address }}",
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
    dependencies = [("notifications", "0030_access_request_events")]

    operations = [migrations.RunPython(create, remove)]
