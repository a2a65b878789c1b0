"""Major incident use cases: declare, attach and detach children, update all, resolve.

Each is one function in its own durable transaction, with its events on the incident's
timeline and on the timeline of every child it concerns. Resolving resolves each child
through the ticket workflow (``change_status``), in the child's own transaction, so the
lifecycle, the SLA clocks and the requester's notice are the ticket's usual ones.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import DomainError, InvalidTransition, NotAllowed
from hypercare.incidents import events, notices
from hypercare.incidents.choices import IncidentEventKind, IncidentStatus
from hypercare.incidents.models import IncidentChild, IncidentEvent, MajorIncident
from hypercare.lib import clock
from hypercare.lib.times import Moment
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.choices import IntegrationKind, ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import OPEN_STATUSES, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.bulk import BulkOutcome
from hypercare.tickets.services.conversation import record_support_response
from hypercare.tickets.services.workflow import change_status

TITLE_MAX = 200
TEXT_MAX = 10_000
# A week: an incident updated less often than that is not being managed.
LONGEST_UPDATE_INTERVAL_HOURS = 168
# A month: a target further out is no target for an outage.
LONGEST_TARGET_DAYS = 31
REASON_MAX = 2_000
HANDLERS_ONLY = "Only support managers and tier 2 and 3 agents handle major incidents."
CADENCE_FIELDS = ["last_update_at", "next_update_due_at", "update_missed_at"]
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Declaration:
    """What a major incident is declared with; the service checks every answer at once."""

    title: str
    module_code: str
    integration_kind: str
    impact: str
    institutions: Sequence[Institution]
    started_at: datetime | None
    update_every_hours: int
    # None: ``HYPERCARE_INCIDENT_RESOLVE_HOURS`` from the declaration.
    resolve_by: datetime | None = None


def _require_handler(actor: User) -> None:
    if not access.can_handle_major_incident(actor):
        raise NotAllowed(HANDLERS_ONLY)


def _lock(incident: MajorIncident) -> MajorIncident:
    """The incident's current row, locked until the transaction ends (no lost steps)."""
    return MajorIncident.objects.select_for_update().get(pk=incident.pk)


def _require_active(incident: MajorIncident) -> None:
    if not incident.is_active:
        raise InvalidTransition(f"{incident.reference} is resolved.")


def _touch(ticket: Ticket, at: datetime) -> None:
    """An incident step is activity on the child: queues sorted by update see it."""
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=at)


@dataclass(frozen=True)
class _Checked:
    title: str
    impact: str
    started_at: datetime
    resolve_by: datetime


def _check_declaration(
    declaration: Declaration, at: datetime, from_ticket: Ticket | None
) -> _Checked:
    errors = FieldErrors()
    title = errors.line("title", declaration.title, TITLE_MAX)
    errors.choice("module_code", declaration.module_code, ModuleCode.values)
    if declaration.integration_kind:
        errors.choice("integration_kind", declaration.integration_kind, IntegrationKind.values)
    impact = errors.text("impact", declaration.impact, TEXT_MAX)
    if not declaration.institutions and from_ticket is None:
        errors.add("institutions", "name at least one affected institution")
    if declaration.started_at is None:
        errors.add("started_at", "say when the incident started")
    elif declaration.started_at > at:
        errors.add("started_at", "must not be in the future")
    if not 1 <= declaration.update_every_hours <= LONGEST_UPDATE_INTERVAL_HOURS:
        errors.add("update_every_hours", f"must be from 1 to {LONGEST_UPDATE_INTERVAL_HOURS} hours")
    resolve_by = declaration.resolve_by or at + timedelta(
        hours=settings.HYPERCARE_INCIDENT_RESOLVE_HOURS
    )
    # Against a start refused above, the target would be wrong for the start's mistake.
    started_at = None if "started_at" in errors.errors else declaration.started_at
    _check_target(errors, resolve_by, started_at, at)
    errors.check()
    # Refused above when missing, so ``at`` never stands in for it.
    return _Checked(title, impact, declaration.started_at or at, resolve_by)


def _check_target(
    errors: FieldErrors, resolve_by: datetime, started_at: datetime | None, at: datetime
) -> None:
    """A resolution target is a time still ahead, after the outage began, within reach."""
    if started_at is not None and resolve_by <= started_at:
        errors.add("resolve_by", "must be after the incident started")
    elif resolve_by <= at:
        errors.add("resolve_by", "must be in the future")
    elif resolve_by > at + timedelta(days=LONGEST_TARGET_DAYS):
        errors.add("resolve_by", f"must be within {LONGEST_TARGET_DAYS} days")


