"""One function per step, on the incident's own timeline and on its children's.

Called only by the services, inside their transaction. A child's events are public: its
requester follows the incident through them. They name the incident by its reference
and title only, never another child or another institution.
"""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.incidents.choices import IncidentEventKind, IncidentTicketEventKind
from hypercare.incidents.models import IncidentEvent, MajorIncident
from hypercare.lib.times import local_text, parse_moment
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record(
    incident: MajorIncident,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    ticket: Ticket | None = None,
    body: str = "",
    moment: datetime | None = None,
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        kind=kind,
        actor=actor,
        created_at=at,
        ticket=ticket,
        body=body,
        moment=moment,
    )


def _named(incident: MajorIncident) -> str:
    return f"{incident.reference} {incident.title}"


def record_declared_from(
    incident: MajorIncident, ticket: Ticket, actor: User, at: datetime
) -> TicketEvent:
    return append(
        ticket, IncidentTicketEventKind.INCIDENT_DECLARED, actor, at, new_value=_named(incident)
    )


def record_attached(
    incident: MajorIncident, ticket: Ticket, actor: User, at: datetime
) -> TicketEvent:
    record(incident, IncidentEventKind.CHILD_ATTACHED, actor, at, ticket=ticket)
    return append(
        ticket, IncidentTicketEventKind.INCIDENT_ATTACHED, actor, at, new_value=_named(incident)
    )


def record_detached(
    incident: MajorIncident, ticket: Ticket, actor: User, at: datetime
) -> TicketEvent:
    record(incident, IncidentEventKind.CHILD_DETACHED, actor, at, ticket=ticket)
    return append(
        ticket, IncidentTicketEventKind.INCIDENT_DETACHED, actor, at, old_value=_named(incident)
    )


def record_update_on(
    incident: MajorIncident, ticket: Ticket, actor: User, at: datetime, body: str
) -> TicketEvent:
    """The update as the child's requester reads it, with when the next one is due."""
    due = incident.next_update_due_at
    return append(
        ticket,
        IncidentTicketEventKind.INCIDENT_UPDATE,
        actor,
        at,
        body=body,
        old_value=_named(incident),
        new_value=due.isoformat() if due else "",
    )


def _next_update(event: TicketEvent) -> str:
    moment = parse_moment(event.new_value)
    return f"; next update by {local_text(moment.at)}" if moment else ""


SENTENCES: dict[str, Sentence] = {
    IncidentTicketEventKind.INCIDENT_DECLARED: lambda actor, event: (
        f"{actor} declared the major incident {event.new_value} from this ticket"
    ),
    IncidentTicketEventKind.INCIDENT_ATTACHED: lambda actor, event: (
        f"{actor} attached this ticket to the major incident {event.new_value}"
    ),
    IncidentTicketEventKind.INCIDENT_DETACHED: lambda actor, event: (
        f"{actor} detached this ticket from the major incident {event.old_value}"
    ),
    IncidentTicketEventKind.INCIDENT_UPDATE: lambda actor, event: (
        f"{actor} posted an update on the major incident {event.old_value}{_next_update(event)}"
    ),
}
