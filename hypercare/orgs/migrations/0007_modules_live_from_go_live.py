from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import OuterRef, Subquery


def modules_live_from_go_live(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Every module of an institution already given a go-live date went live that day."""
    module = apps.get_model("orgs", "Module")
    institution = apps.get_model("orgs", "Institution")
    go_live = institution.objects.filter(pk=OuterRef("institution_id")).values("go_live_date")
    module.objects.filter(
        went_live_on__isnull=True, institution__go_live_date__isnull=False
    ).update(went_live_on=Subquery(go_live))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0006_module_went_live_on")]

    operations = [migrations.RunPython(modules_live_from_go_live, migrations.RunPython.noop)]
