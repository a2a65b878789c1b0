from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The top ten recurring issues, as the gate was first asked for.
RECURRING_TOP = 10


def add_recurring_gate(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    gate = apps.get_model("handover", "ExitGate")
    gate.objects.get_or_create(
        institution=None, kind="recurring_covered", defaults={"threshold": RECURRING_TOP}
    )


def remove_recurring_gate(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("handover", "ExitGate").objects.filter(kind="recurring_covered").delete()


class Migration(migrations.Migration):
    dependencies = [("handover", "0004_recurring_gate_and_gate_events")]

    operations = [migrations.RunPython(add_recurring_gate, remove_recurring_gate)]
