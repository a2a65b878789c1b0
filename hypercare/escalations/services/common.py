"""Checks and helpers shared by the escalation services."""

from datetime import datetime, timedelta

from django.conf import settings

from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.escalations.models import Escalation
from hypercare.tickets.models import Ticket

TEXT_MAX = 10_000
CADENCE_FIELDS = ("next_update_due_at", "update_missed_at")


class FieldErrors:
    """Collects every field's problem so a form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def text(self, field: str, value: str, max_length: int, *, required: bool = True) -> str:
        cleaned = value.strip()
        if required and not cleaned:
            self.errors[field] = "must not be empty"
        elif len(cleaned) > max_length:
            self.errors[field] = f"must be at most {max_length} characters"
        return cleaned

    def choice(self, field: str, value: str, choices: list[str]) -> None:
        if value not in choices:
            self.errors[field] = f"must be one of {', '.join(choices)}"

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


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
