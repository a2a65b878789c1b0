"""Sign-offs voided before their reason was kept were all voided by a changed record:
naming another data owner did not void them yet."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def earlier_voids_were_record_changes(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    sign_offs = apps.get_model("corrections", "SignOff").objects
    sign_offs.filter(voided_at__isnull=False, void_reason="").update(void_reason="record_changed")


class Migration(migrations.Migration):
    dependencies = [("corrections", "0002_sign_off_void_reason")]

    operations = [
        migrations.RunPython(earlier_voids_were_record_changes, migrations.RunPython.noop)
    ]
