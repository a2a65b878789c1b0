"""The default wording of the mails asking a change's approvers and telling who raised
it how they decided; admins edit them."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "change_approval_requested": (
        "[{{ change.reference }}] Your approval: {{ change.title }}",
        "Hello {{ recipient.display_name }},\n\n{{ change.raised_by.display_name }} asks you "
        "to approve the {{ change.get_kind_display|lower }} {{ change.reference }} "
        '"{{ change.title }}" ({{ change.get_risk_display|lower }} risk), planned from '
        "{{ change.window_start }} to {{ change.window_end }}.\n\nPlan:\n{{ change.plan }}"
        "\n\nRollback plan:\n{{ change.rollback_plan }}\n\nApprove or reject it, with a "
        "comment, on its page.",
    ),
    "change_decided": (
        "[{{ change.reference }}] {{ change.get_status_display }}: {{ change.title }}",
        "Hello {{ recipient.display_name }},\n\nThe change {{ change.reference }} "
        '"{{ change.title }}" is {{ change.get_status_display|lower }}. Its page shows who '
        "decided and their comments.",
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
    dependencies = [("notifications", "0032_change_approval_events")]

    operations = [migrations.RunPython(create, remove)]
