"""Raising a change request, writing its plan, submitting it for approval, cancelling it."""

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes import events, notices
from hypercare.changes.choices import (
    CANCELLABLE,
    ApproverRole,
    ChangeEventKind,
    ChangeKind,
    ChangeStatus,
    ChangeTicketEventKind,
    Risk,
)
from hypercare.changes.models import TITLE_MAX, ChangeApproval, ChangeRequest
from hypercare.changes.services.common import (
    WORK_REFUSED,
    RiskAnswers,
    assess_risk,
    is_below,
    lock,
    not_concerned,
)
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import EMPTY, FieldErrors
from hypercare.orgs.models import Institution, Module
from hypercare.problems.models import Problem
from hypercare.problems.selectors import problem_institutions
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require

TEXT_MAX = 20_000
# What a change needs before anyone is asked to approve it.
SUBMIT_NEEDS = ("plan", "rollback_plan", "window_start", "window_end", "modules")


@dataclass(frozen=True)
class ChangeDetails:
    """What an agent writes about a change; the same whole set on creation and update.
    ``risk`` empty is the questionnaire's assessment; a risk given may only raise it."""

    title: str
    kind: str = ChangeKind.CONFIGURATION
    plan: str = ""
    rollback_plan: str = ""
    window_start: datetime | None = None
    window_end: datetime | None = None
    answers: RiskAnswers = field(default_factory=RiskAnswers)
    risk: str = ""
    modules: Sequence[Module] = ()
    institutions: Sequence[Institution] = ()
    problems: Sequence[Problem] = ()

    @classmethod
    def of(cls, change: ChangeRequest) -> "ChangeDetails":
        """The change's details as they stand, for an update that changes some."""
        return cls(
            title=change.title,
            kind=change.kind,
            plan=change.plan,
            rollback_plan=change.rollback_plan,
            window_start=change.window_start,
            window_end=change.window_end,
            answers=RiskAnswers.of(change),
            risk=change.risk if change.risk != change.assessed_risk else "",
            modules=list(change.modules.all()),
            institutions=list(change.institutions.all()),
            problems=list(change.problems.all()),
        )


def _checked(details: ChangeDetails, tickets: Sequence[Ticket] = ()) -> ChangeDetails:
    """Every field's problem at once; the cleaned details otherwise. The tickets and
    problems linked must be of institutions the change concerns."""
    errors = FieldErrors()
    _check_links(errors, details, tickets)
    errors.choice("kind", details.kind, ChangeKind.values)
    start, end = details.window_start, details.window_end
    _check_window(errors, start, end)
    assessed = assess_risk(details.answers)
    if details.risk:
        errors.choice("risk", details.risk, Risk.values)
        if details.risk in Risk.values and is_below(details.risk, assessed):
            errors.add("risk", f"may not be lower than the questionnaire's {assessed}")
    cleaned = ChangeDetails(
        title=errors.line("title", details.title, TITLE_MAX),
        kind=details.kind,
        plan=errors.text("plan", details.plan, TEXT_MAX, required=False),
        rollback_plan=errors.text("rollback_plan", details.rollback_plan, TEXT_MAX, required=False),
        window_start=start,
        window_end=end,
        answers=details.answers,
        risk=details.risk,
        modules=list(details.modules),
        institutions=list(details.institutions),
        problems=list(details.problems),
    )
    errors.check()
    return cleaned


def _check_links(errors: FieldErrors, details: ChangeDetails, tickets: Sequence[Ticket]) -> None:
    """The tickets and problems of an institution the change does not concern, named."""
    concerned = _concerned(details)
    tickets_elsewhere = [t.reference for t in tickets if t.institution_id not in concerned]
    if tickets_elsewhere:
        errors.add("tickets", not_concerned(tickets_elsewhere))
    problems_elsewhere = [
        p.reference for p in details.problems if not problem_institutions(p) & concerned
    ]
    if problems_elsewhere:
        errors.add("problems", not_concerned(problems_elsewhere))


def _check_window(errors: FieldErrors, start: datetime | None, end: datetime | None) -> None:
    """Both ends or neither, each with its zone, the end after the start."""
    naive = [
        name
        for name, moment in (("window_start", start), ("window_end", end))
        if moment is not None and moment.utcoffset() is None
    ]
    for name in naive:
        errors.add(name, "give its time zone (an offset such as +02:00 or Z)")
    if naive:
        return
    if (start is None) != (end is None):
        errors.add("window_end" if end is None else "window_start", "give both ends of the window")
    elif start is not None and end is not None and end <= start:
        errors.add("window_end", "must be after the window's start")


