"""A resolved ticket nobody answers closes after its institution's days; the requester is
told the day before and can reopen it until then."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from hypercare import jobs
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.autoclose import close_quiet_resolved_tickets
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories

T0 = datetime(2025, 5, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def resolved(requester: User, agent: User) -> Ticket:
    with time_machine.travel(T0, tick=False):
        ticket = factories.ticket(requester)
        change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    return ticket


def _run(at: datetime) -> dict[str, int]:
    with time_machine.travel(at, tick=False):
        return close_quiet_resolved_tickets()


def _closing_mails(ticket: Ticket) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(ticket=ticket, event=NotificationEvent.TICKET_CLOSING))


def test_a_quiet_resolved_ticket_closes_after_seven_days_by_default(resolved: Ticket) -> None:
    assert _run(T0 + timedelta(days=6, hours=23))["closed"] == 0
    assert _run(T0 + timedelta(days=7))["closed"] == 1
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED
    assert resolved.closed_at == T0 + timedelta(days=7)
    closing = resolved.events.filter(kind=EventKind.STATUS_CHANGED).latest("pk")
    assert (closing.actor, closing.new_value) == (None, Status.CLOSED)
    assert "resolved 7 days ago with no reply" in closing.reason


def test_the_requester_is_told_the_day_before_once_however_often_the_job_runs(
    resolved: Ticket, requester: User
) -> None:
    assert _run(T0 + timedelta(days=5, hours=23))["warned"] == 0
    _run(T0 + timedelta(days=6))
    _run(T0 + timedelta(days=6, hours=12))
    [mail] = _closing_mails(resolved)
    assert mail.recipient == requester
    assert "will close on Mon 12 May 2025" in mail.body
    assert "reply before then" in mail.body
    assert _status(resolved) == Status.RESOLVED


def test_each_institution_keeps_its_own_days(
    resolved: Ticket, institution: Institution, other_institution: Institution, agent: User
) -> None:
    institution.auto_close_days = 3
    institution.save(update_fields=["auto_close_days"])
    elsewhere_requester = factories.requester(other_institution, username="elsewhere")
    with time_machine.travel(T0, tick=False):
        elsewhere = factories.ticket(elsewhere_requester)
        change_status(ticket=elsewhere, actor=agent, status=Status.RESOLVED)
    _run(T0 + timedelta(days=3))
    assert (_status(resolved), _status(elsewhere)) == (Status.CLOSED, Status.RESOLVED)


def test_a_reply_before_it_closes_reopens_it_and_keeps_it_open(
    resolved: Ticket, requester: User
) -> None:
    with time_machine.travel(T0 + timedelta(days=6, hours=20), tick=False):
        add_public_reply(ticket=resolved, actor=requester, body="Still wrong on the receipt.")
    assert _run(T0 + timedelta(days=8)) == {"warned": 0, "closed": 0}
    assert _status(resolved) == Status.IN_PROGRESS


def test_after_it_closed_a_reply_needs_a_new_ticket(resolved: Ticket, requester: User) -> None:
    _run(T0 + timedelta(days=7))
    with (
        time_machine.travel(T0 + timedelta(days=7, minutes=5), tick=False),
        pytest.raises(InvalidTransition),
    ):
        add_public_reply(ticket=resolved, actor=requester, body="Not fixed.")
    assert _status(resolved) == Status.CLOSED


def test_the_job_runs_on_both_engines_under_one_name(resolved: Ticket) -> None:
    assert jobs.JOBS["auto_close"].function is jobs.auto_close
    with time_machine.travel(T0 + timedelta(days=7, minutes=1), tick=False):
        assert jobs.auto_close() == {"warned": 0, "closed": 1}
    assert _status(resolved) == Status.CLOSED


def _status(ticket: Ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status
