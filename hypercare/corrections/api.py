"""Data-correction endpoints under a ticket: the record, the sign-off and the outcome.

Whoever sees the ticket reads its correction (its requester side, support staff, and
the data owner it names); support staff write it, ask for sign-off and apply it, the
data owner decides, the requester verifies.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hypercare.api.common import actor, errors
from hypercare.corrections import selectors, services
from hypercare.corrections.content import CorrectionContent, FieldChange
from hypercare.corrections.models import CorrectionRecord
from hypercare.corrections.schemas import CorrectionIn, CorrectionOut, DecisionIn, VerificationIn
from hypercare.errors import NotFound, ValidationFailed
from hypercare.tickets.models import Attachment, Ticket
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["data corrections"])
NO_TICKET = "No such ticket, or you may not see it."
NO_RECORD = "No such ticket or you may not see it, or it has no correction record yet."
CLOSED = (
    "The ticket is closed, or it is not a data correction (any more: recategorised after "
    "its record was written, it keeps the record but takes no more of its steps)."
)


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return get_visible_ticket_by_ref(actor(request), ticket_ref)


def _answer(ticket: Ticket) -> dict[str, Any]:
    record = selectors.correction_of(ticket)
    if record is None:
        raise NotFound(NO_RECORD)
    return correction_out(ticket, record)


def correction_out(ticket: Ticket, record: CorrectionRecord) -> dict[str, Any]:
    return {
        "ticket": ticket.reference,
        "version": record.version,
        "records": record.records,
        "extract": record.extract,
        "changes": record.changes,
        "reason": record.reason,
        "reversal_plan": record.reversal_plan,
        "content_hash": record.content_hash,
        "written_by": record.written_by,
        "written_at": record.written_at,
        "data_owner": selectors.data_owner_of(ticket),
        "sign_off_requested_at": record.sign_off_requested_at,
        "signed_off": selectors.standing_sign_off(record) is not None,
        "sign_offs": list(selectors.sign_offs(record)),
        "applied_by": record.applied_by,
        "applied_at": record.applied_at,
        "verified_by": record.verified_by,
        "verified_at": record.verified_at,
    }


@router.get(
    "/tickets/{ticket_ref}/correction",
    response={200: CorrectionOut, **errors(401, not_found=NO_RECORD)},
)
def get_correction(request: HttpRequest, ticket_ref: str) -> dict[str, Any]:
    """The correction record as it stands, with every sign-off given or refused."""
    return _answer(_ticket(request, ticket_ref))


@router.put(
    "/tickets/{ticket_ref}/correction",
    response={
        200: CorrectionOut,
        **errors(
            401,
            422,
            forbidden="Only support staff write a correction record.",
            not_found=NO_TICKET,
            conflict=f"{CLOSED} Or the correction is applied already.",
        ),
    },
)
def put_correction(request: HttpRequest, ticket_ref: str, payload: CorrectionIn) -> dict[str, Any]:
    """Write the whole record as a new version. After a sign-off, a changed record voids
    it and the data owner is asked again."""
    ticket = _ticket(request, ticket_ref)
    content = CorrectionContent(
        records=tuple(payload.records),
        changes=tuple(FieldChange(**change.model_dump()) for change in payload.changes),
        reason=payload.reason,
        reversal_plan=payload.reversal_plan,
        extract=_extract(ticket, payload.extract_id),
    )
    services.write_correction_record(ticket=ticket, actor=actor(request), content=content)
    return _answer(ticket)


def _extract(ticket: Ticket, extract_id: int | None) -> Attachment | None:
    if extract_id is None:
        return None
    extract = Attachment.objects.filter(pk=extract_id, ticket=ticket, is_internal=False).first()
    if extract is None:
        raise ValidationFailed({"extract_id": "no such public file on this ticket"})
    return extract


@router.post(
    "/tickets/{ticket_ref}/correction/sign-off-request",
    response={
        200: CorrectionOut,
        **errors(
            401,
            forbidden="Only support staff ask for sign-off.",
            not_found=NO_TICKET,
            conflict=f"{CLOSED} Or there is no record yet, it is signed off already, or the "
            "data owner named may not sign it off (no longer one, or the requester).",
        ),
    },
)
def request_sign_off(request: HttpRequest, ticket_ref: str) -> dict[str, Any]:
    """Ask the data owner named at intake to sign off; they are notified with a link."""
    ticket = _ticket(request, ticket_ref)
    services.request_sign_off(ticket=ticket, actor=actor(request))
    return _answer(ticket)


@router.post(
    "/tickets/{ticket_ref}/correction/decision",
    response={
        200: CorrectionOut,
        **errors(
            401,
            422,
            forbidden="Only the data owner named on the ticket decides, and never on "
            "their own request.",
            not_found=NO_TICKET,
            conflict=f"{CLOSED} Or sign-off has not been asked for.",
        ),
    },
)
def decide(request: HttpRequest, ticket_ref: str, payload: DecisionIn) -> dict[str, Any]:
    """Sign off the record as it stands, or refuse it with a comment (required then).
    Recorded with the record's hash and what it said."""
    ticket = _ticket(request, ticket_ref)
    services.decide_sign_off(
        ticket=ticket,
        actor=actor(request),
        decision=payload.decision,
        comment=payload.comment,
    )
    return _answer(ticket)


@router.post(
    "/tickets/{ticket_ref}/correction/applied",
    response={
        200: CorrectionOut,
        **errors(
            401,
            forbidden="Only support staff record a correction applied.",
            not_found=NO_TICKET,
            conflict=f"{CLOSED} Or the record as it stands is not signed off, or it is "
            "applied already.",
        ),
    },
)
def applied(request: HttpRequest, ticket_ref: str) -> dict[str, Any]:
    """Record the correction made in the ERP: never before the data owner's sign-off."""
    ticket = _ticket(request, ticket_ref)
    services.record_applied(ticket=ticket, actor=actor(request))
    return _answer(ticket)


@router.post(
    "/tickets/{ticket_ref}/correction/verified",
    response={
        200: CorrectionOut,
        **errors(
            401,
            422,
            forbidden="Only the requester verifies the correction.",
            not_found=NO_TICKET,
            conflict=f"{CLOSED} Or it is not applied yet, or verified already.",
        ),
    },
)
def verified(request: HttpRequest, ticket_ref: str, payload: VerificationIn) -> dict[str, Any]:
    """The requester says it is right, or not (with a comment): then it goes back to
    the support team, not applied, and a resolved ticket reopens."""
    ticket = _ticket(request, ticket_ref)
    services.verify_correction(
        ticket=ticket, actor=actor(request), outcome=payload.outcome, comment=payload.comment
    )
    return _answer(ticket)
