"""The periodic access review: what it lists, who answers, and what a flag opens."""

from datetime import date

import pytest

from hypercare.access_requests.choices import AccessAction, RequestStatus, ReviewAnswer
from hypercare.access_requests.models import (
    AccessRequest,
    AccessReview,
    LedgerEntry,
    ReviewLine,
    ReviewSchedule,
)
from hypercare.access_requests.selectors import current_roles, review_plans
from hypercare.access_requests.services.requests import (
    RequestDetails,
    decide_access_request,
    open_access_request,
    record_done_in_erp,
)
from hypercare.access_requests.services.reviews import (
    answer_review_line,
    open_review,
    set_review_interval,
)
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.validation import EMPTY
from hypercare.orgs.models import Institution
from tests import factories
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


# How often: the months between reviews, set by the institution's admins or a support
# manager ---------------------------------------------------------------------------------


def test_the_admin_sets_the_months_between_reviews_and_the_next_due_date_follows(
    requester: User, agent: User, approver: User, admin: User, institution: Institution
) -> None:
    builders.done(requester, agent, approver)  # the first ledger line, 3 December 2026
    [plan] = review_plans(admin)
    assert (plan.months, plan.due_on, plan.schedule) == (3, date(2027, 3, 3), None)

    schedule = set_review_interval(institution=institution, actor=admin, months=1)

    assert (schedule.months_between_reviews, schedule.set_by, schedule.set_at) == (
        1,
        admin,
        clock.now(),
    )
    [plan] = review_plans(admin)
    assert (plan.months, plan.due_on) == (1, date(2027, 1, 3))
    set_review_interval(institution=institution, actor=admin, months=12)
    assert ReviewSchedule.objects.get(institution=institution).months_between_reviews == 12


@pytest.mark.parametrize(
    ("months", "problem"),
    [(0, "must be from 1 to 24 months"), (25, "must be from 1 to 24 months"), (None, EMPTY)],
)
def test_the_months_between_reviews_are_checked_and_the_field_named(
    admin: User, institution: Institution, months: int | None, problem: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        set_review_interval(institution=institution, actor=admin, months=months)
    assert refused.value.errors == {"months_between_reviews": problem}
    assert not ReviewSchedule.objects.exists()


def test_only_the_institutions_admins_and_support_managers_set_the_months(
    requester: User,
    key_user: User,
    agent: User,
    outsider: User,
    institution: Institution,
    other_institution: Institution,
) -> None:
    for person in (requester, key_user, agent, outsider):
        with pytest.raises(NotAllowed):
            set_review_interval(institution=institution, actor=person, months=6)
    manager = factories.agent(Role.SUPPORT_MANAGER, username="sofia")
    for place in (institution, other_institution):
        set_review_interval(institution=place, actor=manager, months=6)
    assert set(ReviewSchedule.objects.values_list("institution", "months_between_reviews")) == {
        (institution.pk, 6),
        (other_institution.pk, 6),
    }


def test_a_plan_names_the_open_review_and_counts_those_done(
    requester: User, agent: User, approver: User, admin: User, institution: Institution
) -> None:
    builders.done(requester, agent, approver)
    first = open_review(institution, clock.now())
    assert first is not None
    answer_review_line(line=first.lines.get(), actor=admin, answer=ReviewAnswer.CONFIRMED)
    second = open_review(institution, clock.now())

    [plan] = review_plans(agent)

    assert (plan.open_review, plan.due_on, plan.done) == (second, None, 1)
    assert review_plans(requester) == []
