"""The sweep: warnings and breaches, each exactly once per ticket and clock, with its
timeline event, its notifications and the policy's optional bump."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import AutoAssignment, Tier
from hypercare.orgs.models import Team
from hypercare.orgs.services import set_availability
from hypercare.sla import services
from hypercare.sla.choices import ClockState, SlaEventKind
from hypercare.sla.models import SlaPolicy
from hypercare.sla.services import sweep_sla
from hypercare.tickets.choices import EventKind, Priority, Status
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_priority, change_status
from tests import factories
from tests.sla.conftest import MONDAY_9, owned, rated

NOTHING = {
    "first_response_warnings": 0,
    "first_response_breaches": 0,
    "resolution_warnings": 0,
    "resolution_breaches": 0,
}


def sweep(hours: float, minutes: float = 0) -> dict[str, int]:
    return sweep_sla(now=MONDAY_9 + timedelta(hours=hours, minutes=minutes))


def sla_events(ticket: Ticket) -> list[tuple[str, str, bool]]:
    return list(
        ticket.events.filter(kind__in=(SlaEventKind.SLA_WARNING, SlaEventKind.SLA_BREACHED))
        .order_by("pk")
        .values_list("kind", "new_value", "is_internal")
    )


def mailed(ticket: Ticket, event: str) -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(ticket=ticket, event=event).values_list(
            "recipient__username", flat=True
        )
    )


def test_nothing_happens_before_the_warning_time(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    owned(requester, Priority.MEDIUM, agent)

    assert sweep(6, -1) == NOTHING


def test_a_warning_at_75_percent_is_recorded_and_sent_once(
    traveller: Any, requester: User, agent: User, team: Team, escalation_manager: User
) -> None:
    ticket = owned(requester, Priority.MEDIUM, agent)  # first response due 17:00

    first = sweep(6)
    again = sweep(7)

    assert first == {**NOTHING, "first_response_warnings": 1}
    assert again == NOTHING
    ticket.refresh_from_db()
    assert ticket.first_response_warned_at == MONDAY_9 + timedelta(hours=6)
    assert ticket.first_response_state == ClockState.RUNNING
    assert sla_events(ticket) == [(SlaEventKind.SLA_WARNING, "first_response", True)]
    # Assignee and team lead; escalation managers only hear of breaches.
    assert mailed(ticket, NotificationEvent.SLA_WARNING) == ["lena", "tara"]


def test_a_breach_is_recorded_once_and_notifies_assignee_lead_and_escalation_managers(
    traveller: Any, requester: User, agent: User, team: Team, escalation_manager: User
) -> None:
    ticket = owned(requester, Priority.MEDIUM, agent)
    sweep(6)

    first = sweep(8)
    second = sweep(8, 1)

    assert first == {**NOTHING, "first_response_breaches": 1}
    assert second == NOTHING
    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED
    assert ticket.first_response_breached_at == MONDAY_9 + timedelta(hours=8)
    assert ticket.resolution_state == ClockState.RUNNING
    assert sla_events(ticket) == [
        (SlaEventKind.SLA_WARNING, "first_response", True),
        (SlaEventKind.SLA_BREACHED, "first_response", True),
    ]
    assert mailed(ticket, NotificationEvent.SLA_BREACH) == ["esme", "lena", "tara"]
    breach = OutboxMessage.objects.get(
        ticket=ticket, event=NotificationEvent.SLA_BREACH, recipient=agent
    )
    assert "breached its first response target, due Mon 3 Mar 2025, 17:00 UTC" in breach.body


def test_a_sweep_that_comes_after_the_due_time_breaches_without_a_late_warning(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    ticket = owned(requester, Priority.MEDIUM, agent)

    assert sweep(9) == {**NOTHING, "first_response_breaches": 1}
    assert sla_events(ticket) == [(SlaEventKind.SLA_BREACHED, "first_response", True)]


def test_both_clocks_warn_and_breach_each_once(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    ticket = owned(requester, Priority.CRITICAL, agent)  # 15 min / 4 h

    counts = [sweep(0, 12), sweep(0, 15), sweep(3), sweep(4), sweep(5)]

    assert counts == [
        {**NOTHING, "first_response_warnings": 1},
        {**NOTHING, "first_response_breaches": 1},
        {**NOTHING, "resolution_warnings": 1},
        {**NOTHING, "resolution_breaches": 1},
        NOTHING,
    ]
    assert [kind for kind, _, _ in sla_events(ticket)] == [
        SlaEventKind.SLA_WARNING,
        SlaEventKind.SLA_BREACHED,
        SlaEventKind.SLA_WARNING,
        SlaEventKind.SLA_BREACHED,
    ]


def test_a_paused_or_answered_clock_is_not_swept(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    ticket = owned(requester, Priority.CRITICAL, agent)
    traveller.move_to(MONDAY_9 + timedelta(minutes=5))
    add_public_reply(ticket=ticket, actor=agent, body="Which campus?")
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)

    assert sweep(10) == NOTHING


def test_a_warning_rearms_when_a_replan_moves_the_warning_time_later(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    ticket = owned(requester, Priority.HIGH, agent)  # first response 2 h: warning 10:30
    assert sweep(1, 30)["first_response_warnings"] == 1
    traveller.move_to(MONDAY_9 + timedelta(hours=1, minutes=40))
    change_priority(ticket=ticket, actor=agent, priority=Priority.MEDIUM, reason="Not urgent")
    ticket.refresh_from_db()
    assert ticket.first_response_warned_at is None  # medium: warning at 15:00

    assert sweep(5)["first_response_warnings"] == 0
    assert sweep(6)["first_response_warnings"] == 1
    assert [kind for kind, _, _ in sla_events(ticket)] == [SlaEventKind.SLA_WARNING] * 2
    assert mailed(ticket, NotificationEvent.SLA_WARNING) == ["lena", "lena", "tara", "tara"]


def test_a_warning_stays_given_when_the_replan_keeps_it_in_the_past(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    ticket = owned(requester, Priority.MEDIUM, agent)
    sweep(6)
    traveller.move_to(MONDAY_9 + timedelta(hours=6, minutes=30))
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)

    ticket.refresh_from_db()
    assert ticket.first_response_warned_at == MONDAY_9 + timedelta(hours=6)
    assert sweep(7) == NOTHING


def test_a_recorded_breach_stays_when_the_priority_goes_down(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    ticket = owned(requester, Priority.CRITICAL, agent)
    sweep(0, 20)
    traveller.move_to(MONDAY_9 + timedelta(minutes=30))

    change_priority(ticket=ticket, actor=agent, priority=Priority.LOW, reason="Cosmetic")

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED
    assert ticket.first_response_due_at == MONDAY_9 + timedelta(minutes=15)
    assert ticket.resolution_state == ClockState.NEXT_RELEASE
    assert sweep(72) == NOTHING


def test_resolving_after_the_due_time_records_the_breach_without_a_sweep(
    traveller: Any, requester: User, agent: User, team: Team, escalation_manager: User
) -> None:
    ticket = owned(requester, Priority.CRITICAL, agent)
    add_public_reply(ticket=ticket, actor=agent, body="On it.")
    traveller.move_to(MONDAY_9 + timedelta(hours=5))

    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)

    ticket.refresh_from_db()
    assert ticket.resolution_state == ClockState.BREACHED
    assert ticket.resolution_breached_at == MONDAY_9 + timedelta(hours=5)
    assert sla_events(ticket) == [(SlaEventKind.SLA_BREACHED, "resolution", True)]
    assert mailed(ticket, NotificationEvent.SLA_BREACH) == ["esme", "lena", "tara"]
    assert sweep(6) == NOTHING


def test_a_breach_bumps_priority_and_tier_when_the_policy_says_so(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    SlaPolicy.objects.filter(is_default=True).update(
        bump_priority_on_breach=True, bump_tier_on_breach=True
    )
    ticket = owned(requester, Priority.MEDIUM, agent)

    sweep(8)

    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.priority_overridden
    assert ticket.tier == Tier.FUNCTIONAL
    bumps = ticket.events.filter(kind__in=(EventKind.PRIORITY_CHANGED, EventKind.TIER_CHANGED))
    why = "The first response SLA was breached."
    assert [
        (event.kind, event.actor_id, event.old_value, event.new_value, event.reason)
        for event in bumps
    ] == [
        (EventKind.PRIORITY_CHANGED, None, "medium", "high", why),
        (EventKind.TIER_CHANGED, None, "1", "2", why),
    ]
    # Re-planned under high: resolution due 24 h from creation.
    assert ticket.resolution_due_at == MONDAY_9 + timedelta(hours=24)


def test_a_tier_bump_is_the_move_an_agent_makes_with_a_system_hand_over_note(
    traveller: Any, requester: User, agent: User, tier2_agent: User, team: Team
) -> None:
    consultants = factories.team(
        "Consultants", tier=Tier.FUNCTIONAL, auto_assignment=AutoAssignment.ROUND_ROBIN
    )
    consultants.members.add(tier2_agent)
    RoutingRule.objects.create(team=consultants, tier=Tier.FUNCTIONAL)
    SlaPolicy.objects.filter(is_default=True).update(bump_tier_on_breach=True)
    ticket = owned(requester, Priority.MEDIUM, agent)

    sweep(8)

    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team, ticket.assignee) == (
        Tier.FUNCTIONAL,
        consultants,
        tier2_agent,
    )
    move = ticket.events.get(kind=EventKind.TIER_CHANGED)
    assert (move.actor, move.old_value, move.new_value, move.is_internal) == (None, "1", "2", True)
    assert move.handover.tried == "As recorded on the ticket's timeline."
    assert move.handover.findings == (
        "Moved up by the SLA policy: the first response target was breached."
    )
    assert move.handover.needed
    assert list(ticket.events.filter(kind=EventKind.TEAM_CHANGED).values_list("new_value")) == [
        ("Consultants",)
    ]
    assigned = ticket.events.filter(kind=EventKind.ASSIGNED).order_by("pk").last()
    assert assigned is not None
    assert assigned.new_value == tier2_agent.username
    assert mailed(ticket, NotificationEvent.TICKET_ASSIGNED) == [tier2_agent.username]


def test_breach_notices_go_to_the_escalation_managers_at_work(
    traveller: Any, requester: User, agent: User, team: Team, escalation_manager: User
) -> None:
    away = factories.user(Role.ESCALATION_MANAGER, username="edgar")
    set_availability(actor=away, agent=away, on_duty=False, out_of_office_until=None)
    ticket = owned(requester, Priority.MEDIUM, agent)

    sweep(8)

    assert mailed(ticket, NotificationEvent.SLA_BREACH) == ["esme", "lena", "tara"]


def test_each_breach_bumps_one_step(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    SlaPolicy.objects.filter(is_default=True).update(bump_priority_on_breach=True)
    ticket = owned(requester, Priority.MEDIUM, agent)

    # Found 30 h in: the first response breach raises it to high, whose 24 h resolution
    # has run out too; that second breach raises it once more.
    counts = sweep(30)

    assert counts == {**NOTHING, "first_response_breaches": 1, "resolution_breaches": 1}
    ticket.refresh_from_db()
    assert ticket.priority == Priority.CRITICAL
    raised = ticket.events.filter(kind=EventKind.PRIORITY_CHANGED).order_by("pk")
    assert [(event.old_value, event.new_value, event.reason) for event in raised] == [
        ("medium", "high", "The first response SLA was breached."),
        ("high", "critical", "The resolution SLA was breached."),
    ]
    assert sweep(31) == NOTHING


def test_a_resolved_ticket_is_not_bumped(
    traveller: Any, requester: User, agent: User, team: Team
) -> None:
    SlaPolicy.objects.filter(is_default=True).update(bump_priority_on_breach=True)
    ticket = owned(requester, Priority.HIGH, agent)
    add_public_reply(ticket=ticket, actor=agent, body="On it.")
    traveller.move_to(MONDAY_9 + timedelta(hours=30))

    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)

    ticket.refresh_from_db()
    assert ticket.resolution_state == ClockState.BREACHED
    assert ticket.priority == Priority.HIGH


def test_a_worker_killed_mid_breach_leaves_nothing_and_the_next_sweep_does_it(
    traveller: Any, requester: User, agent: User, team: Team, monkeypatch: Any
) -> None:
    ticket = owned(requester, Priority.MEDIUM, agent)

    def killed(**kwargs: Any) -> None:
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(services, "notify_many", killed)
        with pytest.raises(SystemExit):
            sweep(8)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.RUNNING
    assert sla_events(ticket) == []
    assert sweep(8, 5) == {**NOTHING, "first_response_breaches": 1}
    assert mailed(ticket, NotificationEvent.SLA_BREACH) == ["lena", "tara"]


def test_the_sweep_works_through_more_due_tickets_than_one_batch(
    traveller: Any, requester: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "SWEEP_BATCH", 2)
    tickets = [rated(requester, Priority.CRITICAL) for _ in range(5)]

    assert sweep(0, 15)["first_response_breaches"] == 5
    assert all(
        state == ClockState.BREACHED
        for state in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list(
            "first_response_state", flat=True
        )
    )


# Two workers at once, as deployed: on PostgreSQL two processes share the test database;
# on SQLite (whose in-memory test database cannot hold two writers) the database is copied
# to a file and two processes sweep it as embedded mode runs: WAL, IMMEDIATE transactions.
WORKER = """
import json, sys, time
import django
django.setup()
from datetime import datetime
from hypercare.sla.services import sweep_sla
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(json.dumps(sweep_sla(now=datetime.fromisoformat(sys.argv[1]))))
"""
BREACH_EVENTS = (
    "SELECT ticket_id, COUNT(*) FROM tickets_ticketevent WHERE kind = 'sla_breached' "
    "GROUP BY ticket_id"
)
BREACH_MAILS = (
    "SELECT COUNT(*), COUNT(DISTINCT dedupe_key) FROM notifications_outboxmessage "
    "WHERE event = 'sla_breach'"
)


def _workers_database(tmp_path: Path) -> dict[str, str]:
    """The environment that points worker processes at this test's committed data."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(HYPERCARE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="hypercare.settings")
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        return env
    with sqlite3.connect(tmp_path / "hypercare.sqlite3") as copy:
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")  # as `hypercare serve` leaves it, before workers
    copy.close()
    return env


def _read(tmp_path: Path, sql: str) -> list[tuple[int, ...]]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]
    with sqlite3.connect(tmp_path / "hypercare.sqlite3") as result:
        rows = result.execute(sql).fetchall()
    result.close()
    return rows


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_claim_each_breach_once(
    requester: User, agent: User, team: Team, tmp_path: Path
) -> None:
    tickets = [owned(requester, Priority.CRITICAL, agent) for _ in range(40)]
    env = _workers_database(tmp_path)
    go = str(time.time() + 4)  # both start sweeping at the same moment, once Django is up
    at = (max(ticket.created_at for ticket in tickets) + timedelta(minutes=20)).isoformat()
    workers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WORKER, at, go], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0]
    counts = [json.loads(output)["first_response_breaches"] for output in outputs]
    assert sum(counts) == len(tickets)
    events = _read(tmp_path, BREACH_EVENTS)
    mails = _read(tmp_path, BREACH_MAILS)[0]
    assert sorted(events) == [(ticket.pk, 1) for ticket in tickets]
    assert mails == (2 * len(tickets), 2 * len(tickets))  # assignee and team lead, once each
