"""An access request's steps on its ticket's timeline. Called only by the access-request
services, inside their transaction; a request without a ticket (a removal Hypercare
opened, a flagged review line) has its story in its own fields."""

from datetime import datetime

from hypercare.access_requests.choices import AccessTicketEventKind
from hypercare.access_requests.models import AccessRequest
from hypercare.accounts.models import User
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append


def record(
    request: AccessRequest,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    body: str = "",
    is_internal: bool = False,
) -> None:
    """The step on the request's ticket, naming the request and what it changes."""
    if request.ticket is None:
        return
    append(
        request.ticket,
        kind,
        actor,
        at,
        is_internal=is_internal,
        body=body,
        new_value=f"{request.reference}: {request.change_text} for {request.person_text}",
    )


TICKET_SENTENCES: dict[str, Sentence] = {
    AccessTicketEventKind.ACCESS_REQUESTED: lambda actor, event: (
        f"{actor} recorded access request {event.new_value}"
    ),
    AccessTicketEventKind.ACCESS_APPROVED: lambda actor, event: (
        f"{actor} approved access request {event.new_value}"
    ),
    AccessTicketEventKind.ACCESS_REJECTED: lambda actor, event: (
        f"{actor} rejected access request {event.new_value}"
    ),
    AccessTicketEventKind.ACCESS_DONE: lambda actor, event: (
        f"{actor} recorded access request {event.new_value} as done in the ERP"
    ),
    AccessTicketEventKind.ACCESS_ENDING: lambda actor, event: (
        f"Temporary access ends soon: {event.new_value}; the agent was reminded to remove it"
    ),
    AccessTicketEventKind.ACCESS_REMOVAL_OPENED: lambda actor, event: (
        f"Temporary access has ended: {event.new_value}; its removal was requested"
    ),
}
