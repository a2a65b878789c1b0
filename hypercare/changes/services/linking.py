"""Linking tickets and problems to a change once it is raised, at any step, and taking
them off again.

Only a ticket or problem of an institution the change concerns is linked: the ticket's
requester side then reads the change its timeline names. A change rejected or cancelled
is closed and takes no more links, nor loses any.
"""

from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes import events
from hypercare.changes.choices import (
    CLOSED_WITHOUT_WORK,
    ChangeEventKind,
    ChangeTicketEventKind,
)
from hypercare.changes.models import ChangeRequest
from hypercare.changes.services.common import WORK_REFUSED, lock, not_concerned
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.problems.models import Problem
from hypercare.problems.selectors import problem_institutions
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require


def link_ticket(*, change: ChangeRequest, ticket: Ticket, actor: User) -> ChangeRequest:
    """Link one more ticket: in the change's history, and on the ticket's timeline."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    with use_case():
        change = _open(change)
        if ticket.institution_id not in access.institutions_reading_change(change):
            raise ValidationFailed({"ticket": not_concerned([ticket.reference])})
        if change.tickets.filter(pk=ticket.pk).exists():
            raise InvalidTransition(f"{ticket.reference} is already linked to this change.")
        at = _touched(change)
        change.tickets.add(ticket)
        events.record(change, ChangeEventKind.TICKET_LINKED, actor, at, value=ticket.reference)
        events.on_tickets(change, ChangeTicketEventKind.CHANGE_LINKED, actor, at, tickets=[ticket])
    return change


def unlink_ticket(*, change: ChangeRequest, ticket: Ticket, actor: User) -> ChangeRequest:
    """Take a ticket off the change; what its timeline said of the change stays."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    with use_case():
        change = _open(change)
        if not change.tickets.filter(pk=ticket.pk).exists():
            raise InvalidTransition(f"{ticket.reference} is not linked to this change.")
        at = _touched(change)
        change.tickets.remove(ticket)
        events.record(change, ChangeEventKind.TICKET_UNLINKED, actor, at, value=ticket.reference)
        events.on_tickets(
            change, ChangeTicketEventKind.CHANGE_UNLINKED, actor, at, tickets=[ticket]
        )
    return change


def link_problem(*, change: ChangeRequest, problem: Problem, actor: User) -> ChangeRequest:
    """Name one more problem the change fixes: one concerning (by its modules or its
    tickets) an institution the change concerns."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    with use_case():
        change = _open(change)
        if not problem_institutions(problem) & access.institutions_reading_change(change):
            raise ValidationFailed({"problem": not_concerned([problem.reference])})
        if change.problems.filter(pk=problem.pk).exists():
            raise InvalidTransition(f"{problem.reference} is already linked to this change.")
        at = _touched(change)
        change.problems.add(problem)
        events.record(change, ChangeEventKind.PROBLEM_LINKED, actor, at, value=problem.reference)
    return change


def unlink_problem(*, change: ChangeRequest, problem: Problem, actor: User) -> ChangeRequest:
    require(access.can_work_changes(actor), WORK_REFUSED)
    with use_case():
        change = _open(change)
        if not change.problems.filter(pk=problem.pk).exists():
            raise InvalidTransition(f"{problem.reference} is not linked to this change.")
        at = _touched(change)
        change.problems.remove(problem)
        events.record(change, ChangeEventKind.PROBLEM_UNLINKED, actor, at, value=problem.reference)
    return change


def _open(change: ChangeRequest) -> ChangeRequest:
    """The change's row, locked; refused once it is rejected or cancelled."""
    change = lock(change)
    if change.status in CLOSED_WITHOUT_WORK:
        raise InvalidTransition(
            f"The change is {change.get_status_display().lower()}; its links stay as they are."
        )
    return change


def _touched(change: ChangeRequest) -> datetime:
    at = clock.now()
    change.updated_at = at
    change.save(update_fields=["updated_at"])
    return at
