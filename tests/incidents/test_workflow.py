"""An incident ticket's workflow: restored (with its major incident when part of one),
then the fix confirmed."""

from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import attach_child, resolve_major_incident
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.incidents.conftest import T0, Outage

INCIDENT_DETAILS = {"since": T0.isoformat(), "users_affected": 40}


def incident_ticket(outage: Outage) -> Ticket:
    return factories.ticket(
        outage.riya, category=Category.INCIDENT, category_details=dict(INCIDENT_DETAILS)
    )


def test_an_incident_alone_waits_for_service_then_for_the_requester(outage: Outage) -> None:
    ticket = incident_ticket(outage)
    assert workflows.progress(ticket) == workflows.Progress(
        step="restore", waiting_for="Waiting for service to be restored."
    )
    change_status(ticket=ticket, actor=outage.manager, status=Status.RESOLVED, reason="Fixed.")
    ticket.refresh_from_db()
    where = workflows.progress(ticket)
    assert (where.step, where.taken) == ("confirmed", ("Service restored.",))
    assert where.waiting_for == "Waiting for the requester to confirm the fix."
    change_status(ticket=ticket, actor=outage.riya, status=Status.CLOSED)
    ticket.refresh_from_db()
    assert workflows.progress(ticket).step == ""


def test_a_child_of_a_major_incident_says_it_is_resolved_with_it(
    outage: Outage, incident: MajorIncident
) -> None:
    ticket = incident_ticket(outage)
    attach_child(incident=incident, ticket=ticket, actor=outage.manager)
    where = workflows.progress(ticket)
    assert where.step == "restore"
    assert where.waiting_for.startswith(f"Part of major incident {incident.reference} (")
    assert where.taken == (f"Attached to major incident {incident.reference}: {incident.title}.",)

    resolve_major_incident(incident=incident, actor=outage.manager, resolution="Gateway back.")
    ticket.refresh_from_db()
    assert workflows.progress(ticket).step == "confirmed"
