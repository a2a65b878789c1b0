"""The default wording of the release notes mailed to institution admins; admins edit it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SIGNATURE = "\n\n— Hypercare support desk\n{{ link }}\n"
TEMPLATES = {
    "release_notes": (
        "Release {{ release.version }} has shipped",
        "Hello {{ recipient.display_name }},\n\nRelease {{ release.version }} has shipped."
        "{% if release.notes %}\n\n{{ release.notes }}{% endif %}"
        "{% if groups %}\n\nWhat it fixes for your institution:{% for group in groups %}"
        "\n\n{{ group.module }}{% for item in group.items %}\n- {{ item.reference }}: "
        "{{ item.text }}{% endfor %}{% endfor %}{% endif %}",
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
    dependencies = [("notifications", "0017_release_notes_event")]

    operations = [migrations.RunPython(create, remove)]
