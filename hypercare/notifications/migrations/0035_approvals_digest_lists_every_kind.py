"""The daily digest of pending approvals lists every kind waiting for its reader (access
requests, change approvals, data-correction sign-offs), each with its own link. A
template an admin has edited is left as they wrote it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
BEFORE = (
    "Hello {{ recipient.display_name }},\n\n{{ count }} request(s) wait for your decision:\n"
    "{% for row in rows %}\n{{ row.reference }} {{ row.what }}\n  asked by "
    "{{ row.requested_by }} on {{ row.requested_at }}\n{% endfor %}\nDecide them here: "
    "{{ address }}" + SIGNATURE
)
AFTER = (
    "Hello {{ recipient.display_name }},\n\n{{ count }} waiting for your decision.\n"
    "{% if access_requests %}\nAccess requests to approve or reject:\n"
    "{% for row in access_requests %}\n{{ row.reference }} {{ row.what }}\n"
    "  asked by {{ row.requested_by }} on {{ row.requested_at }}\n  {{ row.address }}\n"
    "{% endfor %}{% endif %}{% if changes %}\nChange requests to approve or reject:\n"
    "{% for row in changes %}\n{{ row.reference }} {{ row.title }}\n"
    "  {{ row.approval }}, {{ row.risk }} risk{% if row.starts %}, planned from "
    "{{ row.starts }}{% endif %}, raised by {{ row.raised_by }}\n  {{ row.address }}\n"
    "{% endfor %}{% endif %}{% if sign_offs %}\nData corrections to sign off:\n"
    "{% for row in sign_offs %}\n{{ row.reference }} {{ row.title }}\n"
    "  version {{ row.version }} of the correction record{% if row.asked_at %}, your "
    "sign-off asked on {{ row.asked_at }}{% endif %}\n  {{ row.address }}\n"
    "{% endfor %}{% endif %}\nAll of them: {{ address }}" + SIGNATURE
)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="approvals_digest", body=BEFORE).update(body=AFTER)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("notifications", "NotificationTemplate")
    model.objects.filter(event="approvals_digest", body=AFTER).update(body=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0034_approvals_digest_to_whoever_it_waits_on")]

    operations = [migrations.RunPython(forward, backward)]
