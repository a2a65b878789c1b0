"""The mail quarantine's endpoints: adapters over its selectors and services.

Only support managers and system admins see quarantined mail; for anyone else every one
of these paths answers 404, as if no message existed.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from hypercare.accounts.models import User
from hypercare.api.common import (
    DbId,
    Page,
    actor,
    errors,
    paginate,
    refuse_unknown_query,
)
from hypercare.errors import ValidationFailed
from hypercare.mail import quarantine, selectors
from hypercare.mail.schemas import (
    AttachIn,
    DiscardIn,
    OpenTicketIn,
    QuarantinedMessageDetailOut,
    QuarantinedMessageOut,
    QuarantineQuery,
)
from hypercare.orgs.models import Institution

router = Router(tags=["mail"])
NO_MESSAGE = "No such message, or you may not see the quarantine."
NOT_A_MANAGER = "You may not see the quarantine (support managers and system admins only)."
HANDLED = "The message is no longer in the quarantine: someone has already handled it."
HANDLED_OR_UNREADABLE = f"{HANDLED} Or it cannot be read, so its text cannot go onto a ticket."


@router.get(
    "/mail/quarantine",
    response={200: Page[QuarantinedMessageOut], **errors(401, 422, not_found=NOT_A_MANAGER)},
)
def list_quarantine(request: HttpRequest, query: Query[QuarantineQuery]) -> dict[str, object]:
    """The messages that were not turned into work, newest first (support managers)."""
    refuse_unknown_query(request, QuarantineQuery.model_fields)
    filters = selectors.QuarantineFilters(reason=query.reason.strip(), mailbox=query.mailbox)
    return paginate(selectors.quarantine(actor(request), filters), query)


@router.get(
    "/mail/messages/{message_id}",
    response={200: QuarantinedMessageDetailOut, **errors(401, 422, not_found=NO_MESSAGE)},
)
def get_message(request: HttpRequest, message_id: DbId) -> dict[str, Any]:
    """One received message as read, its attachments, and what people did with it."""
    return _detail(request, message_id)


@router.get(
    "/mail/messages/{message_id}/raw",
    response={200: None, **errors(401, 422, not_found=NO_MESSAGE)},
)
def download_raw(request: HttpRequest, message_id: DbId) -> HttpResponse:
    """The message exactly as it arrived (``message/rfc822``), as a download."""
    message = selectors.get_visible_message(actor(request), message_id)
    return raw_download(bytes(message.raw), selectors.raw_file_name(message))


def raw_download(raw: bytes, file_name: str) -> HttpResponse:
    """A raw message as a file to save, never shown in the browser."""
    response = HttpResponse(raw, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/mail/messages/{message_id}/discard",
    response={
        200: QuarantinedMessageDetailOut,
        **errors(401, 422, not_found=NO_MESSAGE, conflict=HANDLED),
    },
)
def discard(request: HttpRequest, message_id: DbId, payload: DiscardIn) -> dict[str, Any]:
    """Discard the message, saying why: it is kept but no longer listed."""
    user = actor(request)
    message = selectors.get_visible_message(user, message_id)
    quarantine.discard_message(message=message, actor=user, reason=payload.reason)
    return _detail(request, message_id)


@router.post(
    "/mail/messages/{message_id}/retry",
    response={
        200: QuarantinedMessageDetailOut,
        **errors(401, 422, not_found=NO_MESSAGE, conflict=HANDLED),
    },
)
def retry(request: HttpRequest, message_id: DbId) -> dict[str, Any]:
    """Process the message again, as if it had just come in; it may come back to the
    quarantine with this run's reason."""
    user = actor(request)
    message = selectors.get_visible_message(user, message_id)
    quarantine.retry_message(message=message, actor=user)
    return _detail(request, message_id)


@router.post(
    "/mail/messages/{message_id}/attach",
    response={
        200: QuarantinedMessageDetailOut,
        **errors(401, 422, not_found=NO_MESSAGE, conflict=HANDLED_OR_UNREADABLE),
    },
)
def attach(request: HttpRequest, message_id: DbId, payload: AttachIn) -> dict[str, Any]:
    """Add the message to a ticket: the sender's reply when they may write to it by mail,
    else an internal note naming them."""
    user = actor(request)
    message = selectors.get_visible_message(user, message_id)
    ticket = selectors.named_ticket(user, payload.ticket)
    quarantine.attach_message(message=message, actor=user, ticket=ticket)
    return _detail(request, message_id)


@router.post(
    "/mail/messages/{message_id}/open-ticket",
    response={
        200: QuarantinedMessageDetailOut,
        **errors(401, 422, not_found=NO_MESSAGE, conflict=HANDLED_OR_UNREADABLE),
    },
)
def open_ticket(request: HttpRequest, message_id: DbId, payload: OpenTicketIn) -> dict[str, Any]:
    """Open a ticket from the message for a person of the institution chosen."""
    user = actor(request)
    message = selectors.get_visible_message(user, message_id)
    institution = Institution.objects.filter(pk=payload.institution_id).first()
    if institution is None:
        raise ValidationFailed({"institution_id": "no such institution"})
    requester = User.objects.filter(pk=payload.requester_id).first()
    if requester is None:
        raise ValidationFailed({"requester_id": "no such person"})
    quarantine.open_ticket_from_message(
        message=message, actor=user, institution=institution, requester=requester
    )
    return _detail(request, message_id)


def _detail(request: HttpRequest, message_id: int) -> dict[str, Any]:
    detail = selectors.message_detail(actor(request), message_id)
    message, parsed = detail.message, detail.reading.parsed
    return {
        "id": message.pk,
        "status": message.status,
        "received_at": message.received_at,
        "mailbox": message.mailbox,
        "sender": message.sender,
        "subject": message.subject,
        "reason": message.reason,
        "size": message.size,
        "message_id": message.message_id,
        "ticket_reference": message.ticket.reference if message.ticket else None,
        "text": parsed.text if parsed else "",
        "problem": detail.reading.problem,
        "attachments": [
            {
                "filename": part.filename,
                "content_type": part.content_type,
                "size": len(part.data),
                "inline": part.inline,
            }
            for part in (parsed.attachments if parsed else ())
        ],
        "actions": [
            {
                "step": action.step,
                "actor": action.actor,
                "at": action.at,
                "ticket_reference": action.ticket.reference if action.ticket else None,
                "note": action.note,
            }
            for action in detail.actions
        ],
    }
