"""Read queries for access requests, the ledger and reviews, scoped by the access policy."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Min, Q, QuerySet

from hypercare import access
from hypercare.access_requests.choices import AccessAction, RequestStatus
from hypercare.access_requests.models import (
    DEFAULT_REVIEW_MONTHS,
    AccessRequest,
    AccessReview,
    LedgerEntry,
    ReviewLine,
    ReviewSchedule,
)
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.orgs.models import Institution
from hypercare.orgs.selectors import desk_day
from hypercare.tickets.models import Ticket

NO_REQUEST = "No such access request, or you may not see it."
NO_REVIEW = "No such access review, or you may not see it."
NO_INSTITUTION = "No such institution, or you may not see its access reviews."


def visible_access_requests(user: User) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(access.access_request_scope(user)).select_related(
        "institution",
        "ticket__requester",
        "person",
        "requested_by",
        "decided_by",
        "done_by",
        "origin",
    )


@dataclass(frozen=True)
class RequestFilters:
    status: str = ""
    institution_id: int | None = None


def access_request_list(user: User, filters: RequestFilters) -> QuerySet[AccessRequest]:
    """The access requests ``user`` may see, newest first."""
    requests = visible_access_requests(user)
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.institution_id is not None:
        requests = requests.filter(institution_id=filters.institution_id)
    return requests.order_by("-requested_at", "-pk")


def get_visible_access_request(user: User, pk: int) -> AccessRequest:
    request = visible_access_requests(user).filter(pk=pk).first()
    if request is None:
        raise NotFound(NO_REQUEST)
    return request


def awaiting_decision_of(user: User) -> QuerySet[AccessRequest]:
    """The requests waiting for ``user``'s decision as their institution's approval
    owner, oldest first; never one they are a party to (``access.access_request_parties``)."""
    if user.institution_id is None or not access.is_approval_owner_of(user, user.institution_id):
        return AccessRequest.objects.none()
    return (
        visible_access_requests(user)
        .filter(status=RequestStatus.AWAITING_APPROVAL, institution_id=user.institution_id)
        .exclude(access.access_request_party(user))
        .order_by("requested_at", "pk")
    )


def approval_owners_waited_on() -> QuerySet[User]:
    """The active approval owners of institutions with a request awaiting approval: whom
    the daily digest of pending approvals may concern (``awaiting_decision_of`` says
    what it holds for each)."""
    institutions = AccessRequest.objects.filter(status=RequestStatus.AWAITING_APPROVAL).values(
        "institution_id"
    )
    return User.objects.filter(
        is_active=True, institution_id__in=institutions, role_grants__role=Role.APPROVAL_OWNER
    )


def approval_owners(institution_id: int) -> QuerySet[User]:
    """The institution's active approval owners, by name."""
    return User.objects.filter(
        institution_id=institution_id, is_active=True, role_grants__role=Role.APPROVAL_OWNER
    ).order_by("first_name", "last_name", "pk")


def ticket_request(ticket: Ticket) -> AccessRequest | None:
    """The access ticket's live request, else its latest rejected one."""
    requests = AccessRequest.objects.filter(ticket=ticket).select_related(
        "requested_by", "decided_by", "done_by"
    )
    live = requests.exclude(status=RequestStatus.REJECTED).first()
    return live or requests.order_by("-requested_at", "-pk").first()


@dataclass(frozen=True)
class LedgerFilters:
    person: str = ""
    role: str = ""
    action: str = ""
    done_from: date | None = None
    done_to: date | None = None
    institution_id: int | None = None


def ledger(user: User, filters: LedgerFilters) -> QuerySet[LedgerEntry]:
    """The ledger lines ``user`` may read, newest first. ``person`` and ``role`` match
    any part of the name, ERP login or role; the dates bound the day it was done."""
    entries = LedgerEntry.objects.filter(access.access_ledger_scope(user))
    if filters.person:
        entries = entries.filter(
            Q(person_name__icontains=filters.person) | Q(erp_login__icontains=filters.person)
        )
    if filters.role:
        entries = entries.filter(
            Q(role__icontains=filters.role) | Q(old_role__icontains=filters.role)
        )
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.done_from is not None:
        entries = entries.filter(done_at__date__gte=filters.done_from)
    if filters.done_to is not None:
        entries = entries.filter(done_at__date__lte=filters.done_to)
    if filters.institution_id is not None:
        entries = entries.filter(institution_id=filters.institution_id)
    return entries.select_related(
        "institution",
        "access_request",
        "person",
        "requested_by",
        "recorded_by",
        "approved_by",
        "done_by",
    ).order_by("-done_at", "-pk")


@dataclass(frozen=True)
class HeldRole:
    """One role a person holds, as the ledger records it."""

    person_key: str
    person_id: int | None
    person_name: str
    erp_login: str
    role: str


