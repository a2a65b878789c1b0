"""Tickets and problems linked to a change after it is raised, through the services, the
API and the change's page; and each linked ticket's timeline as the change moves."""

import pytest
from django.utils.html import escape

from hypercare.accounts.models import User
from hypercare.changes.choices import (
    ChangeEventKind,
    ChangeTicketEventKind,
    Decision,
    Outcome,
)
from hypercare.changes.models import ChangeRequest
from hypercare.changes.selectors import change_history
from hypercare.changes.services.approvals import decide_change
from hypercare.changes.services.linking import (
    link_problem,
    link_ticket,
    unlink_problem,
    unlink_ticket,
)
from hypercare.changes.services.records import (
    cancel_change,
    create_change,
    submit_change,
    update_change,
)
from hypercare.changes.services.testing import record_evidence, record_implementation
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.lib.validation import EMPTY, choose
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.problems.models import Problem
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.selectors import timeline
from tests import factories
from tests.api.conftest import ApiClient
from tests.changes.conftest import details
from tests.web.conftest import signed_in

NOT_CONCERNED = "is of an institution this change does not concern"


@pytest.fixture
def submitted(change: ChangeRequest, agent: User) -> ChangeRequest:
    return submit_change(change=change, actor=agent)


@pytest.fixture
def later_ticket(requester: User) -> Ticket:
    return factories.ticket(requester, title="Refund approvals again")


@pytest.fixture
def southbank_ticket(outsider: User) -> Ticket:
    return factories.ticket(outsider, title="Southbank refunds")


def _problem(agent: User, *tickets: Ticket) -> Problem:
    return create_problem(
        actor=agent, details=ProblemDetails(title="Refund workflow skips steps"), tickets=tickets
    )


def _kinds(ticket: Ticket) -> list[str]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=ChangeTicketEventKind.values)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


# Services ------------------------------------------------------------------------------


def test_a_ticket_is_linked_to_a_submitted_change_and_its_timeline_says_so(
    submitted: ChangeRequest,
    agent: User,
    requester: User,
    config_ticket: Ticket,
    later_ticket: Ticket,
) -> None:
    link_ticket(change=submitted, ticket=later_ticket, actor=agent)
    assert set(submitted.tickets.all()) == {config_ticket, later_ticket}
    linked = TicketEvent.objects.get(ticket=later_ticket, kind=ChangeTicketEventKind.CHANGE_LINKED)
    assert not linked.is_internal
    assert linked in timeline(requester, later_ticket)
    step = submitted.events.get(kind=ChangeEventKind.TICKET_LINKED)
    assert (step.actor, step.value) == (agent, later_ticket.reference)