def declare_major_incident(
    *, actor: User, declaration: Declaration, from_ticket: Ticket | None = None
) -> MajorIncident:
    """Declare an outage; from a ticket, that ticket is its first child and its
    institution one of the affected. The first update is due one interval from now; it
    is to be resolved by the declarer's target, else ``HYPERCARE_INCIDENT_RESOLVE_HOURS``
    from now, around the clock: an outage does not wait for office hours."""
    _require_handler(actor)
    at = clock.now()
    checked = _check_declaration(declaration, at, from_ticket)
    with use_case():
        incident = MajorIncident.objects.create(
            title=checked.title,
            module_code=declaration.module_code,
            integration_kind=declaration.integration_kind,
            impact=checked.impact,
            started_at=checked.started_at,
            declared_by=actor,
            declared_at=at,
            update_every_hours=declaration.update_every_hours,
            next_update_due_at=at + timedelta(hours=declaration.update_every_hours),
            resolve_by=checked.resolve_by,
        )
        incident.institutions.set(declaration.institutions)
        events.record(
            incident,
            IncidentEventKind.DECLARED,
            actor,
            at,
            body=checked.impact,
            moment=checked.resolve_by,
        )
        if from_ticket is not None:
            events.record_declared_from(incident, from_ticket, actor, at)
            _attach(incident, from_ticket, actor, at)
    return incident


def _attach(incident: MajorIncident, ticket: Ticket, actor: User, at: datetime) -> IncidentChild:
    """Attach inside the caller's transaction, the incident row locked or just made."""
    current = IncidentChild.objects.filter(ticket=ticket).select_related("incident").first()
    if current is not None:
        raise InvalidTransition(
            f"{ticket.reference} is already a child of {current.incident.reference}."
        )
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(f"{ticket.reference} is closed.")
    child = IncidentChild.objects.create(
        incident=incident, ticket=ticket, attached_by=actor, attached_at=at
    )
    # A ticket from another institution shows the outage reaches it too.
    incident.institutions.add(ticket.institution_id)
    events.record_attached(incident, ticket, actor, at)
    _touch(ticket, at)
    return child


def attach_child(*, incident: MajorIncident, ticket: Ticket, actor: User) -> IncidentChild:
    """Make ``ticket`` a child: it gets the incident's updates and is resolved with it."""
    _require_handler(actor)
    with use_case():
        incident = _lock(incident)
        _require_active(incident)
        return _attach(incident, ticket, actor, clock.now())


def attach_children(
    *, incident: MajorIncident, tickets: Sequence[Ticket], actor: User
) -> BulkOutcome:
    """Attach many tickets (ticked in a queue), each in its own transaction, so one
    refusal (already a child elsewhere, closed) does not undo the others."""
    _require_handler(actor)
    outcome = BulkOutcome()
    for ticket in tickets:
        try:
            attach_child(incident=incident, ticket=ticket, actor=actor)
        except DomainError as exc:
            outcome.refused.append((ticket, exc.message))
        else:
            outcome.changed.append(ticket)
    return outcome


def detach_child(*, incident: MajorIncident, ticket: Ticket, actor: User) -> MajorIncident:
    """Take a ticket out of the incident: it turned out to be another problem."""
    _require_handler(actor)
    with use_case():
        incident = _lock(incident)
        _require_active(incident)
        if not IncidentChild.objects.filter(incident=incident, ticket=ticket).delete()[0]:
            raise InvalidTransition(f"{ticket.reference} is not a child of {incident.reference}.")
        at = clock.now()
        events.record_detached(incident, ticket, actor, at)
        _touch(ticket, at)
    return incident


def children_of(incident: MajorIncident) -> list[Ticket]:
    """Every child ticket with the people its notices go to (not scoped: for services)."""
    return list(
        Ticket.objects.filter(incident_child__incident=incident)
        .select_related("requester", "reported_by", "institution")
        .order_by("pk")
    )


def post_incident_update(*, incident: MajorIncident, actor: User, body: str) -> IncidentEvent:
    """One public update to all: on every child's timeline, to every child's requester
    and to every affected institution's admins, each told only of their own tickets.
    Reaching the requester, it is support's response on each child, as a reply is.
    The next update falls due one interval from now."""
    _require_handler(actor)
    errors = FieldErrors()
    text = errors.text("body", body, TEXT_MAX)
    errors.check()
    with use_case():
        incident = _lock(incident)
        _require_active(incident)
        at = clock.now()
        incident.last_update_at = at
        incident.next_update_due_at = at + timedelta(hours=incident.update_every_hours)
        incident.update_missed_at = None
        incident.save(update_fields=CADENCE_FIELDS)
        update = events.record(incident, IncidentEventKind.UPDATE, actor, at, body=text)
        children = children_of(incident)
        for child in children:
            events.record_update_on(incident, child, actor, at, text)
            record_support_response(child, at)
            _touch(child, at)
        notices.update_posted(incident, children, update, actor)
    return update


