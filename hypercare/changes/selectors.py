"""Read queries for change requests, scoped by the access policy.

Support staff see every change; an institution's people see the changes concerning
their institution and, within one, only their own institution's side: its modules, its
approvals, the tickets they may see. A change of another institution is not found.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.changes.choices import (
    CLOSED_WITHOUT_WORK,
    STAFF_ONLY_STEPS,
    ApproverRole,
    ChangeStatus,
    Decision,
)
from hypercare.changes.models import (
    ChangeApproval,
    ChangeEvent,
    ChangeEvidence,
    ChangeRequest,
    EvidenceFile,
)
from hypercare.errors import NotFound
from hypercare.orgs.models import Institution, Module
from hypercare.problems.models import Problem
from hypercare.problems.selectors import visible_problems
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import visible_tickets

NO_CHANGE = "No such change request, or you may not see it."
NO_FILE = "No such file, or you may not see it."


@dataclass(frozen=True)
class ChangeFilters:
    text: str = ""
    status: str = ""
    kind: str = ""
    risk: str = ""
    institution_id: int | None = None
    module: str = ""
    ticket: Ticket | None = None
    window_from: datetime | None = None
    window_to: datetime | None = None


def visible_changes(user: User) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(access.change_scope(user))


def change_list(user: User, filters: ChangeFilters) -> QuerySet[ChangeRequest]:
    """The changes ``user`` may see matching ``filters``, by window (unscheduled last).
    A window filter keeps the changes whose window overlaps it."""
    changes = visible_changes(user)
    for word in filters.text.split():
        changes = changes.filter(Q(title__icontains=word) | Q(plan__icontains=word))
    for name in ("status", "kind", "risk"):
        if value := getattr(filters, name):
            changes = changes.filter(**{name: value})
    # Subqueries, so a change touching two matching modules is listed once.
    if filters.institution_id is not None:
        concerning = ChangeRequest.institutions.through.objects.filter(
            institution_id=filters.institution_id
        )
        changes = changes.filter(pk__in=concerning.values("changerequest_id"))
    if filters.module:
        touching = ChangeRequest.modules.through.objects.filter(module__code=filters.module)
        changes = changes.filter(pk__in=touching.values("changerequest_id"))
    if filters.ticket is not None:
        changes = changes.filter(
            pk__in=ChangeRequest.objects.filter(tickets=filters.ticket).values("pk")
        )
    if filters.window_from is not None:
        changes = changes.filter(window_end__gt=filters.window_from)
    if filters.window_to is not None:
        changes = changes.filter(window_start__lt=filters.window_to)
    return (
        changes.select_related("raised_by", "release", "implemented_by")
        .prefetch_related("modules__institution", "institutions")
        .order_by("window_start", "pk")
    )


def get_visible_change(user: User, pk: int) -> ChangeRequest:
    change = change_list(user, ChangeFilters()).filter(pk=pk).first()
    if change is None:
        raise NotFound(NO_CHANGE)
    return change


def change_modules(user: User, change: ChangeRequest) -> list[Module]:
    """The change's modules on ``user``'s side (an institution's people: their own), from
    the prefetched ones when a list read them."""
    return [m for m in change.modules.all() if access.reads_change_part(user, m.institution_id)]


def change_institutions(user: User, change: ChangeRequest) -> list[Institution]:
    """The institutions the change concerns on ``user``'s side."""
    return [i for i in change.institutions.all() if access.reads_change_part(user, i.pk)]


def change_tickets(user: User, change: ChangeRequest) -> QuerySet[Ticket]:
    return (
        visible_tickets(user)
        .filter(pk__in=change.tickets.values("pk"))
        .select_related("institution")
        .order_by("pk")
    )


def change_problems(user: User, change: ChangeRequest) -> QuerySet[Problem]:
    """The problems the change fixes: support staff only, like every problem."""
    return visible_problems(user).filter(change_requests=change).order_by("pk")


def linkable_problems(user: User, change: ChangeRequest) -> QuerySet[Problem]:
    """The problems ``user`` may link to the change: not linked yet, latest first."""
    return visible_problems(user).exclude(change_requests=change).order_by("-updated_at", "-pk")


def change_approvals(user: User, change: ChangeRequest) -> QuerySet[ChangeApproval]:
    """The change's approvals on ``user``'s side: every one for support staff; their own
    institution's modules' and the support manager's for an institution's people."""
    approvals = change.approvals.select_related("module__institution", "decided_by")
    if access.is_agent(user):
        return approvals
    return approvals.filter(Q(module__institution_id=user.institution_id) | Q(module__isnull=True))


def change_evidence(user: User, change: ChangeRequest) -> QuerySet[ChangeEvidence]:
    return (
        ChangeEvidence.objects.filter(change__in=visible_changes(user), change=change)
        .select_related("recorded_by")
        .prefetch_related("files")
    )


def change_history(user: User, change: ChangeRequest) -> QuerySet[ChangeEvent]:
    """The change's steps ``user`` may read. A change may concern several institutions:
    an institution's people read the desk's steps and their own institution's, never
    another institution's approver, decision or comment, nor the steps naming a linked
    ticket or problem (``STAFF_ONLY_STEPS``)."""
    events = ChangeEvent.objects.filter(change__in=visible_changes(user), change=change)
    if not access.is_agent(user):
        events = events.filter(
            Q(actor__isnull=True)
            | Q(actor__institution__isnull=True)
            | Q(actor__institution_id=user.institution_id or 0)
        ).exclude(kind__in=STAFF_ONLY_STEPS)
    return events.select_related("actor").order_by("created_at", "pk")


def get_visible_evidence_file(user: User, pk: int) -> EvidenceFile:
    found = EvidenceFile.objects.filter(access.change_file_scope(user), pk=pk).first()
    if found is None:
        raise NotFound(NO_FILE)
    return found


@dataclass(frozen=True)
class Collision:
    """Another change touching one module of one institution in an overlapping window."""

    other: ChangeRequest
    module: Module


def _scheduled(user: User) -> QuerySet[ChangeRequest]:
    return visible_changes(user).exclude(status__in=CLOSED_WITHOUT_WORK)


def collisions(user: User, change: ChangeRequest) -> list[Collision]:
    """The changes ``user`` may see that touch one of this change's modules in a window
    overlapping its own; none while it has no window or is rejected or cancelled."""
    if change.window_start is None or change.window_end is None:
        return []
    if change.status in CLOSED_WITHOUT_WORK:
        return []
    rows = (
        ChangeRequest.modules.through.objects.filter(
            module_id__in=change.modules.filter(
                access.change_part_scope(user, "institution_id")
            ).values("pk"),
            changerequest__in=_scheduled(user),
            changerequest__window_start__lt=change.window_end,
            changerequest__window_end__gt=change.window_start,
        )
        .exclude(changerequest_id=change.pk)
        .select_related("changerequest", "module__institution")
        .order_by("changerequest__window_start", "changerequest_id", "module_id")
    )
    return [Collision(row.changerequest, row.module) for row in rows]


def collisions_among(changes: list[ChangeRequest]) -> dict[int, list[Collision]]:
    """Each change's collisions with the others of ``changes`` (their modules prefetched):
    the calendar's warnings, without a query per change."""
    by_module: dict[int, list[ChangeRequest]] = defaultdict(list)
    modules: dict[int, Module] = {}
    for change in changes:
        if change.window_start is None or change.status in CLOSED_WITHOUT_WORK:
            continue
        for module in change.modules.all():
            by_module[module.pk].append(change)
            modules[module.pk] = module
    found: dict[int, list[Collision]] = defaultdict(list)
    for pk, sharing in by_module.items():
        for change in sharing:
            for other in sharing:
                if other.pk != change.pk and _overlap(change, other):
                    found[change.pk].append(Collision(other, modules[pk]))
    return dict(found)


def _overlap(one: ChangeRequest, other: ChangeRequest) -> bool:
    start, end, other_start, other_end = (
        one.window_start,
        one.window_end,
        other.window_start,
        other.window_end,
    )
    if start is None or end is None or other_start is None or other_end is None:
        return False
    return start < other_end and other_start < end


def pending_change_approvals(user: User) -> QuerySet[ChangeApproval]:
    """The approvals waiting for ``user`` to decide: pending, of changes awaiting
    approval that they see and did not ask for, oldest window first."""
    asked = ChangeRequest.objects.filter(access.changes_asked_for_by(user)).values("pk")
    return (
        ChangeApproval.objects.filter(
            access.change_approval_scope(user),
            decision=Decision.PENDING,
            change__status=ChangeStatus.AWAITING_APPROVAL,
            change__in=visible_changes(user).values("pk"),
        )
        .exclude(change__in=asked)
        .select_related("change", "change__raised_by", "module__institution")
        .order_by("change__window_start", "change_id", "pk")
    )


def approvers(approval: ChangeApproval) -> list[User]:
    """The people who may decide ``approval`` (whoever asked for the change aside)."""
    if approval.role == ApproverRole.MODULE_OWNER and approval.module is not None:
        owners = list(access.module_deciders(approval.module))
        if owners:
            return owners
    return list(support_staff(Role.SUPPORT_MANAGER))


def approvers_waited_on() -> list[User]:
    """Everyone a pending approval of a change awaiting approval is asked of: whom the
    daily digest of pending approvals may concern (``pending_change_approvals`` says
    what it holds for each)."""
    pending = ChangeApproval.objects.filter(
        decision=Decision.PENDING, change__status=ChangeStatus.AWAITING_APPROVAL
    ).select_related("module")
    # Approvals of one role and module are asked of the same people: ask once.
    alike = {(approval.role, approval.module_id): approval for approval in pending}
    people: dict[int, User] = {}
    for approval in alike.values():
        for person in approvers(approval):
            people.setdefault(person.pk, person)
    return list(people.values())


@dataclass(frozen=True)
class Calendar:
    """One month of changes by window, each with its collisions among them."""

    month: date
    starts: datetime
    ends: datetime
    changes: list[ChangeRequest]
    collisions: dict[int, list[Collision]]


def change_calendar(
    user: User, *, month: date, institution_id: int | None = None, module: str = ""
) -> Calendar:
    """The changes whose window overlaps ``month`` (in the current time zone), rejected and
    cancelled ones left out, filtered by institution and module code."""
    zone = timezone.get_current_timezone()
    starts = datetime(month.year, month.month, 1, tzinfo=zone)
    ends = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=zone)
    filters = ChangeFilters(
        institution_id=institution_id, module=module, window_from=starts, window_to=ends
    )
    changes = list(change_list(user, filters).exclude(status__in=CLOSED_WITHOUT_WORK))
    found = {
        pk: [c for c in clashes if access.reads_change_part(user, c.module.institution_id)]
        for pk, clashes in collisions_among(changes).items()
    }
    return Calendar(month.replace(day=1), starts, ends, changes, found)
