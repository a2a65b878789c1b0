"""Read queries for access requests, the ledger and reviews, scoped by the access policy."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from hypercare import access
from hypercare.access_requests.choices import AccessAction, RequestStatus
from hypercare.access_requests.models import (
    AccessRequest,
    AccessReview,
    LedgerEntry,
    ReviewLine,
)
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.tickets.models import Ticket

NO_REQUEST = "No such access request, or you may not see it."
NO_REVIEW = "No such access review, or you may not see it."


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
