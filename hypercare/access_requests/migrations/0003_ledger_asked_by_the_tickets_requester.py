"""Ledger lines written before were "asked by" whoever recorded the request: for a request
from an access ticket that is the agent who keyed it in, not the institution's person who
asked. Each such line now names its ticket's requester as who asked, and every line keeps
who recorded the request beside it. The rule is AccessRequest.asked_by_id's, as of now."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def asked_by_the_tickets_requester(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    entries = apps.get_model("access_requests", "LedgerEntry").objects
    lines = entries.select_related("access_request__ticket").filter(recorded_by__isnull=True)
    for entry in lines.iterator():
        request = entry.access_request
        asked_by = request.ticket.requester_id if request.ticket_id else request.requested_by_id
        entries.filter(pk=entry.pk).update(
            requested_by_id=asked_by, recorded_by_id=request.requested_by_id
        )


class Migration(migrations.Migration):
    dependencies = [("access_requests", "0002_ledger_recorded_by")]

    operations = [
        migrations.RunPython(asked_by_the_tickets_requester, migrations.RunPython.noop)
    ]
