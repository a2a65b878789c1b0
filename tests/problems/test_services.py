"""Problems through their services: record, link, move, publish the workaround, fix."""

from datetime import date, timedelta
from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.problems.choices import ProblemEventKind, ProblemStatus, ProblemTicketEventKind
from hypercare.problems.models import Problem, ProblemEvent, ProblemLink
from hypercare.problems.services.fix import plan_problem_fix
from hypercare.problems.services.records import (
    ProblemDetails,
    change_problem_status,
    create_problem,
    link_ticket,
    unlink_ticket,
    update_problem,
)
from hypercare.problems.services.workaround import publish_workaround
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    plan_for_release,
    ship_release,
)
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.problems.conftest import T0, WORKAROUND


def stored(problem: Problem) -> Problem:
    return Problem.objects.get(pk=problem.pk)


def history(problem: Problem) -> list[str]:
    return list(ProblemEvent.objects.filter(problem=problem).values_list("kind", flat=True))


def kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.values_list("kind", flat=True))


def outbox(event: str) -> list[tuple[int | None, str]]:
    rows = OutboxMessage.objects.filter(event=event).order_by("ticket_id", "to_email")
    return [(row.ticket_id, row.to_email) for row in rows]


@pytest.fixture
def release(manager: User) -> Release:
    return create_release(actor=manager, version="2025.3", planned_date=date(2025, 4, 14))


# Recording and linking -------------------------------------------------------------------


def test_a_problem_from_several_tickets_links_each_and_takes_their_modules(
    problem: Problem, tickets: dict[str, Ticket]
) -> None:
    assert stored(problem).status == ProblemStatus.NEW
    assert set(ProblemLink.objects.values_list("ticket_id", flat=True)) == {
        ticket.pk for ticket in tickets.values()
    }
    assert {module.code for module in problem.modules.all()} == {ModuleCode.FINANCE}
    assert problem.modules.count() == 2
    assert history(problem) == [
        ProblemEventKind.CREATED,
        ProblemEventKind.TICKET_LINKED,
        ProblemEventKind.TICKET_LINKED,
    ]
    for ticket in tickets.values():
        event = ticket.events.get(kind=ProblemTicketEventKind.PROBLEM_LINKED)
        assert event.is_internal
        assert problem.reference in event.new_value


def test_only_support_staff_record_problems(requester: User, tickets: dict[str, Ticket]) -> None:
    with pytest.raises(NotAllowed):
        create_problem(
            actor=requester, details=ProblemDetails(title="Mine"), tickets=[tickets["northfield"]]
        )
    assert not Problem.objects.exists()


