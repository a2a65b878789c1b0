"""The access jobs under frozen time: temporary access reminders and removals and the
periodic review falling due. The approvers' daily digest is tests/approvals'."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from hypercare.access_requests.choices import AccessAction, AccessTicketEventKind, RequestStatus
from hypercare.access_requests.models import AccessRequest, AccessReview, ReviewSchedule
from hypercare.access_requests.selectors import months_after
from hypercare.access_requests.services.reviews import open_due_reviews, set_review_interval
from hypercare.access_requests.services.temporary import handle_temporary_access
from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from hypercare.tickets.models import TicketEvent
from hypercare.tickets.services.workflow import assign_ticket
from tests.access_requests import builders

GRANTED = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def temporary(requester: User, agent: User, approver: User) -> AccessRequest:
    """Fee clerk access for Priya from 1 December to 20 December, and for Sam for good,
    both done on 1 December."""
    with time_machine.travel(GRANTED, tick=False):
        request = builders.done(requester, agent, approver, ends_on=date(2026, 12, 20))
        assign_ticket(ticket=builders.ticket_of(request), actor=agent, assignee=agent, reason="")
        builders.done(requester, agent, approver, person_name="Sam Okafor")
    return request


def _reminders() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event=NotificationEvent.ACCESS_ENDING))


def test_the_agent_is_reminded_once_days_before_temporary_access_ends(
    temporary: AccessRequest, agent: User
) -> None:
    with time_machine.travel(datetime(2026, 12, 16, 12, tzinfo=UTC), tick=False):
        assert handle_temporary_access() == {"reminded": 0, "removals": 0}
    with time_machine.travel(datetime(2026, 12, 17, 12, tzinfo=UTC), tick=False):
        first = handle_temporary_access()
        again = handle_temporary_access()

    assert first["reminded"] == 1
    assert again["reminded"] == 0
    assert [mail.recipient for mail in _reminders()] == [agent]
    assert "ends Sun 20 Dec 2026" in _reminders()[0].subject
    assert (
        TicketEvent.objects.filter(
            ticket=temporary.ticket, kind=AccessTicketEventKind.ACCESS_ENDING, is_internal=True
        ).count()
        == 1
    )


def test_the_reminder_days_are_a_setting(temporary: AccessRequest, settings: object) -> None:
    settings.HYPERCARE_ACCESS_END_REMINDER_DAYS = 10  # type: ignore[attr-defined]
    with time_machine.travel(datetime(2026, 12, 10, 12, tzinfo=UTC), tick=False):
        assert handle_temporary_access()["reminded"] == 1


def test_ended_temporary_access_opens_its_removal_once(
    temporary: AccessRequest, approver: User
) -> None:
    with time_machine.travel(datetime(2026, 12, 20, 8, tzinfo=UTC), tick=False):
        first = handle_temporary_access()
        again = handle_temporary_access()

    assert (first["removals"], again["removals"]) == (1, 0)
    removal = AccessRequest.objects.get(origin=temporary)
    assert (removal.action, removal.role, removal.person_name) == (
        AccessAction.REMOVE, "Fee clerk", "Priya Nair",
    )  # fmt: skip
    assert removal.status == RequestStatus.AWAITING_APPROVAL
    assert removal.requested_by is None
    assert removal.ticket is None
    assert (
        OutboxMessage.objects.filter(
            event=NotificationEvent.ACCESS_APPROVAL_REQUESTED, recipient=approver
        ).count()
        == 3
    )  # the two grants' requests, then the removal
    assert TicketEvent.objects.filter(
        ticket=temporary.ticket, kind=AccessTicketEventKind.ACCESS_REMOVAL_OPENED
    ).exists()


def test_months_after_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_after(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert months_after(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_a_review_falls_due_quarterly_after_the_first_ledger_line(
    temporary: AccessRequest, institution: Institution
) -> None:
    with time_machine.travel(datetime(2027, 2, 28, 12, tzinfo=UTC), tick=False):
        assert open_due_reviews() == {"reviews": 0}
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False):
        assert open_due_reviews() == {"reviews": 1}
        assert open_due_reviews() == {"reviews": 0}

    review = AccessReview.objects.get(institution=institution)
    lines = {(line.person_name, line.role) for line in review.lines.all()}
    assert lines == {("Priya Nair", "Fee clerk"), ("Sam Okafor", "Fee clerk")}


def test_the_months_between_reviews_are_set_per_institution(
    temporary: AccessRequest, institution: Institution
) -> None:
    ReviewSchedule.objects.create(institution=institution, months_between_reviews=1)
    with time_machine.travel(datetime(2027, 1, 1, 12, tzinfo=UTC), tick=False):
        assert open_due_reviews() == {"reviews": 1}


def test_the_months_an_admin_sets_decide_when_the_job_opens_the_next_review(
    temporary: AccessRequest, institution: Institution, admin: User
) -> None:
    set_review_interval(institution=institution, actor=admin, months=2)
    with time_machine.travel(datetime(2027, 1, 31, 12, tzinfo=UTC), tick=False):
        assert open_due_reviews() == {"reviews": 0}
    with time_machine.travel(datetime(2027, 2, 1, 12, tzinfo=UTC), tick=False):
        assert open_due_reviews() == {"reviews": 1}
