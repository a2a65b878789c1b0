"""Checks and helpers shared by the escalation services."""

from datetime import datetime, timedelta

from django.conf import settings

from hypercare.errors import InvalidTransition
from hypercare.escalations.models import Escalation
from hypercare.tickets.models import Ticket

TEXT_MAX = 10_000
CADENCE_FIELDS = ("next_update_due_at", "update_missed_at")


def lock(escalation: Escalation) -> Escalation:
    """The escalation's current row, locked until the transaction ends (no lost steps),
    with the people its notifications go to."""
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("ticket__requester", "ticket__reported_by", "ticket__team__lead", "manager")
        .get(pk=escalation.pk)
    )


def require_open(escalation: Escalation) -> None:
    if not escalation.is_open:
        raise InvalidTransition("This escalation has been de-escalated; request a new one.")


def require_manager(escalation: Escalation) -> None:
    require_open(escalation)
    if escalation.manager_id is None:
        raise InvalidTransition("Name the escalation manager first.")


def touch(ticket: Ticket, at: datetime) -> None:
    """An escalation step is activity on the ticket: queues sorted by update see it."""
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=at)


def next_update(escalation: Escalation, at: datetime) -> None:
    """A new update is due one agreed interval from ``at``, and may be missed anew."""
    hours = escalation.update_every_hours or settings.HYPERCARE_ESCALATION_FIRST_UPDATE_HOURS
    escalation.next_update_due_at = at + timedelta(hours=hours)
    escalation.update_missed_at = None
