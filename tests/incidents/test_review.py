"""Active major incidents on the daily escalation review's digest mail."""

from datetime import timedelta
from typing import Any

from hypercare.accounts.choices import Role
from hypercare.escalations.services.review import send_daily_digest
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import resolve_major_incident
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from tests import factories
from tests.incidents.conftest import T0, TITLE, Outage


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
