"""Each category's own workflow: the declaration, where a ticket is, and recategorising
(routed again, and confirmed when it leaves steps taken behind)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hypercare.accounts.models import User
from hypercare.errors import ConfirmationNeeded
from hypercare.orgs.choices import AutoAssignment, Tier
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category, EventKind
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.services.workflow import change_category
from hypercare.tickets.workflows import Progress
from tests import factories

CONFIGURATION_DETAILS = {
    "area": "report",
    "current_behaviour": "Totals only",
    "wanted_behaviour": "Subtotals per term",
}


def test_every_category_declares_its_workflow() -> None:
    assert set(workflows.WORKFLOWS) == set(Category.values)
    assert all(workflows.steps_of(category) for category in Category.values)


def test_a_category_has_one_tracker_and_only_a_declared_one(signed_off_tracker: None) -> None:
    with pytest.raises(ImproperlyConfigured):
        workflows.register(Category.QUESTION, lambda ticket: Progress("answer", ""))
    with pytest.raises(ImproperlyConfigured):
        workflows.register("rant", lambda ticket: Progress("answer", ""))


def test_a_category_has_one_step_on_new_answers_and_only_a_declared_one() -> None:
    with pytest.raises(ImproperlyConfigured):
        workflows.on_new_answers(Category.DATA_CORRECTION, lambda change: None)
    with pytest.raises(ImproperlyConfigured):
        workflows.on_new_answers("rant", lambda change: None)


@pytest.mark.django_db
def test_without_a_tracker_a_ticket_is_at_its_first_step(requester: User) -> None:
    saved = workflows._trackers.pop(Category.QUESTION, None)
    try:
        ticket = factories.ticket(requester)
        where = workflows.progress(ticket)
    finally:
        if saved is not None:
            workflows._trackers[Category.QUESTION] = saved
    assert (where.step, where.waiting_for, where.taken) == ("answer", "Next: answer.", ())
    assert [stage.state for stage in workflows.stages(ticket, where)] == ["current", "to come"]


@pytest.mark.django_db
def test_stages_mark_the_steps_done_the_current_one_and_those_to_come(
    requester: User, signed_off_tracker: None
) -> None:
    ticket = factories.ticket(requester)
    where = workflows.progress(ticket)
    marked = [(stage.step.key, stage.state) for stage in workflows.stages(ticket, where)]
    assert marked == [("answer", "done"), ("training_gap", "current")]
    finished = workflows.stages(ticket, Progress(step="", waiting_for=""))
    assert {stage.state for stage in finished} == {"done"}


@pytest.mark.django_db
def test_recategorising_routes_the_ticket_as_a_new_one_of_that_category(
    requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    change_team = factories.team("Configuration", tier=Tier.FUNCTIONAL)
    change_team.auto_assignment = AutoAssignment.ROUND_ROBIN
    change_team.save()
    consultant = factories.agent(username="consultant")
    change_team.members.add(consultant)
    RoutingRule.objects.create(
        category=Category.CONFIGURATION, team=change_team, tier=Tier.FUNCTIONAL, position=1
    )

    change_category(
        ticket=ticket,
        actor=agent,
        category=Category.CONFIGURATION,
        category_details=CONFIGURATION_DETAILS,
    )

    ticket.refresh_from_db()
    assert (ticket.team, ticket.tier, ticket.assignee) == (change_team, Tier.FUNCTIONAL, consultant)
    kinds = list(ticket.events.values_list("kind", flat=True).order_by("pk"))
    assert kinds[-4:] == [
        EventKind.CATEGORY_CHANGED,
        EventKind.TIER_CHANGED,
        EventKind.TEAM_CHANGED,
        EventKind.ASSIGNED,
    ]


@pytest.mark.django_db
def test_recategorising_with_no_rule_for_the_category_leaves_the_ticket_where_it_is(
    requester: User, agent: User
) -> None:
    desk = factories.team("Service desk")
    ticket = factories.ticket(requester)
    Ticket.objects.filter(pk=ticket.pk).update(team=desk, assignee=agent)

    change_category(
        ticket=ticket,
        actor=agent,
        category=Category.CONFIGURATION,
        category_details=CONFIGURATION_DETAILS,
    )

    ticket.refresh_from_db()
    assert (ticket.category, ticket.team, ticket.assignee) == (
        Category.CONFIGURATION,
        desk,
        agent,
    )
    assert not ticket.events.filter(kind=EventKind.TEAM_CHANGED).exists()


@pytest.mark.django_db
def test_recategorising_past_steps_taken_needs_confirming(
    requester: User, agent: User, signed_off_tracker: None
) -> None:
    ticket = factories.ticket(requester)

    with pytest.raises(ConfirmationNeeded) as asked:
        change_category(
            ticket=ticket,
            actor=agent,
            category=Category.CONFIGURATION,
            category_details=CONFIGURATION_DETAILS,
        )
    assert "Answered by Tara on the portal" in asked.value.message
    assert Ticket.objects.get(pk=ticket.pk).category == Category.QUESTION

    change_category(
        ticket=ticket,
        actor=agent,
        category=Category.CONFIGURATION,
        category_details=CONFIGURATION_DETAILS,
        confirmed=True,
    )
    assert Ticket.objects.get(pk=ticket.pk).category == Category.CONFIGURATION


@pytest.mark.django_db
def test_answering_the_same_category_again_drops_nothing(
    requester: User, agent: User, signed_off_tracker: None
) -> None:
    ticket = factories.ticket(requester)
    assert workflows.steps_dropped(ticket, Category.QUESTION) == ()
    change_category(
        ticket=ticket,
        actor=agent,
        category=Category.QUESTION,
        category_details={"screen_or_report": "Fee statement"},
    )
    assert Ticket.objects.get(pk=ticket.pk).category_details == {
        "screen_or_report": "Fee statement"
    }
