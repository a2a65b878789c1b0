"""The periodic access review: what it lists, who answers, and what a flag opens."""

from datetime import date

import pytest

from hypercare.access_requests.choices import AccessAction, RequestStatus, ReviewAnswer
from hypercare.access_requests.models import AccessRequest, AccessReview, LedgerEntry, ReviewLine
from hypercare.access_requests.selectors import current_roles
from hypercare.access_requests.services.requests import (
    RequestDetails,
    decide_access_request,
    open_access_request,
    record_done_in_erp,
)
from hypercare.access_requests.services.reviews import answer_review_line, open_review
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from tests.access_requests import builders


def _change(requester: User, agent: User, approver: User, old: str, new: str) -> None:
    request = open_access_request(
        ticket=builders.access_ticket(requester, action="change"),
        actor=agent,
        details=RequestDetails(
            action=AccessAction.CHANGE,
            role=new,
            old_role=old,
            person_name="Priya Nair",
            erp_login="priya",
            effective_on=date(2026, 12, 2),
        ),  # fmt: skip
    )
    decide_access_request(request=request, actor=approver, approve=True)
    record_done_in_erp(request=request, actor=agent)


def test_current_roles_replay_the_ledger(
    requester: User, agent: User, approver: User, institution: Institution
) -> None:
    builders.done(requester, agent, approver)
    builders.done(requester, agent, approver, role="Receipt reprint")
    _change(requester, agent, approver, "Fee clerk", "Fee supervisor")

    held = [(line.person_name, line.role) for line in current_roles(institution.pk)]

    assert held == [("Priya Nair", "Fee supervisor"), ("Priya Nair", "Receipt reprint")]


def test_a_review_of_an_institution_without_roles_closes_at_once(
    institution: Institution,
) -> None:
    review = open_review(institution, clock.now())
    assert review is not None
    assert review.closed_at is not None


def test_one_review_is_open_at_a_time(
    requester: User, agent: User, approver: User, institution: Institution
) -> None:
    builders.done(requester, agent, approver)
    assert open_review(institution, clock.now()) is not None
    assert open_review(institution, clock.now()) is None
    assert AccessReview.objects.count() == 1


@pytest.fixture
def line(requester: User, agent: User, approver: User, institution: Institution) -> ReviewLine:
    builders.done(requester, agent, approver)
    builders.done(requester, agent, approver, person_name="Sam Okafor")
    review = open_review(institution, clock.now())
    assert review is not None
    return review.lines.get(person_name="Priya Nair")


def test_confirming_records_who_and_when_and_the_last_answer_closes(
    line: ReviewLine, admin: User
) -> None:
    answered = answer_review_line(line=line, actor=admin, answer=ReviewAnswer.CONFIRMED)
    assert (answered.answered_by, answered.answered_at) == (admin, clock.now())
    review = AccessReview.objects.get()
    assert review.is_open
    other = review.lines.get(person_name="Sam Okafor")
    answer_review_line(
        line=other, actor=admin, answer=ReviewAnswer.CONFIRMED, comment="Still bursar."
    )
    review.refresh_from_db()
    assert not review.is_open
    with pytest.raises(InvalidTransition):
        answer_review_line(line=line, actor=admin, answer=ReviewAnswer.FLAGGED, action="remove")


def test_a_flagged_line_becomes_a_request_to_change_it(
    line: ReviewLine, admin: User, approver: User, agent: User
) -> None:
    answered = answer_review_line(
        line=line, actor=admin, answer=ReviewAnswer.FLAGGED, action="change",
        new_role="Fee viewer", comment="Moved to reporting.",
    )  # fmt: skip
    request = answered.access_request
    assert request is not None
    assert (request.action, request.old_role, request.role) == ("change", "Fee clerk", "Fee viewer")
    assert (request.requested_by, request.status) == (admin, RequestStatus.AWAITING_APPROVAL)
    assert request.ticket is None
    decide_access_request(request=request, actor=approver, approve=True)
    record_done_in_erp(request=request, actor=agent)
    entry = LedgerEntry.objects.get(access_request=request)
    assert (entry.requested_by, entry.recorded_by) == (admin, admin)


def test_a_flag_says_what_should_happen(line: ReviewLine, admin: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        answer_review_line(line=line, actor=admin, answer=ReviewAnswer.FLAGGED)
    assert set(refused.value.errors) == {"action"}
    with pytest.raises(ValidationFailed) as refused:
        answer_review_line(line=line, actor=admin, answer=ReviewAnswer.FLAGGED, action="change")
    assert set(refused.value.errors) == {"new_role"}
    assert not AccessRequest.objects.filter(action="change").exists()


@pytest.mark.parametrize("who", ["key_user", "agent", "outsider", "approver"])
def test_only_the_institutions_admin_answers(
    line: ReviewLine, who: str, key_user: User, agent: User, outsider: User, approver: User
) -> None:
    user = {"key_user": key_user, "agent": agent, "outsider": outsider, "approver": approver}[who]
    with pytest.raises(NotAllowed):
        answer_review_line(line=line, actor=user, answer=ReviewAnswer.CONFIRMED)
