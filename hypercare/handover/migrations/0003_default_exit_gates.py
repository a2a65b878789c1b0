from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The defaults as they were when this migration was written; later changes are data.
DEFAULT_GATES = {
    "no_critical": 14,
    "sla_attainment": 95,
    "backlog": 10,
    "no_escalation": 0,
    "handover_signed": 1,
    "active_users": 60,
}


def add_default_gates(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    gate = apps.get_model("handover", "ExitGate")
    for kind, threshold in DEFAULT_GATES.items():
        gate.objects.get_or_create(institution=None, kind=kind, defaults={"threshold": threshold})


class Migration(migrations.Migration):
    dependencies = [("handover", "0002_exit_gates_scorecards_and_phase_changes")]

    operations = [migrations.RunPython(add_default_gates, migrations.RunPython.noop)]
