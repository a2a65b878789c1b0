"""Recording an access request, its approval owner's decision, and the change done in
the ERP, which writes the institution's ledger."""

from dataclasses import dataclass
from datetime import date, datetime

from hypercare import access
from hypercare.access_requests import events, notices
from hypercare.access_requests.choices import AccessAction, AccessTicketEventKind, RequestStatus
from hypercare.access_requests.models import (
    COMMENT_MAX,
    NAME_MAX,
    ROLE_MAX,
    AccessRequest,
    LedgerEntry,
)
from hypercare.access_requests.selectors import approval_owners
from hypercare.accounts.models import User
from hypercare.accounts.selectors import with_email
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution
from hypercare.orgs.selectors import desk_day
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require

REQUEST_REFUSED = "Only support staff record access requests."
DONE_REFUSED = "Only tier 1 and tier 2 agents record access changes as done in the ERP."
DECIDE_REFUSED = (
    "Only the institution's approval owner decides an access request, and never one they "
    "asked for or that changes their own access."
)


@dataclass(frozen=True)
class RequestDetails:
    """What an access request asks for. ``person`` is a user of the institution when
    there is one; else ``person_name`` (and the ERP login) say who."""

    action: str
    role: str
    effective_on: date | None
    person: User | None = None
    person_name: str = ""
    erp_login: str = ""
    old_role: str = ""
    ends_on: date | None = None


def details_from_intake(ticket: Ticket, today: date) -> RequestDetails:
    """The ticket's intake answers as a request: the action and role as asked, the person
    a user of the institution whose username, email or full name matches the answer,
    else the name as given; effective today."""
    require_access_ticket(ticket)
    answers = ticket.category_details
    who = str(answers.get("user", "")).strip()
    person = _matching_user(ticket.institution_id, who)
    return RequestDetails(
        action=str(answers.get("action", "")),
        role=str(answers.get("role", "")),
        effective_on=today,
        person=person,
        person_name="" if person else who,
    )


def require_access_ticket(ticket: Ticket) -> None:
    """Only an access ticket takes an access request (409 for any other)."""
    if ticket.category != Category.ACCESS:
        raise InvalidTransition(f"{ticket.reference} is not an access request ticket.")


def _matching_user(institution_id: int, who: str) -> User | None:
    if not who:
        return None
    people = User.objects.filter(institution_id=institution_id, is_active=True)
    for person in people.filter(username__iexact=who) or people & with_email(who):
        return person
    named = [person for person in people if person.get_full_name().lower() == who.lower()]
    return named[0] if len(named) == 1 else None


def _checked(details: RequestDetails, institution: Institution) -> RequestDetails:
    """Every field's problem at once; the cleaned details otherwise."""
    errors = FieldErrors()
    errors.choice("action", details.action, AccessAction.values)
    role = errors.line("role", details.role, ROLE_MAX)
    old_role = errors.line("old_role", details.old_role, ROLE_MAX, required=False)
    if details.action == AccessAction.CHANGE and not old_role:
        errors.add("old_role", "give the role it changes from")
    if details.action != AccessAction.CHANGE and old_role:
        errors.add("old_role", "only a change has a role it changes from")
    name = errors.line("person_name", details.person_name, NAME_MAX, required=False)
    login = errors.line("erp_login", details.erp_login, NAME_MAX, required=False)
    person = details.person
    if person is not None:
        if person.institution_id != institution.pk:
            errors.add("person", f"must be a person of {institution}")
        name = person.display_name
    elif not name:
        errors.add("person_name", "name the person, or choose them among the institution's users")
    if details.effective_on is None:
        errors.add("effective_on", "say from when")
    if details.ends_on is not None:
        if details.action == AccessAction.REMOVE:
            errors.add("ends_on", "a removal has no end date")
        elif details.effective_on is not None and details.ends_on <= details.effective_on:
            errors.add("ends_on", "must be after the effective date")
    errors.check()
    return RequestDetails(
        action=details.action,
        role=role,
        effective_on=details.effective_on,
        person=person,
        person_name=name,
        erp_login=login,
        old_role=old_role,
        ends_on=details.ends_on,
    )


def open_access_request(*, ticket: Ticket, actor: User, details: RequestDetails) -> AccessRequest:
    """Record the access ticket's request; its approval owners are asked to decide."""
    require(access.can_request_access(actor), REQUEST_REFUSED)
    require_access_ticket(ticket)
    details = _checked(details, ticket.institution)
    with use_case():
        if (
            AccessRequest.objects.select_for_update()
            .filter(ticket=ticket)
            .exclude(status=RequestStatus.REJECTED)
            .exists()
        ):
            raise InvalidTransition(f"{ticket.reference} has an access request already.")
        return create_request(
            institution=ticket.institution, details=details, requested_by=actor, ticket=ticket
        )


