"""Active incidents declared before incidents had a resolution target get the default
one, counted from their declaration as a new incident's is."""

from datetime import timedelta

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def set_default_targets(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    incident_model = apps.get_model("incidents", "MajorIncident")
    hours = timedelta(hours=settings.HYPERCARE_INCIDENT_RESOLVE_HOURS)
    active = incident_model.objects.filter(status="active", resolve_by__isnull=True)
    for incident in active.only("pk", "declared_at"):
        incident.resolve_by = incident.declared_at + hours
        incident.save(update_fields=["resolve_by"])


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_incident_resolution_target")]

    operations = [migrations.RunPython(set_default_targets, migrations.RunPython.noop)]
