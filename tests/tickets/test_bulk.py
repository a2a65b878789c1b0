import pytest

from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.services.bulk import bulk_assign, bulk_change_status
from hypercare.tickets.services.workflow import change_status
from tests import factories


def test_bulk_assign_gives_each_ticket_its_own_timeline_event(
    agent: User, tier2_agent: User, requester: User
) -> None:
    tickets = [factories.ticket(requester) for _ in range(3)]
    outcome = bulk_assign(tickets=tickets, actor=agent, assignee=tier2_agent, reason="Rota")
    assert len(outcome.changed) == 3
    assert outcome.refused == []
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == tier2_agent
        assert ticket.events.filter(kind=EventKind.ASSIGNED, reason="Rota").count() == 1


def test_one_refusal_does_not_undo_the_others(agent: User, requester: User) -> None:
    movable = factories.ticket(requester)
    closed = factories.ticket(requester)
    change_status(ticket=closed, actor=agent, status=Status.RESOLVED)
    change_status(ticket=closed, actor=requester, status=Status.CLOSED)
    outcome = bulk_change_status(tickets=[movable, closed], actor=agent, status=Status.TRIAGED)
    assert [t.pk for t in outcome.changed] == [movable.pk]
    assert outcome.refused[0][0].pk == closed.pk
    assert "cannot go from Closed" in outcome.refused[0][1]


def test_only_support_staff_may_change_tickets_in_bulk(requester: User) -> None:
    ticket = factories.ticket(requester)
    with pytest.raises(NotAllowed):
        bulk_change_status(tickets=[ticket], actor=requester, status=Status.CLOSED)