def resolve_major_incident(*, incident: MajorIncident, actor: User, resolution: str) -> BulkOutcome:
    """End the incident, then resolve each open child with the resolution note.

    Each child goes through ``change_status`` in its own transaction: the lifecycle's
    rules and the SLA clocks hold, the note is the status change's public reason, and the
    requester is told as for any resolved ticket. A child that cannot be resolved is
    reported, not a reason to keep the incident open.
    """
    _require_handler(actor)
    errors = FieldErrors()
    note = errors.text("resolution", resolution, TEXT_MAX)
    errors.check()
    with use_case():
        incident = _lock(incident)
        _require_active(incident)
        at = clock.now()
        incident.status = IncidentStatus.RESOLVED
        incident.resolution = note
        incident.resolved_at = at
        incident.resolved_by = actor
        incident.next_update_due_at = None
        incident.save()
        events.record(incident, IncidentEventKind.RESOLVED, actor, at, body=note)
    outcome = BulkOutcome()
    for child in children_of(incident):
        if child.status not in OPEN_STATUSES:
            continue
        try:
            resolved = change_status(ticket=child, actor=actor, status=Status.RESOLVED, reason=note)
        except DomainError as exc:
            outcome.refused.append((child, exc.message))
        else:
            outcome.changed.append(resolved)
    return outcome


def change_resolve_by(
    *, incident: MajorIncident, actor: User, resolve_by: datetime | None, reason: str
) -> MajorIncident:
    """Move the resolution target, saying why (on the incident's timeline). A new
    target can be missed anew, so a missed one's flag is lifted."""
    _require_handler(actor)
    errors = FieldErrors()
    if resolve_by is None:
        errors.add("resolve_by", "say by when it is to be resolved")
    note = errors.text("reason", reason, REASON_MAX)
    with use_case():
        incident = _lock(incident)
        _require_active(incident)
        at = clock.now()
        if resolve_by is not None:
            _check_target(errors, resolve_by, incident.started_at, at)
        errors.check()
        incident.resolve_by = resolve_by
        incident.resolve_missed_at = None
        incident.save(update_fields=["resolve_by", "resolve_missed_at"])
        events.record(
            incident, IncidentEventKind.RESOLVE_BY_CHANGED, actor, at, body=note, moment=resolve_by
        )
    return incident


def _flag_each(due: Q, flag: str, at: datetime, tell: Callable[[MajorIncident], None]) -> int:
    """Claim each due incident by setting ``flag`` with a conditional UPDATE, so several
    workers never flag one twice, and ``tell`` about each claimed, in its transaction."""
    flagged = 0
    for pk in list(MajorIncident.objects.filter(due).values_list("pk", flat=True)[:SWEEP_BATCH]):
        with use_case():
            if not MajorIncident.objects.filter(due, pk=pk).update(**{flag: at}):
                continue
            tell(MajorIncident.objects.select_related("declared_by").get(pk=pk))
            flagged += 1
    return flagged


def flag_missed_updates(*, now: datetime | None = None) -> dict[str, int]:
    """Flag and notify every active incident whose update is overdue, once per due update.

    Each is claimed with a conditional UPDATE, so several workers never flag one twice;
    posting the update makes the next due one claimable again.
    """
    at = now or clock.now()
    due = Q(status=IncidentStatus.ACTIVE, next_update_due_at__lte=at, update_missed_at__isnull=True)

    def tell(incident: MajorIncident) -> None:
        # The claim matched on a due time, so there is one; ``at`` only satisfies types.
        due_at = incident.next_update_due_at or at
        event = events.record(incident, IncidentEventKind.UPDATE_MISSED, None, at)
        notices.update_missed(incident, event, Moment(due_at))

    return {"missed_incident_updates": _flag_each(due, "update_missed_at", at, tell)}


def flag_missed_resolutions(*, now: datetime | None = None) -> dict[str, int]:
    """Flag and notify every active incident past its resolution target, once per target.

    Claimed as missed updates are; moving the target makes the incident claimable again.
    """
    at = now or clock.now()
    due = Q(status=IncidentStatus.ACTIVE, resolve_by__lte=at, resolve_missed_at__isnull=True)

    def tell(incident: MajorIncident) -> None:
        # The claim matched on a target, so there is one; ``at`` only satisfies types.
        due_at = incident.resolve_by or at
        event = events.record(incident, IncidentEventKind.RESOLVE_MISSED, None, at, moment=due_at)
        notices.resolve_missed(incident, event, Moment(due_at))

    return {"missed_incident_resolutions": _flag_each(due, "resolve_missed_at", at, tell)}
