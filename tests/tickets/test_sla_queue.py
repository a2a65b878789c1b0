"""Queues sorted and filtered by SLA standing (the default policy, around the clock).

Targets of the default policy: critical 15 min / 4 h, high 2 h / 24 h, medium 8 h / 3 days,
low 2 days / next release; warnings at 75 % of the target.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.sla.choices import ClockState
from hypercare.sla.services import sweep_sla
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import TicketFilters, queue, ticket_list
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories

MONDAY_9 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
# urgency, impact for each priority of the ITIL matrix.
RATED = {
    "critical": ("high", "high"),
    "high": ("medium", "high"),
    "medium": ("medium", "medium"),
    "low": ("medium", "low"),
}


@pytest.fixture
def traveller(time_machine: Any) -> Any:
    time_machine.move_to(MONDAY_9, tick=False)
    return time_machine


def rated(requester: User, priority: str, title: str = "Fee receipt does not print") -> Ticket:
    urgency, impact = RATED[priority]
    return factories.ticket(requester, urgency=urgency, impact=impact, title=title)


def pks(user: User, sort: str = "priority", **filters: Any) -> list[int]:
    return [ticket.pk for ticket in ticket_list(user, TicketFilters(**filters), sort)]


def test_due_soonest_orders_by_the_earlier_running_clock(
    traveller: Any, agent: User, requester: User
) -> None:
    medium = rated(requester, "medium")  # first response due 17:00
    traveller.move_to(MONDAY_9 + timedelta(minutes=10))
    critical = rated(requester, "critical")  # first response due 09:25
    high = rated(requester, "high")  # first response due 11:10, resolution Tuesday 09:10
    add_public_reply(ticket=high, actor=agent, body="Looking into it.")
    low = rated(requester, "low")  # first response due Wednesday 09:10
    done = rated(requester, "critical")
    add_public_reply(ticket=done, actor=agent, body="Fixed.")
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)

    assert pks(agent, "due") == [critical.pk, medium.pk, high.pk, low.pk, done.pk]


def test_due_soonest_puts_breached_tickets_first_the_most_overdue_first(
    traveller: Any, agent: User, requester: User
) -> None:
    medium = rated(requester, "medium")  # first response due 17:00
    high = rated(requester, "high")  # first response due 11:00
    first = rated(requester, "critical")  # first response due 09:15
    done = rated(requester, "critical")  # breached too, then resolved
    traveller.move_to(MONDAY_9 + timedelta(minutes=5))
    second = rated(requester, "critical")  # first response due 09:20
    traveller.move_to(MONDAY_9 + timedelta(minutes=21))
    sweep_sla(now=MONDAY_9 + timedelta(minutes=21))
    for ticket in (first, second, done):
        add_public_reply(ticket=ticket, actor=agent, body="On it.")  # resolution runs on
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)
    traveller.move_to(MONDAY_9 + timedelta(hours=1))

    assert Ticket.objects.get(pk=first.pk).first_response_state == ClockState.BREACHED
    assert pks(agent, "due") == [first.pk, second.pk, high.pk, medium.pk, done.pk]


def test_a_ticket_without_running_clocks_sorts_last_in_its_queue(
    traveller: Any, agent: User, requester: User
) -> None:
    waiting = rated(requester, "critical")
    add_public_reply(ticket=waiting, actor=agent, body="Which receipt?")
    change_status(ticket=waiting, actor=agent, status=Status.WAITING_ON_REQUESTER)
    later = rated(requester, "low")

    assert Ticket.objects.get(pk=waiting.pk).resolution_state == ClockState.PAUSED
    ordered = [t.pk for t in queue(agent, "all", TicketFilters(), "due")]
    assert ordered == [later.pk, waiting.pk]


def test_breached_holds_recorded_and_overdue_clocks(
    traveller: Any, agent: User, requester: User
) -> None:
    critical = rated(requester, "critical")
    high = rated(requester, "high")
    rated(requester, "medium")
    traveller.move_to(MONDAY_9 + timedelta(minutes=16))
    assert pks(agent, sla="breached") == [critical.pk]  # overdue, not yet swept

    sweep_sla(now=MONDAY_9 + timedelta(minutes=16))
    add_public_reply(ticket=critical, actor=agent, body="On it.")
    traveller.move_to(MONDAY_9 + timedelta(hours=2, minutes=1))

    assert Ticket.objects.get(pk=critical.pk).first_response_state == ClockState.BREACHED
    assert pks(agent, sla="breached") == [critical.pk, high.pk]


def test_warned_holds_clocks_past_their_warning_and_not_yet_due(
    traveller: Any, agent: User, requester: User
) -> None:
    critical = rated(requester, "critical")  # warns 09:11:15, due 09:15
    high = rated(requester, "high")  # warns 10:30, due 11:00
    traveller.move_to(MONDAY_9 + timedelta(minutes=12))
    assert pks(agent, sla="warned") == [critical.pk]
    traveller.move_to(MONDAY_9 + timedelta(minutes=95))
    assert pks(agent, sla="warned") == [high.pk]


def test_running_leaves_out_tickets_whose_clocks_all_stopped(
    traveller: Any, agent: User, requester: User
) -> None:
    open_one = rated(requester, "medium")
    done = rated(requester, "medium")
    add_public_reply(ticket=done, actor=agent, body="Fixed.")
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)
    assert pks(agent, sla="running") == [open_one.pk]


def test_due_within_counts_overdue_and_soon_due_clocks(
    traveller: Any, agent: User, requester: User
) -> None:
    critical = rated(requester, "critical")  # due 09:15
    high = rated(requester, "high")  # due 11:00
    rated(requester, "medium")  # due 17:00
    assert pks(agent, due_within=60) == [critical.pk]
    assert pks(agent, due_within=120) == [critical.pk, high.pk]
    traveller.move_to(MONDAY_9 + timedelta(minutes=30))
    assert pks(agent, due_within=1) == [critical.pk]


def test_resolution_clock_counts_for_due_within_after_first_response(
    traveller: Any, agent: User, requester: User
) -> None:
    critical = rated(requester, "critical")  # resolution due 13:00
    add_public_reply(ticket=critical, actor=agent, body="On it.")
    assert pks(agent, due_within=60) == []
    assert pks(agent, due_within=4 * 60) == [critical.pk]


def test_sla_filters_stay_inside_what_the_user_may_see(
    traveller: Any, agent: User, requester: User, colleague: User, outsider: User
) -> None:
    own = rated(requester, "critical")
    colleagues = rated(colleague, "critical")
    elsewhere = rated(outsider, "critical")
    traveller.move_to(MONDAY_9 + timedelta(hours=1))

    assert pks(requester, sla="breached", due_within=5) == [own.pk]
    assert pks(outsider, sla="breached") == [elsewhere.pk]
    assert set(pks(agent, sla="breached")) == {own.pk, colleagues.pk, elsewhere.pk}
    assert set(pks(agent, "due", institution=requester.institution_id, sla="breached")) == {
        own.pk,
        colleagues.pk,
    }
