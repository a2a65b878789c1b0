"""The periodic access review: how often (set per institution), opened when due,
answered line by line by the institution admin; a flagged line becomes an access
request, and the review closes once every line is answered."""

from datetime import date, datetime

from django.db import IntegrityError, transaction

from hypercare import access
from hypercare.access_requests.choices import FLAG_ACTIONS, AccessAction, ReviewAnswer
from hypercare.access_requests.models import (
    COMMENT_MAX,
    REVIEW_MONTHS_RANGE,
    ROLE_MAX,
    AccessRequest,
    AccessReview,
    LedgerEntry,
    ReviewLine,
    ReviewSchedule,
)
from hypercare.access_requests.selectors import current_roles, review_due_on
from hypercare.access_requests.services.requests import RequestDetails, create_request
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import EMPTY, FieldErrors, choose
from hypercare.orgs.models import Institution
from hypercare.orgs.selectors import desk_day

ANSWER_REFUSED = "Only the institution's admins answer its access review."
INTERVAL_REFUSED = (
    "Only the institution's admins and support managers set how often it reviews access."
)


def set_review_interval(
    *, institution: Institution, actor: User, months: int | None
) -> ReviewSchedule:
    """How many months pass between the institution's access reviews (1 to 24): the next
    one is due that long after the last opened (``selectors.next_review_due``); an open
    review stays open. Who set it, and when, is kept."""
    if not access.can_set_review_interval(actor, institution.pk):
        raise NotAllowed(INTERVAL_REFUSED)
    errors = FieldErrors()
    low, high = REVIEW_MONTHS_RANGE
    if months is None:
        errors.add("months_between_reviews", EMPTY)
    elif not low <= months <= high:
        errors.add("months_between_reviews", f"must be from {low} to {high} months")
    errors.check()
    with use_case():
        schedule, _ = ReviewSchedule.objects.update_or_create(
            institution=institution,
            defaults={"months_between_reviews": months, "set_by": actor, "set_at": clock.now()},
        )
    return schedule


def open_due_reviews(*, now: datetime | None = None) -> dict[str, int]:
    """Open the review of every institution whose review is due."""
    at = now or clock.now()
    today = desk_day(at)
    opened = 0
    with_ledger = LedgerEntry.objects.values("institution_id").distinct()
    for institution in Institution.objects.filter(pk__in=with_ledger).order_by("pk"):
        due = review_due_on(institution)
        if due is not None and due <= today and open_review(institution, at) is not None:
            opened += 1
    return {"reviews": opened}


def open_review(institution: Institution, at: datetime) -> AccessReview | None:
    """A review listing each person's current roles; None when another worker opened it
    first (one open review per institution is a unique constraint)."""
    with use_case():
        try:
            with transaction.atomic():
                review = AccessReview.objects.create(institution=institution, opened_at=at)
        except IntegrityError:
            return None
        ReviewLine.objects.bulk_create(
            ReviewLine(
                review=review,
                person_id=held.person_id,
                person_name=held.person_name,
                erp_login=held.erp_login,
                role=held.role,
            )
            for held in current_roles(institution.pk)
        )
        if not review.lines.exists():
            review.closed_at = at
            review.save(update_fields=["closed_at"])
    return review


def answer_review_line(
    *,
    line: ReviewLine,
    actor: User,
    answer: str,
    action: str = "",
    new_role: str = "",
    comment: str = "",
) -> ReviewLine:
    """Confirm a line, or flag it: a flagged line opens an access request to remove the
    role or change it to ``new_role``, asked by the admin who flagged it. Each line is
    answered once; the last answer closes the review."""
    review = line.review
    if not access.can_answer_access_review(actor, review.institution_id):
        raise NotAllowed(ANSWER_REFUSED)
    errors = FieldErrors()
    errors.choice("answer", answer, ReviewAnswer.values)
    comment = errors.text("comment", comment, COMMENT_MAX, required=False)
    new_role = errors.line("new_role", new_role, ROLE_MAX, required=False)
    if answer == ReviewAnswer.FLAGGED:
        if action not in FLAG_ACTIONS:
            errors.add("action", choose("action"))
        if action == AccessAction.CHANGE and not new_role:
            errors.add("new_role", "give the role it should change to")
    errors.check()
    with use_case():
        review = AccessReview.objects.select_for_update().get(pk=review.pk)
        line = ReviewLine.objects.select_related("person").get(pk=line.pk, review=review)
        if line.answer:
            raise InvalidTransition("This line has been answered already.")
        at = clock.now()
        line.answer, line.answered_by, line.answered_at, line.comment = answer, actor, at, comment
        if answer == ReviewAnswer.FLAGGED:
            line.access_request = _request_for(line, actor, action, new_role, desk_day(at))
        line.save()
        if not review.lines.filter(answer="").exists():
            review.closed_at = at
            review.save(update_fields=["closed_at"])
    return line


def _request_for(
    line: ReviewLine, actor: User, action: str, new_role: str, today: date
) -> AccessRequest:
    is_change = action == AccessAction.CHANGE
    details = RequestDetails(
        action=action,
        role=new_role if is_change else line.role,
        old_role=line.role if is_change else "",
        effective_on=today,
        person=line.person,
        person_name=line.person_name,
        erp_login=line.erp_login,
    )
    return create_request(institution=line.review.institution, details=details, requested_by=actor)
