"""Opening a ticket: what is captured, who may open it, and what is refused."""

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import (
    AffectedWorkflow,
    Category,
    Channel,
    EventKind,
    Level,
    Priority,
    Status,
)
from hypercare.tickets.models import RoutingRule, Ticket, TicketEvent
from hypercare.tickets.services.intake import open_ticket
from tests import factories

OPENED_AT = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def _open(actor: User, requester: User, **overrides: Any) -> Ticket:
    assert requester.institution is not None
    fields: dict[str, Any] = {
        "actor": actor,
        "institution": requester.institution,
        "requester": requester,
        "module": factories.module(requester.institution, ModuleCode.FEES),
        "category": Category.QUESTION,
        "title": "Fee receipt does not print",
        "description": "Clicking Print on the fee receipt shows a blank page.",
        "urgency": Level.MEDIUM,
        "impact": Level.MEDIUM,
        "channel": Channel.PORTAL,
        "category_details": {"screen_or_report": "Fee receipt"},
    }
    fields.update(overrides)
    return open_ticket(**fields)


def _nothing_written() -> bool:
    return not Ticket.objects.exists() and not TicketEvent.objects.exists()


def test_open_ticket_starts_new_with_priority_from_matrix(requester: User) -> None:
    ticket = factories.ticket(requester, urgency="high", impact="high")
    assert ticket.status == Status.NEW
    assert ticket.priority == Priority.CRITICAL
    assert ticket.priority_overridden is False
    assert ticket.reference == f"HC-{ticket.pk:06d}"


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [
        (Level.LOW, Level.LOW, Priority.LOW),
        (Level.MEDIUM, Level.HIGH, Priority.HIGH),
        (Level.HIGH, Level.LOW, Priority.MEDIUM),
    ],
)
def test_open_ticket_stores_priority_from_impact_and_urgency(
    requester: User, impact: str, urgency: str, priority: str
) -> None:
    ticket = _open(requester, requester, impact=impact, urgency=urgency)
    ticket.refresh_from_db()
    assert (ticket.impact, ticket.urgency, ticket.priority) == (impact, urgency, priority)


def test_open_ticket_captures_every_intake_field(requester: User, institution: Institution) -> None:
    with time_machine.travel(OPENED_AT, tick=False):
        ticket = _open(
            requester,
            requester,
            title="  Exam results not published  ",
            description=" Results page is empty. ",
            action_attempted=" Publish results for semester 3 ",
            error_seen=" Error 500 ",
            affected_workflow=AffectedWorkflow.EXAM_RESULTS,
            operational_impact=" 1,200 students waiting ",
            channel=Channel.EMAIL,
            requester_erp_role=" Exam cell clerk ",
        )
    ticket.refresh_from_db()
    assert ticket.institution == institution
    assert ticket.requester == requester
    assert ticket.reported_by == requester
    assert ticket.module.code == ModuleCode.FEES
    assert ticket.title == "Exam results not published"
    assert ticket.description == "Results page is empty."
    assert ticket.action_attempted == "Publish results for semester 3"
    assert ticket.error_seen == "Error 500"
    assert ticket.affected_workflow == AffectedWorkflow.EXAM_RESULTS
    assert ticket.operational_impact == "1,200 students waiting"
    assert ticket.channel == Channel.EMAIL
    assert ticket.requester_erp_role == "Exam cell clerk"
    assert ticket.category_details == {"screen_or_report": "Fee receipt"}
    assert ticket.created_at == ticket.updated_at == OPENED_AT
    assert ticket.assignee is None
    assert ticket.first_responded_at is None
    assert ticket.resolved_at is None
    assert ticket.closed_at is None


def test_open_ticket_takes_erp_role_from_the_profile_unless_given(institution: Institution) -> None:
    clerk = factories.requester(institution, erp_role="Fee clerk")
    assert _open(clerk, clerk).requester_erp_role == "Fee clerk"
    assert _open(clerk, clerk, requester_erp_role="Cashier").requester_erp_role == "Cashier"


def test_open_ticket_records_a_created_event_by_the_actor(requester: User) -> None:
    with time_machine.travel(OPENED_AT, tick=False):
        ticket = _open(requester, requester)
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED
    assert event.actor == requester
    assert event.created_at == OPENED_AT
    assert event.new_value == Status.NEW
    assert event.is_internal is False


def test_key_user_reports_on_behalf_of_a_colleague(key_user: User, colleague: User) -> None:
    ticket = _open(key_user, colleague)
    assert ticket.requester == colleague
    assert ticket.reported_by == key_user
    assert ticket.events.get().actor == key_user


