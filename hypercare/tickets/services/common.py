"""Small checks shared by the ticket services."""

from hypercare.errors import NotAllowed
from hypercare.tickets.models import Ticket


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def lock(ticket: Ticket) -> Ticket:
    """The ticket's current row, locked until the transaction ends (no lost updates)."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)