def test_every_bad_field_is_named_at_once(agent: User, tier2_agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_problem(
            actor=agent,
            details=ProblemDetails(
                title=" ",
                owner=tier2_agent,
                vendor_contact_email="not-an-address",
            ),
        )
    assert refused.value.errors == {
        "title": "must not be empty",
        "owner": "must be an active tier 3 engineer",
        "vendor_contact_email": "Enter a valid email address",
        "vendor_contact_name": "give the vendor contact's name",
    }


def test_the_owner_is_a_tier3_engineer_or_a_vendor_contact_not_both(
    agent: User, engineer: User
) -> None:
    both = ProblemDetails(
        title="x",
        owner=engineer,
        vendor_contact_name="Pay Co",
        vendor_contact_email="a@pay.example",
    )
    with pytest.raises(ValidationFailed) as refused:
        create_problem(actor=agent, details=both)
    assert refused.value.errors == {"owner": "name a tier 3 owner or a vendor contact, not both"}
    vendor = create_problem(
        actor=agent,
        details=ProblemDetails(
            title="x", vendor_contact_name="Pay Co", vendor_contact_email="ops@pay.example"
        ),
    )
    assert stored(vendor).owner_text == "Pay Co <ops@pay.example>"


def test_update_records_the_fields_changed(problem: Problem, agent: User, engineer: User) -> None:
    details = ProblemDetails.of(problem)
    changed = ProblemDetails(
        title=details.title,
        modules=details.modules,
        root_cause="The gateway's certificate expired.",
        workaround=details.workaround,
        owner=engineer,
    )
    update_problem(problem=problem, actor=agent, details=changed)
    update_problem(problem=problem, actor=agent, details=changed)

    assert stored(problem).owner == engineer
    events = ProblemEvent.objects.filter(kind=ProblemEventKind.CHANGED)
    assert list(events.values_list("new_value", flat=True)) == ["root cause, owner"]


def test_link_and_unlink_are_on_both_records(
    problem: Problem, agent: User, colleague: User
) -> None:
    third = factories.ticket(colleague)
    link_ticket(problem=problem, ticket=third, actor=agent)
    with pytest.raises(InvalidTransition):
        link_ticket(problem=problem, ticket=third, actor=agent)
    unlink_ticket(problem=problem, ticket=third, actor=agent)
    with pytest.raises(InvalidTransition):
        unlink_ticket(problem=problem, ticket=third, actor=agent)

    assert kinds(third)[-2:] == [
        ProblemTicketEventKind.PROBLEM_LINKED,
        ProblemTicketEventKind.PROBLEM_UNLINKED,
    ]
    assert history(problem)[-2:] == [
        ProblemEventKind.TICKET_LINKED,
        ProblemEventKind.TICKET_UNLINKED,
    ]
    assert not ProblemLink.objects.filter(ticket=third).exists()


# Status ------------------------------------------------------------------------------------


def test_a_known_error_needs_its_root_cause_and_workaround(problem: Problem, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_problem_status(problem=problem, actor=agent, status=ProblemStatus.KNOWN_ERROR)
    assert refused.value.errors == {"root_cause": "must not be empty"}

    Problem.objects.filter(pk=problem.pk).update(root_cause="Expired certificate")
    change_problem_status(problem=problem, actor=agent, status=ProblemStatus.KNOWN_ERROR)
    assert stored(problem).status == ProblemStatus.KNOWN_ERROR
    assert stored(problem).is_known_error


def test_the_transition_table_is_kept(problem: Problem, agent: User) -> None:
    change_problem_status(problem=problem, actor=agent, status=ProblemStatus.RESOLVED)
    with pytest.raises(InvalidTransition):
        change_problem_status(problem=problem, actor=agent, status=ProblemStatus.KNOWN_ERROR)
    with pytest.raises(ValidationFailed) as refused:
        change_problem_status(problem=problem, actor=agent, status=ProblemStatus.FIX_PLANNED)
    assert set(refused.value.errors) == {"status"}
    change_problem_status(
        problem=problem, actor=agent, status=ProblemStatus.INVESTIGATING, reason="It recurs."
    )
    assert stored(problem).resolved_at is None
    last = ProblemEvent.objects.filter(kind=ProblemEventKind.STATUS_CHANGED).last()
    assert last is not None
    assert (last.old_value, last.new_value, last.body) == (
        "resolved",
        "investigating",
        "It recurs.",
    )


# Workaround --------------------------------------------------------------------------------


def test_publishing_posts_the_workaround_once_to_each_open_tickets_requester(
    problem: Problem, agent: User, tickets: dict[str, Ticket], requester: User, outsider: User
) -> None:
    posted = publish_workaround(problem=problem, actor=agent)
    again = publish_workaround(problem=problem, actor=agent)

    assert [ticket.pk for ticket in posted] == sorted(ticket.pk for ticket in tickets.values())
    assert again == []
    for ticket in tickets.values():
        event = ticket.events.get(kind=ProblemTicketEventKind.WORKAROUND_POSTED)
        assert (event.is_internal, event.body) == (False, WORKAROUND)
        assert problem.title not in event.body
    assert outbox(NotificationEvent.WORKAROUND_PUBLISHED) == [
        (tickets["northfield"].pk, requester.email),
        (tickets["southbank"].pk, outsider.email),
    ]
    body = OutboxMessage.objects.get(
        recipient=requester, event=NotificationEvent.WORKAROUND_PUBLISHED
    ).body
    assert WORKAROUND in body
    assert "Southbank" not in body
    assert tickets["southbank"].reference not in body
    assert history(problem).count(ProblemEventKind.WORKAROUND_PUBLISHED) == 1


def test_an_edited_workaround_or_a_new_ticket_is_posted_only_where_not_read(
    problem: Problem, agent: User, colleague: User, tickets: dict[str, Ticket]
) -> None:
    publish_workaround(problem=problem, actor=agent)
    closed = tickets["southbank"]
    change_status(ticket=closed, actor=agent, status=Status.RESOLVED)
    late = factories.ticket(colleague)
    link_ticket(problem=problem, ticket=late, actor=agent)

    assert [t.pk for t in publish_workaround(problem=problem, actor=agent)] == [late.pk]

    details = ProblemDetails.of(stored(problem))
    update_problem(
        problem=problem,
        actor=agent,
        details=ProblemDetails(title=details.title, modules=details.modules, workaround="Retry."),
    )
    reached = publish_workaround(problem=problem, actor=agent)
    assert [t.pk for t in reached] == [tickets["northfield"].pk, late.pk]
    assert closed.events.filter(kind=ProblemTicketEventKind.WORKAROUND_POSTED).count() == 1


def test_a_published_workaround_is_supports_first_response_where_none_was_given(
    time_machine: Any, problem: Problem, agent: User, tickets: dict[str, Ticket]
) -> None:
    answered = tickets["southbank"]
    add_public_reply(ticket=answered, actor=agent, body="Looking into it.")
    time_machine.move_to(T0 + timedelta(minutes=30), tick=False)

    publish_workaround(problem=problem, actor=agent)

    unanswered = Ticket.objects.get(pk=tickets["northfield"].pk)
    assert unanswered.first_responded_at == T0 + timedelta(minutes=30)
    assert unanswered.first_response_state == ClockState.MET
    already = Ticket.objects.get(pk=answered.pk)
    assert already.first_responded_at == T0
    assert already.first_response_state == ClockState.MET


def test_no_workaround_no_publishing(agent: User, tickets: dict[str, Ticket]) -> None:
    bare = create_problem(
        actor=agent, details=ProblemDetails(title="x"), tickets=[tickets["northfield"]]
    )
    with pytest.raises(ValidationFailed) as refused:
        publish_workaround(problem=bare, actor=agent)
    assert refused.value.errors == {"workaround": "must not be empty"}
    assert not OutboxMessage.objects.filter(event=NotificationEvent.WORKAROUND_PUBLISHED).exists()


# Fix ---------------------------------------------------------------------------------------


def test_planning_the_fix_links_the_release_and_taking_it_off_goes_back(
    problem: Problem, agent: User, release: Release
) -> None:
    plan_problem_fix(problem=problem, actor=agent, release=release)
    assert (stored(problem).status, stored(problem).release) == (
        ProblemStatus.FIX_PLANNED,
        release,
    )
    plan_problem_fix(problem=problem, actor=agent, release=None)
    assert (stored(problem).status, stored(problem).release) == (
        ProblemStatus.INVESTIGATING,
        None,
    )


def test_a_shipped_release_takes_no_fix(
    problem: Problem, agent: User, manager: User, release: Release
) -> None:
    ship_release(release=release, actor=manager)
    with pytest.raises(InvalidTransition):
        plan_problem_fix(problem=problem, actor=agent, release=release)
    assert stored(problem).release is None


def test_shipping_resolves_the_problem_and_tells_each_requester_once(
    problem: Problem,
    agent: User,
    manager: User,
    release: Release,
    tickets: dict[str, Ticket],
    requester: User,
    outsider: User,
) -> None:
    """The Northfield ticket is also planned for the release itself: shipping tells its
    requester, and the problem's step leaves it out."""
    second = create_problem(
        actor=agent, details=ProblemDetails(title="Also"), tickets=[tickets["southbank"]]
    )
    plan_for_release(ticket=tickets["northfield"], actor=agent, release=release)
    plan_problem_fix(problem=problem, actor=agent, release=release)
    plan_problem_fix(problem=second, actor=agent, release=release)

    ship_release(release=release, actor=manager)

    for each in (problem, second):
        assert stored(each).status == ProblemStatus.RESOLVED
        assert stored(each).release == release
        assert history(each)[-1] == ProblemEventKind.FIX_SHIPPED
    assert outbox(NotificationEvent.TICKET_SHIPPED) == [
        (tickets["northfield"].pk, requester.email),
        (tickets["southbank"].pk, outsider.email),
    ]
    northfield, southbank = tickets["northfield"], tickets["southbank"]
    assert ReleaseEventKind.SHIPPED in kinds(northfield)
    assert ProblemTicketEventKind.PROBLEM_FIX_SHIPPED not in kinds(northfield)
    fixed = southbank.events.get(kind=ProblemTicketEventKind.PROBLEM_FIX_SHIPPED)
    assert (fixed.is_internal, fixed.new_value) == (False, "2025.3")
    shipped = OutboxMessage.objects.get(recipient=outsider, event=NotificationEvent.TICKET_SHIPPED)
    assert "2025.3" in shipped.subject


def test_shipping_leaves_problems_not_planned_for_it(
    problem: Problem, manager: User, release: Release
) -> None:
    ship_release(release=release, actor=manager)
    assert stored(problem).status == ProblemStatus.NEW
    assert not OutboxMessage.objects.filter(event=NotificationEvent.TICKET_SHIPPED).exists()


def test_a_problem_fixed_in_a_release_is_an_item_of_its_notes(
    problem: Problem, agent: User, manager: User, release: Release, tickets: dict[str, Ticket]
) -> None:
    plan_problem_fix(problem=problem, actor=agent, release=release)

    compile_release_notes(release=release, actor=manager)

    item = ReleaseNoteItem.objects.get(source="problem")
    assert (item.key, item.text, item.reference) == (str(problem.pk), problem.title, "")
    assert set(item.institutions.values_list("pk", flat=True)) == {
        ticket.institution_id for ticket in tickets.values()
    }
