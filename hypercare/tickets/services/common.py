"""Small checks shared by the ticket services."""

from collections.abc import Iterable

from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.tickets.models import Ticket


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def check_choice(field: str, value: str, choices: Iterable[str]) -> None:
    options = list(choices)
    if value not in options:
        raise ValidationFailed({field: f"must be one of {', '.join(map(str, options))}"})


def check_text(field: str, value: str, *, max_length: int | None = None) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise ValidationFailed({field: "must not be empty"})
    if max_length is not None and len(cleaned) > max_length:
        raise ValidationFailed({field: f"must be at most {max_length} characters"})
    return cleaned


def lock(ticket: Ticket) -> Ticket:
    """The ticket's current row, locked until the transaction ends (no lost updates)."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)
