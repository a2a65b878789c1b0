from datetime import date

import pytest

from hypercare.access_requests.choices import AccessAction, AccessTicketEventKind, RequestStatus
from hypercare.access_requests.models import LedgerEntry
from hypercare.access_requests.selectors import awaiting_decision_of
from hypercare.access_requests.services.requests import (
    RequestDetails,
    decide_access_request,
    details_from_intake,
    open_access_request,
    record_done_in_erp,
)
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.tickets.choices import Category
from hypercare.tickets.models import TicketEvent
from hypercare.tickets.workflows import progress
from tests import factories
from tests.access_requests import builders


def test_a_request_from_the_intake_answers_names_the_user_it_matches(
    requester: User, colleague: User
) -> None:
    colleague.first_name, colleague.last_name = "Priya", "Nair"
    colleague.save()
    ticket = builders.access_ticket(requester)

    details = details_from_intake(ticket, date(2026, 12, 3))

    assert (details.action, details.role, details.person) == ("add", "Fee clerk", colleague)
    assert details.effective_on == date(2026, 12, 3)


def test_recording_a_request_asks_the_approval_owner_and_says_so_on_the_ticket(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent)

    assert request.status == RequestStatus.AWAITING_APPROVAL
    mail = OutboxMessage.objects.get(event=NotificationEvent.ACCESS_APPROVAL_REQUESTED)
    assert mail.recipient == approver
    assert "Fee clerk" in mail.subject
    assert TicketEvent.objects.filter(
        ticket=request.ticket, kind=AccessTicketEventKind.ACCESS_REQUESTED
    ).exists()
    assert (
        progress(builders.ticket_of(request)).waiting_for
        == "Waiting for approval from Aoife Approver."
    )


def test_a_change_needs_the_role_it_changes_from_and_a_removal_has_no_end(
    requester: User, agent: User
) -> None:
    ticket = builders.access_ticket(requester, action="change")
    with pytest.raises(ValidationFailed) as refused:
        open_access_request(
            ticket=ticket,
            actor=agent,
            details=RequestDetails(
                action=AccessAction.CHANGE, role="Fee supervisor", effective_on=date(2026, 12, 1)
            ),
        )
    assert set(refused.value.errors) == {"old_role", "person_name"}
    with pytest.raises(ValidationFailed) as refused:
        open_access_request(
            ticket=ticket,
            actor=agent,
            details=RequestDetails(
                action=AccessAction.REMOVE,
                role="Fee clerk",
                person_name="Priya Nair",
                effective_on=date(2026, 12, 1),
                ends_on=date(2026, 12, 9),
            ),
        )
    assert set(refused.value.errors) == {"ends_on"}


