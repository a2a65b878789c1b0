"""Moving a ticket along: status lifecycle, ownership, priority, category, module, tier, team."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.forms.models import model_to_dict

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import ConfirmationNeeded, InvalidTransition, NotAllowed, ValidationFailed
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution
from hypercare.sla.choices import SlaEventKind
from hypercare.tickets.choices import ALLOWED_TRANSITIONS, Category, EventKind, Priority, Status
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.selectors import timeline
from hypercare.tickets.services.handover import HandOverNote
from hypercare.tickets.services.workflow import (
    assign_ticket,
    change_category,
    change_module,
    change_priority,
    change_status,
    change_team,
    change_tier,
    take_ticket,
)
from tests import factories

T0 = datetime(2025, 4, 7, 10, 0, tzinfo=UTC)
ALL_PAIRS = list(itertools.product(Status.values, repeat=2))
ALLOWED_PAIRS = [(old, new) for old, new in ALL_PAIRS if new in ALLOWED_TRANSITIONS[old]]
REFUSED_PAIRS = [(old, new) for old, new in ALL_PAIRS if new not in ALLOWED_TRANSITIONS[old]]
REQUESTER_PAIRS = {(Status.RESOLVED, Status.CLOSED), (Status.RESOLVED, Status.IN_PROGRESS)}


def _put_in(ticket: Ticket, status: str, assignee: User | None) -> Ticket:
    """Test set-up: place the ticket in ``status`` as if the lifecycle had taken it there."""
    Ticket.objects.filter(pk=ticket.pk).update(
        status=status,
        assignee=assignee,
        resolved_at=T0 if status in (Status.RESOLVED, Status.CLOSED) else None,
        closed_at=T0 if status == Status.CLOSED else None,
    )
    ticket.refresh_from_db()
    return ticket


def _snapshot(ticket: Ticket) -> tuple[dict[str, Any], int]:
    row = Ticket.objects.get(pk=ticket.pk)
    return model_to_dict(row), row.events.count()


def _events(ticket: Ticket, kind: str) -> list[TicketEvent]:
    return list(ticket.events.filter(kind=kind).order_by("pk"))


@pytest.fixture
def ticket(requester: User) -> Ticket:
    with time_machine.travel(T0, tick=False):
        return factories.ticket(requester)


# Status lifecycle ---------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), ALLOWED_PAIRS)
def test_every_allowed_transition_works(ticket: Ticket, agent: User, old: str, new: str) -> None:
    ticket = _put_in(ticket, old, assignee=agent)
    at = T0 + timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        changed = change_status(ticket=ticket, actor=agent, status=new, reason="Because.")
    changed.refresh_from_db()
    assert changed.status == new
    assert changed.updated_at == at
    reopening = (old, new) == (Status.RESOLVED, Status.IN_PROGRESS)
    kind = EventKind.REOPENED if reopening else EventKind.STATUS_CHANGED
    event = ticket.events.filter(kind=kind).get()
    assert (event.old_value, event.new_value) == (old, new)
    assert (event.actor, event.created_at) == (agent, at)


@pytest.mark.parametrize(("old", "new"), REFUSED_PAIRS)
def test_every_other_transition_is_refused_and_changes_nothing(
    ticket: Ticket, agent: User, old: str, new: str
) -> None:
    ticket = _put_in(ticket, old, assignee=None if old == Status.NEW else agent)
    before = _snapshot(ticket)
    with pytest.raises(InvalidTransition):
        change_status(ticket=ticket, actor=agent, status=new)
    assert _snapshot(ticket) == before
    assert ticket.status == old


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS)
def test_requester_may_only_confirm_or_reopen_a_resolved_ticket(
    ticket: Ticket, agent: User, requester: User, old: str, new: str
) -> None:
    ticket = _put_in(ticket, old, assignee=agent)
    before = _snapshot(ticket)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        if (old, new) in REQUESTER_PAIRS:
            assert change_status(ticket=ticket, actor=requester, status=new).status == new
            return
        with pytest.raises(NotAllowed):
            change_status(ticket=ticket, actor=requester, status=new)
    assert _snapshot(ticket) == before


def test_unknown_status_is_refused_naming_the_field(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_status(ticket=ticket, actor=agent, status="archived")
    assert "status" in refused.value.errors


def test_leaving_new_makes_the_acting_agent_the_owner(ticket: Ticket, agent: User) -> None:
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        ticket = change_status(ticket=ticket, actor=agent, status=Status.TRIAGED)
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assignment = _events(ticket, EventKind.ASSIGNED)[0]
    assert (assignment.old_value, assignment.new_value, assignment.actor) == ("", "tara", agent)
    assert assignment.created_at == T0 + timedelta(minutes=5)


def test_leaving_new_keeps_an_existing_owner(
    ticket: Ticket, agent: User, tier2_agent: User
) -> None:
    assign_ticket(ticket=ticket, actor=agent, assignee=tier2_agent)
    ticket = change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    assert ticket.assignee == tier2_agent
    assert len(_events(ticket, EventKind.ASSIGNED)) == 1


@pytest.mark.parametrize("target", sorted(ALLOWED_TRANSITIONS[Status.NEW]))
def test_no_ticket_leaves_new_without_an_owner(ticket: Ticket, agent: User, target: str) -> None:
    ticket = change_status(ticket=ticket, actor=agent, status=target)
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


def test_resolving_stamps_resolved_at_and_closing_stamps_closed_at(
    ticket: Ticket, agent: User
) -> None:
    resolved_at, closed_at = T0 + timedelta(hours=3), T0 + timedelta(days=2)
    with time_machine.travel(resolved_at, tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    with time_machine.travel(closed_at, tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    ticket.refresh_from_db()
    assert (ticket.resolved_at, ticket.closed_at) == (resolved_at, closed_at)


def test_reopening_clears_resolved_at(ticket: Ticket, agent: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    ticket.refresh_from_db()
    assert ticket.resolved_at is None
    assert ticket.closed_at is None


def test_requester_confirms_the_fix_by_closing(
    ticket: Ticket, agent: User, requester: User
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        change_status(ticket=ticket, actor=requester, status=Status.CLOSED)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at == T0 + timedelta(days=1)
    assert ticket.assignee == agent
    closing = _events(ticket, EventKind.STATUS_CHANGED)[-1]
    assert (closing.actor, closing.new_value) == (requester, Status.CLOSED)


def test_requester_reopens_within_the_window_but_not_after(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _close_after(ticket, days=7)
    with time_machine.travel(T0, tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    with (
        time_machine.travel(T0 + timedelta(days=7, seconds=1), tick=False),
        pytest.raises(InvalidTransition),
    ):
        change_status(ticket=ticket, actor=requester, status=Status.IN_PROGRESS)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
    with time_machine.travel(T0 + timedelta(days=7), tick=False):
        change_status(ticket=ticket, actor=requester, status=Status.IN_PROGRESS)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    assert _events(ticket, EventKind.REOPENED)[0].actor == requester


def test_agent_may_reopen_after_the_window(ticket: Ticket, agent: User) -> None:
    with time_machine.travel(T0, tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    with time_machine.travel(T0 + timedelta(days=90), tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_key_user_may_confirm_a_colleagues_fix(ticket: Ticket, agent: User, key_user: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    change_status(ticket=ticket, actor=key_user, status=Status.CLOSED)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


@pytest.mark.parametrize("persona", ["colleague", "outsider", "module_owner"])
def test_others_may_not_close_a_requesters_resolved_ticket(
    request: pytest.FixtureRequest, ticket: Ticket, agent: User, persona: str
) -> None:
    if persona == "module_owner":
        actor = factories.user(Role.MODULE_OWNER, institution=ticket.institution)
        factories.module(ticket.institution).owners.add(actor)
    else:
        actor = request.getfixturevalue(persona)
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    with pytest.raises(NotAllowed):
        change_status(ticket=ticket, actor=actor, status=Status.CLOSED)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_deactivated_requester_may_not_close(ticket: Ticket, agent: User, requester: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    requester.is_active = False
    requester.save()
    with pytest.raises(NotAllowed):
        change_status(ticket=ticket, actor=requester, status=Status.CLOSED)


# Ownership ----------------------------------------------------------------------------


def test_assignment_records_who_from_whom_to_whom(
    ticket: Ticket, agent: User, tier2_agent: User
) -> None:
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assign_ticket(ticket=ticket, actor=agent, assignee=agent, reason=" first look ")
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        assign_ticket(ticket=ticket, actor=agent, assignee=tier2_agent, reason="Fees expert")
    ticket.refresh_from_db()
    assert ticket.assignee == tier2_agent
    first, second = _events(ticket, EventKind.ASSIGNED)
    assert (first.old_value, first.new_value, first.reason) == ("", "tara", "first look")
    assert (second.old_value, second.new_value, second.reason) == ("tara", "tomas", "Fees expert")
    assert (second.actor, second.created_at) == (agent, T0 + timedelta(minutes=2))
    assert ticket.updated_at == T0 + timedelta(minutes=2)


def test_assigning_the_same_owner_again_records_nothing(ticket: Ticket, agent: User) -> None:
    assign_ticket(ticket=ticket, actor=agent, assignee=agent)
    assign_ticket(ticket=ticket, actor=agent, assignee=agent)
    assert len(_events(ticket, EventKind.ASSIGNED)) == 1


def test_new_ticket_may_be_handed_back_to_the_queue(ticket: Ticket, agent: User) -> None:
    assign_ticket(ticket=ticket, actor=agent, assignee=agent)
    assign_ticket(ticket=ticket, actor=agent, assignee=None, reason="Wrong queue")
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


@pytest.mark.parametrize("status", sorted(set(Status.values) - {Status.NEW}))
def test_triaged_ticket_is_never_left_without_an_owner(
    ticket: Ticket, agent: User, status: str
) -> None:
    ticket = _put_in(ticket, status, assignee=agent)
    before = _snapshot(ticket)
    with pytest.raises(InvalidTransition):
        assign_ticket(ticket=ticket, actor=agent, assignee=None)
    assert _snapshot(ticket) == before


def test_only_active_agents_can_be_assigned(
    ticket: Ticket, agent: User, requester: User, tier2_agent: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        assign_ticket(ticket=ticket, actor=agent, assignee=requester)
    assert "assignee" in refused.value.errors
    tier2_agent.is_active = False
    tier2_agent.save()
    with pytest.raises(ValidationFailed):
        assign_ticket(ticket=ticket, actor=agent, assignee=tier2_agent)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


@pytest.mark.parametrize("persona", ["requester", "key_user", "outsider"])
def test_institution_users_may_not_assign(
    request: pytest.FixtureRequest, ticket: Ticket, agent: User, persona: str
) -> None:
    with pytest.raises(NotAllowed):
        assign_ticket(ticket=ticket, actor=request.getfixturevalue(persona), assignee=agent)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_take_ticket_makes_the_actor_owner(ticket: Ticket, tier2_agent: User) -> None:
    take_ticket(ticket=ticket, actor=tier2_agent)
    assert Ticket.objects.get(pk=ticket.pk).assignee == tier2_agent
    assert _events(ticket, EventKind.ASSIGNED)[0].actor == tier2_agent


def test_taking_a_new_ticket_triages_it(ticket: Ticket, agent: User) -> None:
    take_ticket(ticket=ticket, actor=agent)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.assignee) == (Status.TRIAGED, agent)
    change = _events(ticket, EventKind.STATUS_CHANGED)
    assert [(e.old_value, e.new_value) for e in change] == [(Status.NEW, Status.TRIAGED)]


def test_taking_a_ticket_in_work_keeps_its_status(
    ticket: Ticket, agent: User, tier2_agent: User
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    take_ticket(ticket=ticket, actor=tier2_agent)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.assignee) == (Status.IN_PROGRESS, tier2_agent)


def test_taking_a_ticket_above_your_tier_needs_confirmation(ticket: Ticket, agent: User) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(tier=Tier.TECHNICAL)
    with pytest.raises(ConfirmationNeeded) as asked:
        take_ticket(ticket=ticket, actor=agent)
    assert "Tier 3" in asked.value.message
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.assignee, fresh.status) == (None, Status.NEW)
    take_ticket(ticket=ticket, actor=agent, confirmed=True)
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


@pytest.mark.parametrize("role", [Role.TIER3, Role.SUPPORT_MANAGER, Role.ESCALATION_MANAGER])
def test_taking_a_ticket_at_or_below_your_tier_asks_nothing(ticket: Ticket, role: str) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(tier=Tier.TECHNICAL)
    taker = factories.agent(role)
    take_ticket(ticket=ticket, actor=taker)
    assert Ticket.objects.get(pk=ticket.pk).assignee == taker


# Priority -----------------------------------------------------------------------------


def test_priority_override_records_the_reason(ticket: Ticket, agent: User) -> None:
    assert ticket.priority == Priority.MEDIUM
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        change_priority(
            ticket=ticket, actor=agent, priority=Priority.CRITICAL, reason=" Results due today "
        )
    ticket.refresh_from_db()
    assert ticket.priority == Priority.CRITICAL
    assert ticket.priority_overridden is True
    event = _events(ticket, EventKind.PRIORITY_CHANGED)[0]
    assert (event.old_value, event.new_value) == (Priority.MEDIUM, Priority.CRITICAL)
    assert (event.reason, event.actor) == ("Results due today", agent)
    assert event.created_at == T0 + timedelta(hours=1)


def test_a_priority_reason_is_public_unless_kept_internal(
    ticket: Ticket, agent: User, requester: User
) -> None:
    change_priority(ticket=ticket, actor=agent, priority=Priority.HIGH, reason="Exams Monday")
    change_priority(
        ticket=ticket,
        actor=agent,
        priority=Priority.CRITICAL,
        reason="The dean called",
        reason_is_public=False,
    )
    changes = _events(ticket, EventKind.PRIORITY_CHANGED)
    assert [(e.reason, e.is_internal) for e in changes] == [
        ("Exams Monday", False),
        ("The dean called", True),
    ]
    seen = [e.reason for e in timeline(requester, ticket) if e.kind == EventKind.PRIORITY_CHANGED]
    assert seen == ["Exams Monday"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_priority_override_needs_a_reason(ticket: Ticket, agent: User, reason: str) -> None:
    before = _snapshot(ticket)
    with pytest.raises(ValidationFailed) as refused:
        change_priority(ticket=ticket, actor=agent, priority=Priority.HIGH, reason=reason)
    assert "reason" in refused.value.errors
    assert _snapshot(ticket) == before


def test_unknown_priority_is_refused(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_priority(ticket=ticket, actor=agent, priority="urgent", reason="x")
    assert "priority" in refused.value.errors


def test_requester_may_not_override_priority(ticket: Ticket, requester: User) -> None:
    with pytest.raises(NotAllowed):
        change_priority(ticket=ticket, actor=requester, priority=Priority.CRITICAL, reason="!")
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.MEDIUM


# Category and module ------------------------------------------------------------------


def test_recategorising_stores_the_new_details_and_records_it(ticket: Ticket, agent: User) -> None:
    details = {"area": "report", "current_behaviour": "Totals", "wanted_behaviour": "Subtotals"}
    change_category(
        ticket=ticket,
        actor=agent,
        category=Category.CONFIGURATION,
        category_details=details,
        reason="Needs a report change",
    )
    ticket.refresh_from_db()
    assert ticket.category == Category.CONFIGURATION
    assert ticket.category_details == details
    event = _events(ticket, EventKind.CATEGORY_CHANGED)[0]
    assert (event.old_value, event.new_value) == (Category.QUESTION, Category.CONFIGURATION)
    assert (event.reason, event.actor) == ("Needs a report change", agent)


def test_recategorising_needs_the_new_categorys_details(ticket: Ticket, agent: User) -> None:
    before = _snapshot(ticket)
    with pytest.raises(ValidationFailed) as refused:
        change_category(
            ticket=ticket,
            actor=agent,
            category=Category.INCIDENT,
            category_details={"screen_or_report": "Fee receipt"},
        )
    assert {
        "category_details.since",
        "category_details.users_affected",
        "category_details.screen_or_report",
    } <= set(refused.value.errors)
    assert _snapshot(ticket) == before


def test_recategorising_to_an_unknown_category_is_refused(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_category(ticket=ticket, actor=agent, category="rant", category_details={})
    assert "category" in refused.value.errors


def test_requester_may_not_recategorise(ticket: Ticket, requester: User) -> None:
    with pytest.raises(NotAllowed):
        change_category(
            ticket=ticket,
            actor=requester,
            category=Category.ENHANCEMENT,
            category_details={"business_need": "Print in bulk"},
        )


def test_moving_module_records_old_and_new_names(
    ticket: Ticket, agent: User, institution: Institution
) -> None:
    exams = factories.module(institution, ModuleCode.EXAMS)
    change_module(ticket=ticket, actor=agent, module=exams, reason="It is the exam fee")
    ticket.refresh_from_db()
    assert ticket.module == exams
    event = _events(ticket, EventKind.MODULE_CHANGED)[0]
    assert (event.old_value, event.new_value) == ("Finance/Accounts", "Exams")
    assert (event.reason, event.actor) == ("It is the exam fee", agent)


def test_moving_to_another_institutions_module_is_refused(
    ticket: Ticket, agent: User, other_institution: Institution
) -> None:
    before = _snapshot(ticket)
    with pytest.raises(ValidationFailed) as refused:
        change_module(ticket=ticket, actor=agent, module=factories.module(other_institution))
    assert "module" in refused.value.errors
    assert _snapshot(ticket) == before


# Tier and team ------------------------------------------------------------------------


def test_tier_change_records_the_handover_note_and_team(ticket: Ticket, tier2_agent: User) -> None:
    consultants = factories.team("Finance consultants", tier=Tier.FUNCTIONAL)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        change_tier(
            ticket=ticket,
            actor=tier2_agent,
            tier=Tier.FUNCTIONAL,
            handover=HandOverNote(" Reprinted the receipt. ", "Template broken", "A config fix"),
            team=consultants,
        )
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (Tier.FUNCTIONAL, consultants)
    tier_event = _events(ticket, EventKind.TIER_CHANGED)[0]
    assert (tier_event.old_value, tier_event.new_value) == ("1", "2")
    handover = tier_event.handover
    assert (handover.tried, handover.findings, handover.needed) == (
        "Reprinted the receipt.",
        "Template broken",
        "A config fix",
    )
    assert (tier_event.actor, tier_event.created_at) == (tier2_agent, T0 + timedelta(hours=2))
    team_event = _events(ticket, EventKind.TEAM_CHANGED)[0]
    assert (team_event.old_value, team_event.new_value) == ("", "Finance consultants")


@pytest.mark.parametrize("blank", ["", "  "])
def test_tier_change_up_needs_every_part_of_the_handover_note(
    ticket: Ticket, agent: User, blank: str
) -> None:
    factories.team("Engineering", tier=Tier.TECHNICAL)
    before = _snapshot(ticket)
    with pytest.raises(ValidationFailed) as refused:
        change_tier(
            ticket=ticket,
            actor=agent,
            tier=Tier.TECHNICAL,
            handover=HandOverNote(blank, "Stack trace in the log", blank),
        )
    assert set(refused.value.errors) == {"handover.tried", "handover.needed"}
    assert _snapshot(ticket) == before


def test_tier_change_to_the_same_tier_is_refused(ticket: Ticket, agent: User) -> None:
    with pytest.raises(InvalidTransition):
        change_tier(ticket=ticket, actor=agent, tier=Tier.SERVICE_DESK, note="Same")


def test_unknown_tier_is_refused(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_tier(ticket=ticket, actor=agent, tier=7, note="Up")
    assert "tier" in refused.value.errors


def test_team_change_records_old_and_new_team(ticket: Ticket, agent: User) -> None:
    desk, finance = factories.team("Service desk"), factories.team("Finance")
    change_team(ticket=ticket, actor=agent, team=desk)
    change_team(ticket=ticket, actor=agent, team=finance, reason="Fees belong to finance")
    change_team(ticket=ticket, actor=agent, team=finance)
    ticket.refresh_from_db()
    assert ticket.team == finance
    first, second = _events(ticket, EventKind.TEAM_CHANGED)
    assert (first.old_value, first.new_value) == ("", "Service desk")
    assert (second.old_value, second.new_value, second.reason) == (
        "Service desk",
        "Finance",
        "Fees belong to finance",
    )


@pytest.mark.parametrize("persona", ["requester", "key_user"])
def test_institution_users_may_not_change_tier_or_team(
    request: pytest.FixtureRequest, ticket: Ticket, persona: str
) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        change_tier(ticket=ticket, actor=actor, tier=Tier.FUNCTIONAL, note="Up please")
    with pytest.raises(NotAllowed):
        change_team(ticket=ticket, actor=actor, team=factories.team())


# The timeline is append-only ----------------------------------------------------------


def test_saving_an_existing_event_is_refused(ticket: Ticket) -> None:
    event = ticket.events.get()
    event.body = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    assert ticket.events.get().body == ""


def test_queryset_update_of_events_is_refused(ticket: Ticket) -> None:
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(ticket=ticket).update(body="rewritten")
    with pytest.raises(TypeError):
        ticket.events.update(body="rewritten")
    assert ticket.events.get().body == ""


def test_bulk_update_of_events_is_refused(ticket: Ticket) -> None:
    event = ticket.events.get()
    event.reason = "rewritten"
    # The savepoint keeps the test's transaction usable after the refusal.
    with pytest.raises(TypeError), transaction.atomic():
        TicketEvent.objects.bulk_update([event], ["reason"])
    assert ticket.events.get().reason == ""


def test_deleting_events_is_refused(ticket: Ticket) -> None:
    with pytest.raises(TypeError):
        ticket.events.get().delete()
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(ticket=ticket).delete()
    with pytest.raises(TypeError):
        ticket.events.all().delete()
    assert ticket.events.count() == 1


def test_timeline_grows_in_order_of_the_changes(
    ticket: Ticket, agent: User, requester: User
) -> None:
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        change_priority(ticket=ticket, actor=agent, priority=Priority.HIGH, reason="Exam week")
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    with time_machine.travel(T0 + timedelta(hours=4), tick=False):
        change_status(ticket=ticket, actor=requester, status=Status.CLOSED)
    rows = list(ticket.events.values_list("kind", "actor__username", "created_at"))
    assert rows == [
        (EventKind.CREATED, "riya", T0),
        (EventKind.ASSIGNED, "tara", T0 + timedelta(hours=1)),
        (EventKind.STATUS_CHANGED, "tara", T0 + timedelta(hours=1)),
        (EventKind.PRIORITY_CHANGED, "tara", T0 + timedelta(hours=2)),
        (EventKind.STATUS_CHANGED, "tara", T0 + timedelta(hours=3)),
        # Resolved with no reply 3 h in: high priority's 2 h first response was missed.
        (SlaEventKind.SLA_BREACHED, None, T0 + timedelta(hours=3)),
        (EventKind.STATUS_CHANGED, "riya", T0 + timedelta(hours=4)),
    ]


def _close_after(ticket: Ticket, *, days: int) -> None:
    Institution.objects.filter(pk=ticket.institution_id).update(auto_close_days=days)
