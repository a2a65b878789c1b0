"""Where an incident ticket is in the incident workflow: service restored, alone or with
the major incident it is part of, then the fix confirmed by the requester."""

from hypercare.incidents.models import IncidentChild
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress


def incident_progress(ticket: Ticket) -> Progress:
    """Read by everyone who sees the ticket: the incident's title and reference are what
    its banner shows the affected institutions, and nothing else of it is named."""
    child = IncidentChild.objects.select_related("incident").filter(ticket_id=ticket.pk).first()
    incident = child.incident if child is not None else None
    taken = []
    if incident is not None:
        taken.append(f"Attached to major incident {incident.reference}: {incident.title}.")
    if ticket.status == Status.CLOSED:
        return Progress(step="", waiting_for="", taken=(*taken, "Service restored; fix confirmed."))
    if ticket.status == Status.RESOLVED:
        return Progress(
            step="confirmed",
            waiting_for="Waiting for the requester to confirm the fix.",
            taken=(*taken, "Service restored."),
        )
    if incident is not None and incident.is_active:
        waiting = (
            f"Part of major incident {incident.reference} ({incident.title}): "
            "resolved with it, with its updates meanwhile."
        )
    else:
        waiting = "Waiting for service to be restored."
    return Progress(step="restore", waiting_for=waiting, taken=tuple(taken))