def test_a_person_of_another_institution_is_refused(
    requester: User, agent: User, outsider: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_access_request(
            ticket=builders.access_ticket(requester),
            actor=agent,
            details=RequestDetails(
                action=AccessAction.ADD,
                role="Clerk",
                effective_on=date(2026, 12, 1),
                person=outsider,
            ),  # fmt: skip
        )
    assert set(refused.value.errors) == {"person"}


def test_an_access_ticket_has_one_live_request(requester: User, agent: User) -> None:
    request = builders.requested(requester, agent)
    details = RequestDetails(
        action=AccessAction.ADD, role="Clerk", person_name="X", effective_on=date(2026, 12, 1)
    )
    with pytest.raises(InvalidTransition):
        open_access_request(ticket=builders.ticket_of(request), actor=agent, details=details)


def test_only_support_staff_record_a_request(requester: User, key_user: User) -> None:
    details = RequestDetails(
        action=AccessAction.ADD, role="Clerk", person_name="X", effective_on=date(2026, 12, 1)
    )
    with pytest.raises(NotAllowed):
        open_access_request(
            ticket=builders.access_ticket(requester), actor=key_user, details=details
        )


def test_approved_then_done_writes_the_ledger_and_ends_the_workflow(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent, ends_on=date(2026, 12, 31))
    decide_access_request(request=request, actor=approver, approve=True, comment="Fine.")
    assert progress(builders.ticket_of(request)).step == "done_in_erp"

    record_done_in_erp(request=request, actor=agent)

    entry = LedgerEntry.objects.get()
    assert (entry.person_name, entry.role, entry.action) == ("Priya Nair", "Fee clerk", "add")
    assert (entry.requested_by, entry.approved_by, entry.done_by) == (requester, approver, agent)
    assert entry.recorded_by == agent
    assert entry.ends_on == date(2026, 12, 31)
    where = progress(builders.ticket_of(request))
    assert where.step == ""
    assert where.taken[-2:] == ("Approved by Aoife Approver", f"Done in the ERP by {agent}")
    decided = OutboxMessage.objects.filter(event=NotificationEvent.ACCESS_REQUEST_DECIDED)
    # Who asked (the ticket's requester) and the agent who recorded and works it.
    assert {message.recipient for message in decided} == {requester, agent}


def test_the_ledger_says_the_person_an_agent_filed_the_request_for_asked(
    requester: User, agent: User, approver: User
) -> None:
    """Taken on the phone: the agent files the access ticket on the requester's behalf
    and records its request; the requester asked, the agent only keyed it in."""
    ticket = builders.access_ticket(requester, actor=agent)
    assert (ticket.requester, ticket.reported_by) == (requester, agent)
    request = open_access_request(
        ticket=ticket, actor=agent, details=details_from_intake(ticket, date(2026, 12, 3))
    )
    decide_access_request(request=request, actor=approver, approve=True)

    record_done_in_erp(request=request, actor=agent)

    entry = LedgerEntry.objects.get()
    assert (entry.requested_by, entry.recorded_by) == (requester, agent)


def test_nothing_is_recorded_done_before_approval(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent)
    with pytest.raises(InvalidTransition):
        record_done_in_erp(request=request, actor=agent)
    decide_access_request(request=request, actor=approver, approve=False, comment="Not needed.")
    with pytest.raises(InvalidTransition):
        record_done_in_erp(request=request, actor=agent)
    assert not LedgerEntry.objects.exists()


def test_a_rejection_says_why_and_is_decided_once(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent)
    with pytest.raises(ValidationFailed) as refused:
        decide_access_request(request=request, actor=approver, approve=False)
    assert set(refused.value.errors) == {"comment"}
    decide_access_request(request=request, actor=approver, approve=False, comment="No.")
    with pytest.raises(InvalidTransition):
        decide_access_request(request=request, actor=approver, approve=True)
    assert "rejected by Aoife Approver" in progress(builders.ticket_of(request)).waiting_for


def test_an_approver_never_approves_a_request_for_their_own_access(
    requester: User, agent: User, approver: User
) -> None:
    request = open_access_request(
        ticket=builders.access_ticket(requester),
        actor=agent,
        details=RequestDetails(
            action=AccessAction.ADD,
            role="Bursar",
            effective_on=date(2026, 12, 1),
            person=approver,
        ),  # fmt: skip
    )
    with pytest.raises(NotAllowed):
        decide_access_request(request=request, actor=approver, approve=True)
    assert not OutboxMessage.objects.filter(
        event=NotificationEvent.ACCESS_APPROVAL_REQUESTED, recipient=approver
    ).exists()


def test_an_approver_never_approves_an_access_ticket_they_filed_for_a_colleague(
    agent: User, approver: User, requester: User
) -> None:
    for ticket in (
        builders.access_ticket(approver),
        factories.ticket(
            requester,
            actor=factories.user(
                Role.KEY_USER, Role.APPROVAL_OWNER, institution=approver.institution
            ),
            category=Category.ACCESS,
            category_details={"action": "add", "user": "Priya Nair", "role": "Fee clerk"},
        ),
    ):
        request = open_access_request(
            ticket=ticket,
            actor=agent,
            details=RequestDetails(
                action=AccessAction.ADD,
                role="Fee clerk",
                effective_on=date(2026, 12, 1),
                person_name="Priya Nair",
            ),  # fmt: skip
        )
        filer = ticket.reported_by
        assert request not in awaiting_decision_of(filer)
        with pytest.raises(NotAllowed):
            decide_access_request(request=request, actor=filer, approve=True)
        assert not OutboxMessage.objects.filter(
            event=NotificationEvent.ACCESS_APPROVAL_REQUESTED, recipient=filer, ticket=ticket
        ).exists()


def test_a_tier_3_engineer_does_not_record_access_done(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent)
    decide_access_request(request=request, actor=approver, approve=True)
    with pytest.raises(NotAllowed):
        record_done_in_erp(request=request, actor=factories.agent("tier3", username="t3"))