def test_a_ticket_of_an_institution_the_change_does_not_concern_is_refused(
    submitted: ChangeRequest, agent: User, southbank_ticket: Ticket
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        link_ticket(change=submitted, ticket=southbank_ticket, actor=agent)
    assert refused.value.errors == {"ticket": f"{southbank_ticket.reference} {NOT_CONCERNED}"}
    assert southbank_ticket not in submitted.tickets.all()
    assert not _kinds(southbank_ticket)
    assert not submitted.events.filter(kind=ChangeEventKind.TICKET_LINKED).exists()


def test_a_change_raised_with_a_ticket_it_does_not_concern_is_refused(
    agent: User, institution: Institution, southbank_ticket: Ticket
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_change(actor=agent, details=details(institution), tickets=[southbank_ticket])
    assert refused.value.errors == {"tickets": f"{southbank_ticket.reference} {NOT_CONCERNED}"}
    assert not ChangeRequest.objects.exists()


def test_only_support_staff_link_and_unlink(
    submitted: ChangeRequest, requester: User, key_user: User, later_ticket: Ticket
) -> None:
    for person in (requester, key_user):
        with pytest.raises(NotAllowed):
            link_ticket(change=submitted, ticket=later_ticket, actor=person)
    with pytest.raises(NotAllowed):
        unlink_ticket(change=submitted, ticket=submitted.tickets.get(), actor=key_user)
    assert later_ticket not in submitted.tickets.all()


def test_a_ticket_linked_twice_or_unlinked_when_not_linked_is_a_conflict(
    submitted: ChangeRequest, agent: User, config_ticket: Ticket, later_ticket: Ticket
) -> None:
    with pytest.raises(InvalidTransition):
        link_ticket(change=submitted, ticket=config_ticket, actor=agent)
    with pytest.raises(InvalidTransition):
        unlink_ticket(change=submitted, ticket=later_ticket, actor=agent)


def test_unlinking_takes_the_ticket_off_and_tells_its_timeline(
    submitted: ChangeRequest, agent: User, requester: User, config_ticket: Ticket
) -> None:
    unlink_ticket(change=submitted, ticket=config_ticket, actor=agent)
    assert not submitted.tickets.exists()
    assert _kinds(config_ticket) == [
        ChangeTicketEventKind.CHANGE_LINKED,
        ChangeTicketEventKind.CHANGE_UNLINKED,
    ]
    [entry] = [e for e in timeline(requester, config_ticket) if e.kind == "change_unlinked"]
    assert entry.new_value.startswith(submitted.reference)


def test_a_cancelled_change_takes_no_more_links(
    submitted: ChangeRequest, agent: User, later_ticket: Ticket, config_ticket: Ticket
) -> None:
    cancel_change(change=submitted, actor=agent)
    with pytest.raises(InvalidTransition):
        link_ticket(change=submitted, ticket=later_ticket, actor=agent)
    with pytest.raises(InvalidTransition):
        unlink_ticket(change=submitted, ticket=config_ticket, actor=agent)


def test_a_problem_is_linked_when_it_concerns_the_changes_institution(
    submitted: ChangeRequest,
    agent: User,
    requester: User,
    later_ticket: Ticket,
    southbank_ticket: Ticket,
) -> None:
    ours = _problem(agent, later_ticket)
    theirs = _problem(agent, southbank_ticket)
    with pytest.raises(ValidationFailed) as refused:
        link_problem(change=submitted, problem=theirs, actor=agent)
    assert refused.value.errors == {"problem": f"{theirs.reference} {NOT_CONCERNED}"}
    link_problem(change=submitted, problem=ours, actor=agent)
    assert list(submitted.problems.all()) == [ours]
    with pytest.raises(InvalidTransition):
        link_problem(change=submitted, problem=ours, actor=agent)
    unlink_problem(change=submitted, problem=ours, actor=agent)
    assert not submitted.problems.exists()
    steps = [e.kind for e in change_history(agent, submitted)]
    assert steps[-2:] == [ChangeEventKind.PROBLEM_LINKED, ChangeEventKind.PROBLEM_UNLINKED]
    # Problems are support's: the institution's people read neither step.
    assert not {ChangeEventKind.PROBLEM_LINKED, ChangeEventKind.PROBLEM_UNLINKED} & {
        e.kind for e in change_history(requester, submitted)
    }


def test_a_draft_names_only_problems_concerning_its_institutions(
    agent: User, institution: Institution, southbank_ticket: Ticket
) -> None:
    theirs = _problem(agent, southbank_ticket)
    with pytest.raises(ValidationFailed) as refused:
        create_change(actor=agent, details=details(institution, problems=[theirs]))
    assert refused.value.errors == {"problems": f"{theirs.reference} {NOT_CONCERNED}"}


# Each linked ticket's timeline as the change moves --------------------------------------


def test_each_linked_ticket_hears_of_the_decision_the_evidence_and_the_implementation(
    submitted: ChangeRequest,
    agent: User,
    finance_owner: User,
    requester: User,
    config_ticket: Ticket,
    later_ticket: Ticket,
) -> None:
    link_ticket(change=submitted, ticket=later_ticket, actor=agent)
    decide_change(change=submitted, actor=finance_owner, decision=Decision.APPROVED)
    record_evidence(change=submitted, actor=agent, note="Internal: staging DB password reset.")
    record_implementation(change=submitted, actor=agent, outcome=Outcome.ROLLED_BACK, note="No.")
    expected = [
        ChangeTicketEventKind.CHANGE_LINKED,
        ChangeTicketEventKind.CHANGE_DECIDED,
        ChangeTicketEventKind.CHANGE_TESTED,
        ChangeTicketEventKind.CHANGE_DONE,
    ]
    for ticket in (config_ticket, later_ticket):
        assert _kinds(ticket) == expected
        read = [e for e in timeline(requester, ticket) if e.kind in expected]
        assert [e.kind for e in read] == expected
        assert read[-1].new_value == f"{submitted.reference} rolled_back"
        # The evidence note stays with the change.
        assert not any("staging DB" in f"{e.body}{e.new_value}" for e in read)


def test_a_linked_ticket_of_an_institution_the_change_no_longer_concerns_hears_internally(
    change: ChangeRequest,
    agent: User,
    institution: Institution,
    other_institution: Institution,
    requester: User,
    config_ticket: Ticket,
) -> None:
    """A draft's modules may move to another institution after its ticket was linked:
    that ticket's requester side no longer reads the change, so its steps are internal."""
    moved = details(other_institution, modules=[factories.module(other_institution)])
    update_change(change=change, actor=agent, details=moved)
    submit_change(change=change, actor=agent)
    record = ChangeRequest.objects.get(pk=change.pk)
    other_owner = factories.user("module_owner", institution=other_institution, username="o2")
    factories.module(other_institution, ModuleCode.FINANCE).owners.add(other_owner)
    decide_change(change=record, actor=other_owner, decision=Decision.APPROVED)
    decided = TicketEvent.objects.get(
        ticket=config_ticket, kind=ChangeTicketEventKind.CHANGE_DECIDED
    )
    assert decided.is_internal
    assert decided not in timeline(requester, config_ticket)
    assert institution.pk not in set(record.institutions.values_list("pk", flat=True))


# The API ---------------------------------------------------------------------------------


def test_the_api_links_and_unlinks_a_ticket(
    submitted: ChangeRequest, agent: User, later_ticket: Ticket
) -> None:
    desk = ApiClient(agent)
    path = f"/changes/{submitted.pk}/tickets"
    linked = desk.post(path, {"ticket": later_ticket.reference})
    assert linked.status_code == 200
    assert later_ticket.reference in {t["reference"] for t in linked.json()["tickets"]}
    assert linked.json()["history"][-1]["kind"] == "ticket_linked"
    assert desk.post(path, {"ticket": later_ticket.reference}).status_code == 409
    unlinked = desk.delete(f"{path}/{later_ticket.reference}")
    assert unlinked.status_code == 200
    assert later_ticket.reference not in {t["reference"] for t in unlinked.json()["tickets"]}
    assert desk.delete(f"{path}/{later_ticket.reference}").status_code == 409


def test_the_api_names_the_field_of_a_ticket_it_refuses(
    submitted: ChangeRequest, agent: User, southbank_ticket: Ticket
) -> None:
    desk = ApiClient(agent)
    path = f"/changes/{submitted.pk}/tickets"
    elsewhere = desk.post(path, {"ticket": southbank_ticket.reference})
    assert elsewhere.status_code == 422
    message = f"{southbank_ticket.reference} {NOT_CONCERNED}"
    assert elsewhere.json()["errors"] == [{"field": "ticket", "message": message}]
    unknown = desk.post(path, {"ticket": "HC-999999"})
    assert unknown.status_code == 422
    assert [error["field"] for error in unknown.json()["errors"]] == ["ticket"]
    assert desk.post(path, {"ticket": ""}).status_code == 422


def test_the_api_links_a_problem_by_id_and_names_its_field(
    submitted: ChangeRequest, agent: User, later_ticket: Ticket, southbank_ticket: Ticket
) -> None:
    desk = ApiClient(agent)
    ours, theirs = _problem(agent, later_ticket), _problem(agent, southbank_ticket)
    path = f"/changes/{submitted.pk}/problems"
    refused = desk.post(path, {"problem_id": theirs.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "problem_id", "message": f"{theirs.reference} {NOT_CONCERNED}"}
    ]
    assert desk.post(path, {"problem_id": 999_999}).json()["errors"] == [
        {"field": "problem_id", "message": "no such problem"}
    ]
    linked = desk.post(path, {"problem_id": ours.pk})
    assert [p["id"] for p in linked.json()["problems"]] == [ours.pk]
    unlinked = desk.delete(f"{path}/{ours.pk}")
    assert (unlinked.status_code, unlinked.json()["problems"]) == (200, [])


def test_the_api_refuses_the_institutions_people_and_hides_anothers_change(
    submitted: ChangeRequest,
    requester: User,
    outsider: User,
    later_ticket: Ticket,
) -> None:
    path = f"/changes/{submitted.pk}/tickets"
    assert ApiClient(requester).post(path, {"ticket": later_ticket.reference}).status_code == 403
    assert ApiClient(outsider).post(path, {"ticket": later_ticket.reference}).status_code == 404
    gone = ApiClient(requester).delete(f"{path}/{later_ticket.reference}")
    assert gone.status_code == 403
    assert later_ticket not in submitted.tickets.all()


# The change's page ------------------------------------------------------------------------


def test_an_agent_links_and_unlinks_on_the_changes_page(
    submitted: ChangeRequest, agent: User, later_ticket: Ticket
) -> None:
    desk = signed_in(agent)
    page = desk.get(f"/changes/{submitted.pk}/").content.decode()
    assert "Link the ticket" in page
    answer = desk.post(f"/changes/{submitted.pk}/tickets/", {"ticket": later_ticket.reference})
    assert answer.status_code == 302
    assert later_ticket in submitted.tickets.all()
    answer = desk.post(f"/changes/{submitted.pk}/tickets/{later_ticket.pk}/unlink/")
    assert answer.status_code == 302
    assert later_ticket not in submitted.tickets.all()


def test_the_page_names_the_field_of_a_ticket_it_refuses(
    submitted: ChangeRequest, agent: User, config_ticket: Ticket, southbank_ticket: Ticket
) -> None:
    desk = signed_in(agent)
    for typed, words in (
        (southbank_ticket.reference, NOT_CONCERNED),
        ("HC-999999", "No such ticket, or you may not see it."),
        ("", EMPTY),
    ):
        answer = desk.post(f"/changes/{submitted.pk}/tickets/", {"ticket": typed})
        assert answer.status_code == 422, typed
        html = answer.content.decode()
        assert 'id="link-ticket-ticket"' in html
        assert 'aria-invalid="true"' in html
        assert escape(words) in html, typed
    assert list(submitted.tickets.all()) == [config_ticket]


def test_the_page_links_a_problem_and_refuses_one_of_another_institution(
    submitted: ChangeRequest, agent: User, later_ticket: Ticket, southbank_ticket: Ticket
) -> None:
    desk = signed_in(agent)
    ours, theirs = _problem(agent, later_ticket), _problem(agent, southbank_ticket)
    refused = desk.post(f"/changes/{submitted.pk}/problems/", {"problem": theirs.pk})
    assert refused.status_code == 422
    assert NOT_CONCERNED in refused.content.decode()
    empty = desk.post(f"/changes/{submitted.pk}/problems/", {"problem": ""})
    assert empty.status_code == 422
    assert choose("problem") in empty.content.decode()
    assert desk.post(f"/changes/{submitted.pk}/problems/", {"problem": ours.pk}).status_code == 302
    assert list(submitted.problems.all()) == [ours]
    answer = desk.post(f"/changes/{submitted.pk}/problems/{ours.pk}/unlink/")
    assert answer.status_code == 302
    assert not submitted.problems.exists()


def test_the_institutions_people_see_no_link_forms(
    submitted: ChangeRequest, key_user: User, later_ticket: Ticket
) -> None:
    client = signed_in(key_user)
    page = client.get(f"/changes/{submitted.pk}/").content.decode()
    assert "Link the ticket" not in page
    answer = client.post(f"/changes/{submitted.pk}/tickets/", {"ticket": later_ticket.reference})
    assert answer.status_code == 302  # sent to their own side of the desk
    assert later_ticket not in submitted.tickets.all()
