from hypercare.accounts.models import User
from hypercare.tickets.choices import EventKind, Priority, Status
from tests import factories


def test_open_ticket_starts_new_with_priority_from_matrix(requester: User) -> None:
    ticket = factories.ticket(requester, urgency="high", impact="high")
    assert ticket.status == Status.NEW
    assert ticket.priority == Priority.CRITICAL
    assert ticket.reference == f"HC-{ticket.pk:06d}"
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]