def _write(change: ChangeRequest, details: ChangeDetails) -> None:
    for name in ("title", "kind", "plan", "rollback_plan", "window_start", "window_end"):
        setattr(change, name, getattr(details, name))
    for item in fields(RiskAnswers):
        setattr(change, item.name, getattr(details.answers, item.name))
    change.assessed_risk = assess_risk(details.answers)
    change.risk = details.risk or change.assessed_risk


def _concerned(details: ChangeDetails) -> frozenset[int]:
    """The institutions the change concerns: its modules' and those the details name."""
    institutions = {module.institution_id for module in details.modules}
    return frozenset(institutions | {institution.pk for institution in details.institutions})


def _relate(change: ChangeRequest, details: ChangeDetails) -> None:
    """The affected modules, the institutions it concerns, the problems."""
    change.modules.set(details.modules)
    change.institutions.set(_concerned(details))
    change.problems.set(details.problems)


def create_change(
    *, actor: User, details: ChangeDetails, tickets: Sequence[Ticket] = ()
) -> ChangeRequest:
    """A new change request in draft, linked to ``tickets`` (a configuration ticket, or
    several asking for one change). With no module named it takes the tickets' modules;
    a ticket of an institution it does not concern is refused."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    if not details.modules:
        modules = {ticket.module for ticket in tickets}
        details = replace(details, modules=sorted(modules, key=_pk))
    details = _checked(details, tickets)
    with use_case():
        at = clock.now()
        change = ChangeRequest(raised_by=actor, created_at=at, updated_at=at)
        _write(change, details)
        change.save()
        _relate(change, details)
        change.tickets.set(tickets)
        events.record(change, ChangeEventKind.CREATED, actor, at, value=change.title)
        events.on_tickets(change, ChangeTicketEventKind.CHANGE_LINKED, actor, at)
    return change


def _pk(record: Module) -> int:
    return record.pk


def update_change(*, change: ChangeRequest, actor: User, details: ChangeDetails) -> ChangeRequest:
    """Change what is written about a draft; once submitted, what the approvers approved
    is what is tested and done, so it no longer changes."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    details = _checked(details)
    with use_case():
        change = lock(change)
        if change.status != ChangeStatus.DRAFT:
            raise InvalidTransition("Only a draft's details change; cancel and raise a new one.")
        before = ChangeDetails.of(change)
        changed = [
            item.name.replace("_", " ")
            for item in fields(ChangeDetails)
            if _comparable(getattr(before, item.name)) != _comparable(getattr(details, item.name))
        ]
        if not changed:
            return change
        at = clock.now()
        _write(change, details)
        change.updated_at = at
        change.save()
        _relate(change, details)
        events.record(change, ChangeEventKind.CHANGED, actor, at, value=", ".join(changed))
    return change


def _comparable(value: object) -> object:
    if isinstance(value, list | tuple):
        return sorted(item.pk for item in value)
    return value


def submit_change(*, change: ChangeRequest, actor: User) -> ChangeRequest:
    """Ask for approval: one approval per affected module (by its owners), and a support
    manager's for a high-risk change. The approvers are told."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    with use_case():
        change = lock(change)
        if change.status != ChangeStatus.DRAFT:
            raise InvalidTransition("Only a draft is submitted for approval.")
        modules = list(change.modules.select_related("institution").order_by("pk"))
        missing = {
            name: EMPTY
            for name in SUBMIT_NEEDS
            if not (modules if name == "modules" else getattr(change, name))
        }
        if missing:
            raise ValidationFailed(missing)
        approvals = [
            ChangeApproval(change=change, role=ApproverRole.MODULE_OWNER, module=module)
            for module in modules
        ]
        if change.risk == Risk.HIGH:
            approvals.append(ChangeApproval(change=change, role=ApproverRole.SUPPORT_MANAGER))
        ChangeApproval.objects.bulk_create(approvals)
        at = clock.now()
        change.status = ChangeStatus.AWAITING_APPROVAL
        change.updated_at = at
        change.save()
        # Read by every institution the change concerns: no institution is named.
        count = len(modules)
        who = f"the owners of {count} module{'s' if count != 1 else ''}" + (
            " and a support manager" if change.risk == Risk.HIGH else ""
        )
        events.record(change, ChangeEventKind.SUBMITTED, actor, at, value=who)
        notices.approval_requested(change)
    return change


def cancel_change(*, change: ChangeRequest, actor: User, reason: str = "") -> ChangeRequest:
    """Call the change off before it is implemented; its approvals stay as decided."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    errors = FieldErrors()
    reason = errors.text("reason", reason, 2000, required=False)
    errors.check()
    with use_case():
        change = lock(change)
        if change.status not in CANCELLABLE:
            raise InvalidTransition(f"A change {change.get_status_display().lower()} stays so.")
        at = clock.now()
        change.status = ChangeStatus.CANCELLED
        change.updated_at = at
        change.save()
        events.record(change, ChangeEventKind.CANCELLED, actor, at, body=reason)
    return change
