"""Releases through their services: create, plan tickets, ship, and what shipping does."""

from datetime import date, timedelta
from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release
from hypercare.releases.services import create_release, plan_for_release, ship_release
from hypercare.sla.choices import ClockState
from hypercare.sla.selectors import plan_for
from hypercare.sla.services import replan_open_tickets
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_status
from tests.releases.conftest import T0, rated


def stored(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("release").get(pk=ticket.pk)


def planned_events(ticket: Ticket) -> list[tuple[str, str]]:
    return [
        (event.old_value, event.new_value)
        for event in ticket.events.filter(kind=ReleaseEventKind.RELEASE_PLANNED)
    ]


# Creating ----------------------------------------------------------------------------------


def test_a_manager_creates_a_release_not_shipped_yet(manager: User) -> None:
    release = create_release(
        actor=manager, version=" 2025.3 ", planned_date=date(2025, 4, 14), notes=" Fixes. "
    )

    stored_release = Release.objects.get()
    assert stored_release == release
    assert (stored_release.version, stored_release.notes) == ("2025.3", "Fixes.")
    assert stored_release.planned_date == date(2025, 4, 14)
    assert stored_release.shipped_at is None
    assert stored_release.created_at == T0


@pytest.mark.parametrize("persona", ["agent", "requester"])
def test_only_managers_create_releases(persona: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(NotAllowed):
        create_release(actor=request.getfixturevalue(persona), version="2025.3")
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("", "must not be empty"),
        ("2025 3", "use letters, digits"),
        (".2025", "use letters, digits"),
        ("x" * 41, "at most 40"),
    ],
)
def test_a_malformed_version_is_refused_on_its_field(
    manager: User, version: str, problem: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_release(actor=manager, version=version)
    assert list(refused.value.errors) == ["version"]
    assert problem in refused.value.errors["version"]


def test_a_version_is_taken_whatever_its_case(manager: User) -> None:
    create_release(actor=manager, version="v2025.3")
    with pytest.raises(ValidationFailed) as refused:
        create_release(actor=manager, version="V2025.3")
    assert refused.value.errors == {"version": "is already taken"}
    assert Release.objects.count() == 1


# Planning ----------------------------------------------------------------------------------


def test_support_staff_plan_move_and_clear_a_tickets_release(
    agent: User, low_ticket: Ticket, release: Release, later_release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    assert stored(low_ticket).release == release

    plan_for_release(ticket=low_ticket, actor=agent, release=later_release)
    assert stored(low_ticket).release == later_release

    plan_for_release(ticket=low_ticket, actor=agent, release=None)
    assert stored(low_ticket).release is None

    assert planned_events(low_ticket) == [("", "2025.3"), ("2025.3", "2025.4"), ("2025.4", "")]
    event = low_ticket.events.filter(kind=ReleaseEventKind.RELEASE_PLANNED).first()
    assert event is not None
    assert event.actor == agent
    assert not event.is_internal


def test_planning_the_same_release_again_changes_nothing(
    agent: User, low_ticket: Ticket, release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    plan_for_release(ticket=rated(low_ticket.requester, "low"), actor=agent, release=None)

    assert planned_events(low_ticket) == [("", "2025.3")]


@pytest.mark.parametrize("persona", ["requester", "key_user", "outsider"])
def test_only_support_staff_plan_tickets_for_releases(
    persona: str, low_ticket: Ticket, release: Release, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        plan_for_release(ticket=low_ticket, actor=actor, release=release)
    assert stored(low_ticket).release is None
    assert planned_events(low_ticket) == []


def test_a_shipped_release_takes_no_more_tickets(
    agent: User, manager: User, requester: User, release: Release
) -> None:
    ship_release(release=release, actor=manager)

    with pytest.raises(InvalidTransition, match="has shipped"):
        plan_for_release(ticket=rated(requester, "low"), actor=agent, release=release)
    assert not release.tickets.exists()


def test_a_ticket_that_shipped_stays_with_its_release(
    agent: User, manager: User, low_ticket: Ticket, release: Release, later_release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    ship_release(release=release, actor=manager)

    for target in (later_release, None):
        with pytest.raises(InvalidTransition, match="shipped in release 2025.3"):
            plan_for_release(ticket=low_ticket, actor=agent, release=target)
    # Saying again what is already so changes nothing and is no error.
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    assert stored(low_ticket).release == release
    assert planned_events(low_ticket) == [("", "2025.3")]


# Shipping ----------------------------------------------------------------------------------


@pytest.fixture
def planned(agent: User, requester: User, release: Release) -> dict[str, Ticket]:
    """A low ticket open, a low ticket already resolved, a medium ticket; all in 2025.3."""
    tickets = {
        "open_low": rated(requester, "low"),
        "resolved_low": rated(requester, "low"),
        "medium": rated(requester, "medium"),
    }
    change_status(ticket=tickets["resolved_low"], actor=agent, status=Status.RESOLVED)
    for ticket in tickets.values():
        plan_for_release(ticket=ticket, actor=agent, release=release)
    return tickets


def test_next_release_clocks_wait_until_the_release_ships(planned: dict[str, Ticket]) -> None:
    for name in ("open_low", "resolved_low"):
        ticket = stored(planned[name])
        assert ticket.resolution_state == ClockState.NEXT_RELEASE
        assert ticket.resolution_due_at is None


def test_shipping_meets_next_release_clocks_and_leaves_others_alone(
    time_machine: Any, manager: User, planned: dict[str, Ticket], release: Release
) -> None:
    medium_before = stored(planned["medium"])
    ships_at = T0 + timedelta(days=10)
    time_machine.move_to(ships_at, tick=False)

    ship_release(release=release, actor=manager)

    release.refresh_from_db()
    assert release.shipped_at == ships_at
    for name in ("open_low", "resolved_low"):
        ticket = stored(planned[name])
        assert ticket.resolution_state == ClockState.MET, name
        assert ticket.resolution_due_at is None
        assert ticket.updated_at == ships_at
    medium = stored(planned["medium"])
    # 3 days after creation were up a week ago: the sweep breaches it, shipping does not.
    assert medium.resolution_state == ClockState.RUNNING
    assert medium.resolution_due_at == medium_before.resolution_due_at == T0 + timedelta(days=3)
    # The first response is not answered by a release.
    assert stored(planned["open_low"]).first_response_state == ClockState.RUNNING


def test_shipping_writes_a_public_event_on_every_planned_ticket(
    manager: User, planned: dict[str, Ticket], release: Release, requester: User
) -> None:
    elsewhere = rated(requester, "low")

    ship_release(release=release, actor=manager)

    for ticket in planned.values():
        event = ticket.events.get(kind=ReleaseEventKind.SHIPPED)
        assert (event.new_value, event.actor, event.is_internal) == ("2025.3", manager, False)
        assert event.created_at == T0
    assert not elsewhere.events.filter(kind=ReleaseEventKind.SHIPPED).exists()
    assert stored(elsewhere).resolution_state == ClockState.NEXT_RELEASE


def test_the_met_verdict_is_replayed_from_the_timeline(
    time_machine: Any, manager: User, planned: dict[str, Ticket], release: Release
) -> None:
    ship_release(release=release, actor=manager)
    time_machine.move_to(T0 + timedelta(days=30), tick=False)

    replan_open_tickets()

    ticket = stored(planned["open_low"])
    assert ticket.resolution_state == ClockState.MET
    _, plan = plan_for(ticket, at=T0 + timedelta(days=30))
    assert plan is not None
    assert plan.resolution.stopped_at == T0


def test_shipping_tells_each_requester_side_once(
    manager: User, key_user: User, requester: User, agent: User, release: Release
) -> None:
    own = rated(requester, "low")
    reported_for = rated(requester, "low", actor=key_user)
    for ticket in (own, reported_for):
        plan_for_release(ticket=ticket, actor=agent, release=release)

    ship_release(release=release, actor=manager)
    with pytest.raises(InvalidTransition):
        ship_release(release=release, actor=manager)

    sent = OutboxMessage.objects.filter(event=NotificationEvent.TICKET_SHIPPED)
    assert sorted((m.ticket_id, m.recipient_id) for m in sent) == sorted(
        [(own.pk, requester.pk), (reported_for.pk, requester.pk), (reported_for.pk, key_user.pk)]
    )
    message = sent.get(ticket=own)
    assert message.subject == f"[{own.reference}] Fixed in release 2025.3: {own.title}"
    assert "has shipped in release 2025.3" in message.body


def test_a_release_ships_once(manager: User, release: Release, time_machine: Any) -> None:
    ship_release(release=release, actor=manager)
    time_machine.move_to(T0 + timedelta(days=1), tick=False)

    with pytest.raises(InvalidTransition, match="already shipped"):
        ship_release(release=release, actor=manager)
    release.refresh_from_db()
    assert release.shipped_at == T0


def test_a_release_without_tickets_ships_quietly(manager: User, release: Release) -> None:
    ship_release(release=release, actor=manager)

    release.refresh_from_db()
    assert release.is_shipped
    assert not OutboxMessage.objects.filter(event=NotificationEvent.TICKET_SHIPPED).exists()


@pytest.mark.parametrize("persona", ["agent", "requester"])
def test_only_managers_ship_releases(
    persona: str, release: Release, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(NotAllowed):
        ship_release(release=release, actor=request.getfixturevalue(persona))
    release.refresh_from_db()
    assert release.shipped_at is None
