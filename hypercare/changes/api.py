"""Change request endpoints: thin adapters over the change services and selectors.

A change of another institution answers 404 on every path, as if it did not exist.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status, UploadedFile

from hypercare import access
from hypercare.accounts.models import User
from hypercare.api.common import (
    UNKNOWN_FIELD,
    DbId,
    Page,
    PageQuery,
    actor,
    errors,
    paginate,
    refuse_unknown_query,
)
from hypercare.changes import selectors
from hypercare.changes.models import ChangeApproval, ChangeEvidence, ChangeRequest
from hypercare.changes.release import plan_change_release
from hypercare.changes.schemas import (
    CalendarOut,
    CalendarQuery,
    CancelIn,
    ChangeCreateIn,
    ChangeDetailOut,
    ChangeFieldsIn,
    ChangeOut,
    ChangeProblemIn,
    ChangeQuery,
    ChangeReleaseIn,
    ChangeTicketIn,
    DecisionIn,
    EvidenceOut,
    ImplementationIn,
    PendingApprovalOut,
    Text,
    calendar_entry,
)
from hypercare.changes.services import approvals, linking, records, testing
from hypercare.changes.services.common import RiskAnswers
from hypercare.changes.services.records import ChangeDetails
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.orgs.selectors import visible_institutions, visible_modules
from hypercare.problems.selectors import NO_PROBLEM, get_visible_problem, visible_problems
from hypercare.releases.models import Release
from hypercare.tickets.selectors import get_visible_ticket_by_ref, named_tickets
from hypercare.tickets.services.attachments import attachment_path

router = Router(tags=["changes"])
NO_CHANGE = selectors.NO_CHANGE
LIST_PARAMETERS = {*ChangeQuery.model_fields, *PageQuery.model_fields}
EVIDENCE_FIELDS = ("note", "files")
TEXT_FIELDS = ("title", "kind", "plan", "rollback_plan", "window_start", "window_end")
ANSWERS = tuple(RiskAnswers.__dataclass_fields__)
# The service names related records by their plural; the API by their ids.
API_FIELDS = {
    "modules": "module_ids",
    "institutions": "institution_ids",
    "problems": "problem_ids",
    "problem": "problem_id",
}
NOT_DRAFT = "Only a draft changes or is submitted; this change is past that."
LINKS_ONLY_STAFF = "Only support staff link tickets and problems to change requests."
LINKS_CLOSED = "The change is rejected or cancelled, or the record is linked already (or not)."


def _change(request: HttpRequest, change_id: int) -> ChangeRequest:
    return selectors.get_visible_change(actor(request), change_id)


def _to_link(request: HttpRequest, change_id: int) -> tuple[User, ChangeRequest]:
    """The change a link is made on (404 when unseen) and who makes it, refused (403)
    before the record they name is looked up."""
    change = _change(request, change_id)
    user = actor(request)
    if not access.can_work_changes(user):
        raise NotAllowed(LINKS_ONLY_STAFF)
    return user, change


def _details(user: User, payload: ChangeFieldsIn, current: ChangeDetails) -> ChangeDetails:
    """``current`` with what the payload sets; ids naming nothing visible are refused."""
    given = payload.model_dump(exclude_unset=True)
    values: dict[str, Any] = {
        name: given[name] if given.get(name) is not None else getattr(current, name)
        for name in TEXT_FIELDS
    }
    for name in ("window_start", "window_end"):
        if name in given:
            values[name] = given[name]
    answers = {
        name: given[name] if given.get(name) is not None else getattr(current.answers, name)
        for name in ANSWERS
    }
    values["answers"] = RiskAnswers(**answers)
    values["risk"] = given["risk"] or "" if "risk" in given else current.risk
    unknown: dict[str, str] = {}
    for attribute, records_of in (
        ("modules", visible_modules(user)),
        ("institutions", visible_institutions(user)),
        ("problems", visible_problems(user)),
    ):
        field = API_FIELDS[attribute]
        values[attribute] = getattr(current, attribute)
        if field in given:
            wanted = set(given[field] or [])
            values[attribute] = list(records_of.filter(pk__in=wanted))
            if len(values[attribute]) != len(wanted):
                unknown[field] = f"no such {attribute[:-1]}"
    if unknown:
        raise ValidationFailed(unknown)
    return ChangeDetails(**values)


@contextmanager
def _as_fields() -> Iterator[None]:
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed(
            {API_FIELDS.get(name, name): text for name, text in exc.errors.items()}
        ) from None


@router.get(
    "/changes",
    response={
        200: Page[ChangeOut],
        **errors(401, 422, not_found="The ticket the `ticket` filter names is not one you see."),
    },
)
def list_changes(
    request: HttpRequest, query: Query[ChangeQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """The change requests you may see (an institution's people: those concerning their
    institution), by window."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    user = actor(request)
    ticket = get_visible_ticket_by_ref(user, query.ticket) if query.ticket else None
    filters = selectors.ChangeFilters(
        text=query.q,
        status=query.status or "",
        kind=query.kind or "",
        risk=query.risk or "",
        institution_id=query.institution_id,
        module=query.module or "",
        ticket=ticket,
    )
    return paginate(selectors.change_list(user, filters), paging)