def create_request(
    *,
    institution: Institution,
    details: RequestDetails,
    requested_by: User | None,
    ticket: Ticket | None = None,
    origin: AccessRequest | None = None,
) -> AccessRequest:
    """Insert a checked request awaiting approval, on its ticket's timeline, and ask the
    institution's approval owners; inside the caller's transaction."""
    at = clock.now()
    # Every caller hands checked details, whose date is set; the fallback satisfies types.
    effective_on = details.effective_on or desk_day(at)
    request = AccessRequest.objects.create(
        institution=institution,
        ticket=ticket,
        origin=origin,
        action=details.action,
        role=details.role,
        old_role=details.old_role,
        person=details.person,
        person_name=details.person_name,
        erp_login=details.erp_login,
        effective_on=effective_on,
        ends_on=details.ends_on,
        requested_by=requested_by,
        requested_at=at,
    )
    events.record(request, AccessTicketEventKind.ACCESS_REQUESTED, requested_by, at)
    parties = access.access_request_parties(request)
    notices.approval_requested(
        request, [owner for owner in approval_owners(institution.pk) if owner.pk not in parties]
    )
    return request


def lock(request: AccessRequest) -> AccessRequest:
    """The request's current row, locked until the transaction ends."""
    return (
        # Only its own row: PostgreSQL locks no row on the nullable side of a join.
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("ticket", "institution")
        .get(pk=request.pk)
    )


def decide_access_request(
    *, request: AccessRequest, actor: User, approve: bool, comment: str = ""
) -> AccessRequest:
    """The approval owner approves or rejects (a rejection says why). Asked only once:
    a decided request answers 409."""
    if not access.can_approve_access(actor, request):
        raise NotAllowed(DECIDE_REFUSED)
    errors = FieldErrors()
    comment = errors.text("comment", comment, COMMENT_MAX, required=not approve)
    errors.check()
    with use_case():
        request = lock(request)
        if request.status != RequestStatus.AWAITING_APPROVAL:
            raise InvalidTransition(
                f"{request.reference} is {request.get_status_display().lower()} already."
            )
        at = clock.now()
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.decided_by, request.decided_at, request.decision_comment = actor, at, comment
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        kind = (
            AccessTicketEventKind.ACCESS_APPROVED
            if approve
            else AccessTicketEventKind.ACCESS_REJECTED
        )
        events.record(request, kind, actor, at, body=comment)
        notices.decided(request)
    return request


def record_done_in_erp(*, request: AccessRequest, actor: User) -> AccessRequest:
    """A tier 1 or 2 agent made the approved change in the ERP: the request is done and
    the institution's ledger gains its line. Before approval it answers 409."""
    require(access.can_record_access_done(actor), DONE_REFUSED)
    with use_case():
        request = lock(request)
        if request.status != RequestStatus.APPROVED:
            raise InvalidTransition(
                f"{request.reference} is {request.get_status_display().lower()}: "
                "only an approved request can be recorded as done."
            )
        at = clock.now()
        request.status, request.done_by, request.done_at = RequestStatus.DONE, actor, at
        request.save(update_fields=["status", "done_by", "done_at"])
        _write_ledger(request, actor, at)
        events.record(request, AccessTicketEventKind.ACCESS_DONE, actor, at)
    return request


def _write_ledger(request: AccessRequest, actor: User, at: datetime) -> LedgerEntry:
    """The ledger's line: asked by the institution's person who asked, not the agent who
    keyed the request in from their ticket (kept beside it as who recorded it)."""
    approver = request.decided_by
    if approver is None:
        raise InvalidTransition(f"{request.reference} names no approver.")
    return LedgerEntry.objects.create(
        institution_id=request.institution_id,
        access_request=request,
        person_id=request.person_id,
        person_name=request.person_name,
        erp_login=request.erp_login,
        action=request.action,
        role=request.role,
        old_role=request.old_role,
        requested_by_id=request.asked_by_id,
        recorded_by_id=request.requested_by_id,
        approved_by=approver,
        done_by=actor,
        done_at=at,
        effective_on=request.effective_on,
        ends_on=request.ends_on,
    )


def today() -> date:
    return desk_day(clock.now())