def test_agent_takes_a_phone_call_for_a_requester(agent: User, requester: User) -> None:
    ticket = _open(agent, requester, channel=Channel.PHONE)
    assert (ticket.requester, ticket.reported_by, ticket.channel) == (
        requester,
        agent,
        Channel.PHONE,
    )


def test_requester_may_not_report_for_a_colleague(requester: User, colleague: User) -> None:
    with pytest.raises(NotAllowed):
        _open(requester, colleague)
    assert _nothing_written()


def test_outsider_may_not_open_a_ticket_for_a_northfield_requester(
    outsider: User, requester: User
) -> None:
    with pytest.raises(NotAllowed):
        _open(outsider, requester)
    assert _nothing_written()


def test_ticket_institution_must_be_the_requesters(
    agent: User, requester: User, other_institution: Institution
) -> None:
    with pytest.raises(NotAllowed):
        _open(
            agent,
            requester,
            institution=other_institution,
            module=factories.module(other_institution),
        )
    assert _nothing_written()


def test_inactive_requester_gets_no_new_tickets(agent: User, requester: User) -> None:
    requester.is_active = False
    requester.save()
    with pytest.raises(NotAllowed):
        _open(agent, requester)
    assert _nothing_written()


def test_deactivated_key_user_may_no_longer_report_for_colleagues(
    key_user: User, colleague: User
) -> None:
    key_user.is_active = False
    key_user.save()
    with pytest.raises(NotAllowed):
        _open(key_user, colleague)
    assert _nothing_written()


def test_deactivated_agent_may_not_open_tickets(agent: User, requester: User) -> None:
    agent.is_active = False
    agent.save()
    with pytest.raises(NotAllowed):
        _open(agent, requester)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "complaint"),
        ("urgency", "extreme"),
        ("impact", ""),
        ("channel", "fax"),
        ("affected_workflow", "gardening"),
    ],
)
def test_unknown_choice_is_refused_naming_the_field(
    requester: User, field: str, value: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _open(requester, requester, **{field: value})
    assert field in refused.value.errors
    assert _nothing_written()


@pytest.mark.parametrize("field", ["title", "description"])
@pytest.mark.parametrize("value", ["", "   \n\t"])
def test_blank_title_or_description_is_refused(requester: User, field: str, value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _open(requester, requester, **{field: value})
    assert set(refused.value.errors) == {field}
    assert _nothing_written()


def test_overlong_title_is_refused(requester: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _open(requester, requester, title="x" * 201)
    assert "title" in refused.value.errors
    assert _open(requester, requester, title="x" * 200).title == "x" * 200


def test_module_of_another_institution_is_refused(
    requester: User, other_institution: Institution
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _open(requester, requester, module=factories.module(other_institution))
    assert "module" in refused.value.errors
    assert _nothing_written()


def test_inactive_module_is_refused(requester: User, institution: Institution) -> None:
    module = factories.module(institution, ModuleCode.HOSTEL)
    module.is_active = False
    module.save()
    with pytest.raises(ValidationFailed) as refused:
        _open(requester, requester, module=module)
    assert "module" in refused.value.errors


def test_category_details_are_checked_at_intake(requester: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _open(requester, requester, category_details={})
    assert "category_details.screen_or_report" in refused.value.errors
    assert _nothing_written()


def test_new_ticket_goes_to_the_routed_team_and_tier(
    requester: User, institution: Institution
) -> None:
    finance_consultants = factories.team("Finance consultants", tier=Tier.FUNCTIONAL)
    RoutingRule.objects.create(
        module_code=ModuleCode.FEES, team=finance_consultants, tier=Tier.FUNCTIONAL
    )
    ticket = _open(requester, requester)
    ticket.refresh_from_db()
    assert ticket.team == finance_consultants
    assert ticket.tier == Tier.FUNCTIONAL


def test_new_ticket_without_a_rule_waits_at_the_service_desk(requester: User) -> None:
    ticket = _open(requester, requester)
    assert ticket.team is None
    assert ticket.tier == Tier.SERVICE_DESK


def test_references_are_unique_and_follow_the_primary_key(requester: User) -> None:
    first, second = _open(requester, requester), _open(requester, requester)
    assert first.reference != second.reference
    assert second.reference == f"HC-{second.pk:06d}"


def test_institution_admin_reports_for_anyone_at_the_institution(
    institution: Institution, requester: User
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    assert _open(admin, requester).reported_by == admin


def test_every_problem_is_named_at_once(requester: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _open(
            requester,
            requester,
            title="Fees\rdown",
            description=" ",
            urgency="extreme",
            error_seen="bad\x00byte",
            category_details={},
        )
    assert set(refused.value.errors) == {
        "title",
        "description",
        "urgency",
        "error_seen",
        "category_details.screen_or_report",
    }
    assert refused.value.errors["title"] == "must be one line, without control characters"
    assert _nothing_written()
