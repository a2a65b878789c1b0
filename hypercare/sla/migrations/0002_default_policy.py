"""The default SLA policy with the targets of the design (elapsed time, around the clock)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

HOUR = 60
DAY = 24 * HOUR
# priority: (first response, resolution; None = by the next release)
DEFAULT_TARGETS = {
    "critical": (15, 4 * HOUR),
    "high": (2 * HOUR, 24 * HOUR),
    "medium": (8 * HOUR, 3 * DAY),
    "low": (2 * DAY, None),
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    policy_model = apps.get_model("sla", "SlaPolicy")
    target_model = apps.get_model("sla", "SlaTarget")
    policy = policy_model.objects.create(name="Standard", is_default=True)
    for priority, (first_response, resolution) in DEFAULT_TARGETS.items():
        target_model.objects.create(
            policy=policy,
            priority=priority,
            first_response_minutes=first_response,
            resolution_minutes=resolution,
        )


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("sla", "SlaPolicy").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_sla_policies_and_calendars")]

    operations = [migrations.RunPython(create, remove)]
