"""Applying one change to many tickets from a queue."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import DomainError
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require
from hypercare.tickets.services.workflow import WORK_REFUSED, assign_ticket, change_status


@dataclass
class BulkOutcome:
    """Which tickets changed and which were refused, with the reason for each refusal."""

    changed: list[Ticket] = field(default_factory=list)
    refused: list[tuple[Ticket, str]] = field(default_factory=list)


def bulk_assign(
    *, tickets: Sequence[Ticket], actor: User, assignee: User | None, reason: str = ""
) -> BulkOutcome:
    """Give every ticket the same owner, each through ``assign_ticket``."""
    return each_ticket(
        tickets,
        actor,
        lambda ticket: assign_ticket(ticket=ticket, actor=actor, assignee=assignee, reason=reason),
    )


def bulk_change_status(
    *, tickets: Sequence[Ticket], actor: User, status: str, reason: str = ""
) -> BulkOutcome:
    """Move every ticket to ``status``, each through ``change_status``."""
    return each_ticket(
        tickets,
        actor,
        lambda ticket: change_status(ticket=ticket, actor=actor, status=status, reason=reason),
    )


def each_ticket(
    tickets: Sequence[Ticket], actor: User, change: Callable[[Ticket], Ticket]
) -> BulkOutcome:
    """Each ticket changes in its own transaction, with its own timeline event.

    One ticket's refusal (a closed ticket cannot move, say) must not undo the others, so
    refusals are collected and reported rather than raised.
    """
    require(access.can_work_ticket(actor), WORK_REFUSED)
    outcome = BulkOutcome()
    for ticket in tickets:
        try:
            outcome.changed.append(change(ticket))
        except DomainError as exc:
            outcome.refused.append((ticket, exc.message))
    return outcome
