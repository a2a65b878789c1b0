"""A status change inside a use case's transaction, shared by the services that move a
ticket along: changing the status, and replying with a new status in one submit."""

from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition
from hypercare.tickets import events
from hypercare.tickets.choices import ALLOWED_TRANSITIONS, Status
from hypercare.tickets.models import Ticket, TicketEvent


def set_status(
    ticket: Ticket, *, actor: User | None, at: datetime, status: str, reason: str
) -> TicketEvent | None:
    """Move the locked ``ticket`` to ``status`` if the lifecycle allows it, on the timeline.

    ``actor`` None is the desk itself (closing a quiet resolved ticket). A ticket leaving
    New gets a named owner: the acting agent when nobody owns it yet.
    Back from Resolved to In progress is a reopening. Returns the status-change event
    (None for a reopening); the caller saves the ticket and replans its SLA.
    """
    old = ticket.status
    if status not in ALLOWED_TRANSITIONS[old]:
        raise InvalidTransition(
            f"A ticket cannot go from {Status(old).label} to {Status(status).label}."
        )
    if old == Status.RESOLVED and status == Status.IN_PROGRESS:
        ticket.status = status
        ticket.resolved_at = None
        events.record_reopened(ticket, actor, at, old)
        return None
    if ticket.assignee_id is None and actor is not None and access.can_be_assigned(actor):
        ticket.assignee = actor
        events.record_assignment(ticket, actor, at, "", actor.username, "Took it while triaging.")
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = at
    elif status == Status.CLOSED:
        ticket.closed_at = at
    return events.record_status_change(ticket, actor, at, old, status, reason)
