"""Escalation events kept the times they name as UTC text ("Next update due 2026-11-20
20:20 UTC."); they are now values (new_value) said in each reader's zone, so the old rows
move them there and drop the text."""

import re
from datetime import UTC, datetime

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

UTC_TEXT = r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC"
NEXT_UPDATE = re.compile(rf"Next update due {UTC_TEXT}\.")
AGREED = re.compile(rf" agreed to de-escalate on (?:{UTC_TEXT}|—), by ")


def _value(text: str | None) -> str:
    if text is None:
        return ""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).isoformat()


def times_as_values(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    events = apps.get_model("tickets", "TicketEvent").objects
    plans = ["escalation_communication_plan", "escalation_update"]
    for event in events.filter(kind__in=plans, reason__startswith="Next update due").iterator():
        found = NEXT_UPDATE.fullmatch(event.reason)
        if found:
            events.filter(pk=event.pk).update(new_value=_value(found[1]), reason="")
    events.filter(kind="escalation_update_missed", reason__startswith="The update due").update(
        reason=""
    )
    for event in events.filter(kind="de_escalated", body__contains=" agreed to de-escalate on "):
        found = AGREED.search(event.body)
        if found:
            body = AGREED.sub(" agreed to de-escalate, by ", event.body, count=1)
            events.filter(pk=event.pk).update(body=body, new_value=_value(found[1]))


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0001_escalations_rules_digests"),
        ("tickets", "0011_refuse_control_characters_in_names"),
    ]

    operations = [migrations.RunPython(times_as_values, migrations.RunPython.noop)]
