"""The data migrations that turn times stored as text in timeline events into values."""

from datetime import UTC, datetime

import pytest

from hypercare.tickets.models import TicketEvent
from tests import factories
from tests.data_migrations import run_data_migration

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_old_sla_and_escalation_events_keep_their_times_as_values() -> None:
    ticket = factories.ticket(factories.requester(factories.institution()))
    rows = TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                kind=kind,
                created_at=AT,
                new_value=new_value,
                reason=reason,
                body=body,
            )
            for kind, new_value, reason, body in [
                ("sla_breached", "resolution", "Due 2026-11-20T20:20:47.480869+00:00", ""),
                ("escalation_update", "", "Next update due 2026-11-20 20:20 UTC.", "Patched."),
                (
                    "escalation_update_missed",
                    "2026-11-20T14:00:00+00:00",
                    "The update due 2026-11-20 14:00 UTC was not posted.",
                    "",
                ),
                (
                    "de_escalated",
                    "",
                    "",
                    "Asha agreed to de-escalate on 2026-11-20 08:30 UTC, by phone. The plan holds.",
                ),
            ]
        ]
    )

    run_data_migration("sla", "0004_sla_event_due_times_as_values")
    run_data_migration("escalations", "0002_escalation_event_times_as_values")

    stored = [
        TicketEvent.objects.values("old_value", "new_value", "reason", "body").get(pk=row.pk)
        for row in rows
    ]
    assert stored == [
        {
            "old_value": "2026-11-20T20:20:47.480869+00:00",
            "new_value": "resolution",
            "reason": "",
            "body": "",
        },
        {
            "old_value": "",
            "new_value": "2026-11-20T20:20:00+00:00",
            "reason": "",
            "body": "Patched.",
        },
        {"old_value": "", "new_value": "2026-11-20T14:00:00+00:00", "reason": "", "body": ""},
        {
            "old_value": "",
            "new_value": "2026-11-20T08:30:00+00:00",
            "reason": "",
            "body": "Asha agreed to de-escalate, by phone. The plan holds.",
        },
    ]