@router.post(
    "/changes",
    response={
        201: ChangeDetailOut,
        **errors(401, 422, forbidden="Only support staff raise change requests."),
    },
)
def create_change(request: HttpRequest, payload: ChangeCreateIn) -> Status[ChangeRequest]:
    """Raise a change request in draft, from tickets or none; its risk follows from the
    questionnaire (``risk`` may raise it)."""
    user = actor(request)
    tickets = named_tickets(user, "tickets", payload.tickets)
    details = _details(user, payload, ChangeDetails(title=payload.title, kind=payload.kind))
    with _as_fields():
        change = records.create_change(actor=user, details=details, tickets=tickets)
    return Status(201, _change(request, change.pk))


@router.get("/changes/calendar", response={200: CalendarOut, **errors(401, 422)})
def calendar(request: HttpRequest, query: Query[CalendarQuery]) -> dict[str, Any]:
    """The month's changes by window, each with the changes it collides with: one module
    of one institution in overlapping windows."""
    refuse_unknown_query(request, CalendarQuery.model_fields)
    user = actor(request)
    month = timezone.localdate()
    if query.month:
        year, number = query.month.split("-")
        month = date(int(year), int(number), 1)
    found = selectors.change_calendar(
        user,
        month=month,
        institution_id=query.institution_id,
        module=query.module or "",
    )
    user = actor(request)
    entries = [
        calendar_entry(user, change, found.collisions.get(change.pk, []))
        for change in found.changes
    ]
    return {
        "month": found.month.strftime("%Y-%m"),
        "starts": found.starts,
        "ends": found.ends,
        "changes": entries,
    }


@router.get("/change-approvals", response={200: list[PendingApprovalOut], **errors(401)})
def pending_approvals(request: HttpRequest) -> list[ChangeApproval]:
    """The approvals waiting for you to decide."""
    return list(selectors.pending_change_approvals(actor(request)))


@router.get(
    "/changes/{change_id}", response={200: ChangeDetailOut, **errors(401, 422, not_found=NO_CHANGE)}
)
def get_change(request: HttpRequest, change_id: DbId) -> ChangeRequest:
    """The change with its approvals, evidence, tickets, history and collisions."""
    return _change(request, change_id)


@router.patch(
    "/changes/{change_id}",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found=NO_CHANGE,
            forbidden="Only support staff change a change request.",
            conflict=NOT_DRAFT,
        ),
    },
)
def update_change(request: HttpRequest, change_id: DbId, payload: ChangeFieldsIn) -> ChangeRequest:
    """Change the fields given of a draft; the others keep their value."""
    user = actor(request)
    change = _change(request, change_id)
    details = _details(user, payload, ChangeDetails.of(change))
    with _as_fields():
        records.update_change(change=change, actor=user, details=details)
    return _change(request, change_id)


@router.post(
    "/changes/{change_id}/submit",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found=NO_CHANGE,
            forbidden="Only support staff submit change requests.",
            conflict=NOT_DRAFT,
        ),
    },
)
def submit_change(request: HttpRequest, change_id: DbId) -> ChangeRequest:
    """Ask the approvers: each affected module's owner, and a support manager for a
    high-risk change (422 names what the change still needs: plan, window, modules)."""
    with _as_fields():
        records.submit_change(change=_change(request, change_id), actor=actor(request))
    return _change(request, change_id)


@router.post(
    "/changes/{change_id}/approvals",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found=NO_CHANGE,
            forbidden="You are not one of its approvers, or you asked for the change.",
            conflict="The change is not awaiting approval.",
        ),
    },
)
def decide(request: HttpRequest, change_id: DbId, payload: DecisionIn) -> ChangeRequest:
    """Approve or reject (with a comment) every approval of the change waiting for you."""
    approvals.decide_change(
        change=_change(request, change_id),
        actor=actor(request),
        decision=payload.decision,
        comment=payload.comment,
    )
    return _change(request, change_id)


@router.post(
    "/changes/{change_id}/evidence",
    response={
        201: EvidenceOut,
        **errors(
            401,
            422,
            not_found=NO_CHANGE,
            forbidden="Only support staff record test evidence.",
            conflict="The change is not approved.",
        ),
    },
)
def record_evidence(
    request: HttpRequest,
    change_id: DbId,
    note: Form[Text],
    files: File[list[UploadedFile] | None] = None,
) -> Status[ChangeEvidence]:
    """The test evidence (multipart: ``note`` and any ``files``), once approved."""
    # Several files share the one field name, so only unknown fields are refused here.
    unknown = sorted((set(request.POST) | set(request.FILES)) - set(EVIDENCE_FIELDS))
    if unknown:
        raise ValidationFailed({name: UNKNOWN_FIELD for name in unknown})
    change = _change(request, change_id)
    given = [(upload.name or "evidence", upload) for upload in files or []]
    evidence = testing.record_evidence(change=change, actor=actor(request), note=note, files=given)
    return Status(201, selectors.change_evidence(actor(request), change).get(pk=evidence.pk))


