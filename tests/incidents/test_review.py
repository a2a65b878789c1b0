"""Active major incidents on the daily escalation review's digest mail."""

from datetime import timedelta
from typing import Any

from hypercare.accounts.choices import Role
from hypercare.escalations.services.review import send_daily_digest
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.selectors import incident_review
from hypercare.incidents.services import declare_major_incident, resolve_major_incident
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from tests import factories
from tests.incidents.conftest import T0, TITLE, Outage, declaration


def test_the_digest_lists_an_active_incident_with_its_overdue_update(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme")
    time_machine.move_to(T0 + timedelta(hours=3), tick=False)
    assert send_daily_digest() == {"digests": 1}
    body = OutboxMessage.objects.get(event=NotificationEvent.ESCALATION_DIGEST).body
    assert f"{incident.reference} {TITLE}" in body
    assert outage.northfield.name in body
    assert "Major incident, 1 ticket" in body
    assert "(OVERDUE)" in body


def test_no_digest_once_the_incident_is_resolved(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme")
    resolve_major_incident(incident=incident, actor=outage.manager, resolution="Fixed.")
    time_machine.move_to(T0 + timedelta(hours=3), tick=False)
    assert send_daily_digest() == {"digests": 0}


def test_the_review_and_digest_list_incidents_past_their_target_first(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme")
    overdue = declare_major_incident(
        actor=outage.manager,
        declaration=declaration(
            title="Timetables not loading",
            institutions=[outage.southbank],
            resolve_by=T0 + timedelta(hours=1),
            update_every_hours=12,
        ),
    )
    time_machine.move_to(T0 + timedelta(hours=3), tick=False)

    rows = incident_review(outage.manager, T0 + timedelta(hours=3))
    assert [(row.incident, row.resolve_overdue) for row in rows] == [
        (overdue, True),
        (incident, False),
    ]
    assert send_daily_digest() == {"digests": 1}
    body = OutboxMessage.objects.get(event=NotificationEvent.ESCALATION_DIGEST).body
    assert body.index(overdue.reference) < body.index(incident.reference)
    assert "Major incident, 0 tickets; RESOLUTION OVERDUE" in body
    assert "Major incident, 1 ticket · " in body