def current_roles(institution_id: int) -> list[HeldRole]:
    """Every person's current ERP roles at the institution, replayed from its ledger in
    the order the changes were done: an add grants, a remove takes away, a change does
    both. Sorted by person and role."""
    held: dict[tuple[str, str], HeldRole] = {}
    for entry in LedgerEntry.objects.filter(institution_id=institution_id).order_by(
        "done_at", "pk"
    ):
        key = entry.person_key
        if entry.action in (AccessAction.REMOVE, AccessAction.CHANGE):
            held.pop(
                (key, entry.old_role if entry.action == AccessAction.CHANGE else entry.role), None
            )
        if entry.action in (AccessAction.ADD, AccessAction.CHANGE):
            held[(key, entry.role)] = HeldRole(
                key, entry.person_id, entry.person_name, entry.erp_login, entry.role
            )
    return sorted(held.values(), key=lambda line: (line.person_name.lower(), line.role.lower()))


def visible_reviews(user: User) -> QuerySet[AccessReview]:
    return AccessReview.objects.filter(access.access_review_scope(user)).select_related(
        "institution"
    )


def get_visible_review(user: User, pk: int) -> AccessReview:
    review = visible_reviews(user).filter(pk=pk).first()
    if review is None:
        raise NotFound(NO_REVIEW)
    return review


def review_lines(review: AccessReview) -> QuerySet[ReviewLine]:
    return review.lines.select_related("answered_by", "access_request", "person").order_by(
        "person_name", "role", "pk"
    )


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_due(
    *, months: int, last_opened: datetime | None, first_ledger_line: datetime | None
) -> date | None:
    """THE rule of when an institution's next review is due: ``months`` after the last
    one opened, or after its first ledger line when it has had none; never before it
    has any ledger line. (While one is open, none is due: the callers ask first.)"""
    start = last_opened or first_ledger_line
    return months_after(desk_day(start), months) if start is not None else None


def review_due_on(institution: Institution) -> date | None:
    """When the institution's next review is due (``next_review_due``), by its schedule
    (quarterly by default); None while one is open."""
    reviews = AccessReview.objects.filter(institution=institution)
    if reviews.filter(closed_at__isnull=True).exists():
        return None
    schedule = ReviewSchedule.objects.filter(institution=institution).first()
    last = reviews.order_by("-opened_at").first()
    first = LedgerEntry.objects.filter(institution=institution).order_by("done_at").first()
    return next_review_due(
        months=schedule.months_between_reviews if schedule else DEFAULT_REVIEW_MONTHS,
        last_opened=last.opened_at if last else None,
        first_ledger_line=first.done_at if first else None,
    )


@dataclass(frozen=True)
class ReviewPlan:
    """An institution's periodic access review as a reader sees it: how often (and who
    set that, when), the review open now, when the next is due, and how many are done."""

    institution: Institution
    schedule: ReviewSchedule | None
    open_review: AccessReview | None
    due_on: date | None
    done: int

    @property
    def months(self) -> int:
        return self.schedule.months_between_reviews if self.schedule else DEFAULT_REVIEW_MONTHS


def review_plans(user: User, institution_id: int | None = None) -> list[ReviewPlan]:
    """Each institution's review plan that ``user`` may read (support staff: every
    institution's; an institution's admins: their own), by name; one institution's with
    ``institution_id``. A fixed number of queries, whatever the number of institutions."""
    if not access.can_read_access_ledger(user):
        return []
    institutions = Institution.objects.filter(access.institution_scope(user)).order_by("name")
    if institution_id is not None:
        institutions = institutions.filter(pk=institution_id)
    found = list(institutions)
    ids = [institution.pk for institution in found]
    schedules = {
        schedule.institution_id: schedule
        for schedule in ReviewSchedule.objects.filter(institution_id__in=ids).select_related(
            "set_by"
        )
    }
    reviews = AccessReview.objects.filter(access.access_review_scope(user), institution_id__in=ids)
    open_reviews = {review.institution_id: review for review in reviews.filter(closed_at=None)}
    counts = {
        row["institution_id"]: row
        for row in reviews.values("institution_id").annotate(
            last_opened=Max("opened_at"), done=Count("pk", filter=Q(closed_at__isnull=False))
        )
    }
    first_lines = dict(
        LedgerEntry.objects.filter(institution_id__in=ids)
        .values("institution_id")
        .annotate(first=Min("done_at"))
        .values_list("institution_id", "first")
    )
    plans = []
    for institution in found:
        schedule = schedules.get(institution.pk)
        months = schedule.months_between_reviews if schedule else DEFAULT_REVIEW_MONTHS
        row = counts.get(institution.pk, {})
        opened = open_reviews.get(institution.pk)
        due = None
        if opened is None:
            due = next_review_due(
                months=months,
                last_opened=row.get("last_opened"),
                first_ledger_line=first_lines.get(institution.pk),
            )
        plans.append(ReviewPlan(institution, schedule, opened, due, row.get("done", 0)))
    return plans


def review_plan(user: User, institution_id: int) -> ReviewPlan:
    """One institution's review plan; NotFound when ``user`` may not read it."""
    found = review_plans(user, institution_id)
    if not found:
        raise NotFound(NO_INSTITUTION)
    return found[0]


def done_reviews(user: User, institution: Institution) -> QuerySet[AccessReview]:
    """The institution's closed reviews ``user`` may see, newest first."""
    return (
        visible_reviews(user)
        .filter(institution=institution, closed_at__isnull=False)
        .order_by("-opened_at", "-pk")
    )