@router.get(
    "/changes/evidence-files/{file_id}/content",
    response={200: None, **errors(401, 422, not_found=selectors.NO_FILE)},
)
def download_evidence(request: HttpRequest, file_id: DbId) -> FileResponse:
    """An evidence file, as a download with its sniffed type."""
    found = selectors.get_visible_evidence_file(actor(request), file_id)
    response = FileResponse(
        attachment_path(found.storage_name).open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.post(
    "/changes/{change_id}/implementation",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found=NO_CHANGE,
            forbidden="Support staff record it, never a requester of its tickets.",
            conflict="The change has no test evidence yet, or is past implementation.",
        ),
    },
)
def record_implementation(
    request: HttpRequest, change_id: DbId, payload: ImplementationIn
) -> ChangeRequest:
    """Who implemented it, now, and whether it succeeded or was rolled back."""
    testing.record_implementation(
        change=_change(request, change_id),
        actor=actor(request),
        outcome=payload.outcome,
        note=payload.note,
    )
    return _change(request, change_id)


@router.post(
    "/changes/{change_id}/cancel",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found=NO_CHANGE,
            forbidden="Only support staff cancel change requests.",
            conflict="The change is decided for good (implemented, rolled back, rejected).",
        ),
    },
)
def cancel_change(request: HttpRequest, change_id: DbId, payload: CancelIn) -> ChangeRequest:
    records.cancel_change(
        change=_change(request, change_id), actor=actor(request), reason=payload.reason
    )
    return _change(request, change_id)


@router.put(
    "/changes/{change_id}/release",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found=NO_CHANGE,
            forbidden="Only support staff plan changes for releases.",
            conflict="The release (or the change's release) has shipped, or the change is "
            "not implemented.",
        ),
    },
)
def plan_release(request: HttpRequest, change_id: DbId, payload: ChangeReleaseIn) -> ChangeRequest:
    """Plan the implemented change for a release not shipped yet (it then appears in its
    notes), or take it off, whatever its status."""
    release = None
    if payload.release_id is not None:
        release = Release.objects.filter(pk=payload.release_id).first()
        if release is None:
            raise ValidationFailed({"release_id": "no such release"})
    plan_change_release(change=_change(request, change_id), actor=actor(request), release=release)
    return _change(request, change_id)


@router.post(
    "/changes/{change_id}/tickets",
    response={
        200: ChangeDetailOut,
        **errors(401, 422, not_found=NO_CHANGE, forbidden=LINKS_ONLY_STAFF, conflict=LINKS_CLOSED),
    },
)
def link_ticket(request: HttpRequest, change_id: DbId, payload: ChangeTicketIn) -> ChangeRequest:
    """Link a ticket to the change at any step before it is rejected or cancelled; 422
    (naming `ticket`) when it is unknown, unseen or of an institution the change does not
    concern. Its timeline says so."""
    user, change = _to_link(request, change_id)
    [ticket] = named_tickets(user, "ticket", [payload.ticket])
    linking.link_ticket(change=change, ticket=ticket, actor=user)
    return _change(request, change_id)


@router.delete(
    "/changes/{change_id}/tickets/{ticket_ref}",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found="No such change request or ticket, or you may not see it.",
            forbidden=LINKS_ONLY_STAFF,
            conflict=LINKS_CLOSED,
        ),
    },
)
def unlink_ticket(request: HttpRequest, change_id: DbId, ticket_ref: str) -> ChangeRequest:
    """Take a ticket off the change; its timeline keeps what it said and adds this."""
    user, change = _to_link(request, change_id)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    linking.unlink_ticket(change=change, ticket=ticket, actor=user)
    return _change(request, change_id)


@router.post(
    "/changes/{change_id}/problems",
    response={
        200: ChangeDetailOut,
        **errors(401, 422, not_found=NO_CHANGE, forbidden=LINKS_ONLY_STAFF, conflict=LINKS_CLOSED),
    },
)
def link_problem(request: HttpRequest, change_id: DbId, payload: ChangeProblemIn) -> ChangeRequest:
    """Name a problem the change fixes; 422 (naming `problem_id`) when it is unknown or
    concerns no institution the change concerns."""
    user, change = _to_link(request, change_id)
    problem = visible_problems(user).filter(pk=payload.problem_id).first()
    if problem is None:
        raise ValidationFailed({"problem_id": "no such problem"})
    with _as_fields():
        linking.link_problem(change=change, problem=problem, actor=user)
    return _change(request, change_id)


@router.delete(
    "/changes/{change_id}/problems/{problem_id}",
    response={
        200: ChangeDetailOut,
        **errors(
            401,
            422,
            not_found=f"{NO_CHANGE} {NO_PROBLEM}",
            forbidden=LINKS_ONLY_STAFF,
            conflict=LINKS_CLOSED,
        ),
    },
)
def unlink_problem(request: HttpRequest, change_id: DbId, problem_id: DbId) -> ChangeRequest:
    """Take a problem off the change."""
    user, change = _to_link(request, change_id)
    problem = get_visible_problem(user, problem_id)
    linking.unlink_problem(change=change, problem=problem, actor=user)
    return _change(request, change_id)
