"""Adding files to a ticket."""

import hashlib
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.files import RefusedFile, sniff
from hypercare.lib.text import line_problem
from hypercare.lib.validation import FieldErrors
from hypercare.tickets import events
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Attachment, Ticket
from hypercare.tickets.services.common import lock, require

CHUNK = 1 << 16
SNIFF_BYTES = 8192


def attachment_path(storage_name: str) -> Path:
    return Path(settings.HYPERCARE_ATTACHMENT_DIR) / storage_name[:2] / storage_name


def add_attachment(
    *, ticket: Ticket, actor: User, name: str, content: IO[bytes], is_internal: bool = False
) -> Attachment:
    """Store a file on the ticket after checking its real type and the size limits.

    The bytes go to disk first under a random name; if the database write fails the file
    is removed again, so no row ever points at a missing file and no orphan stays behind.
    """
    if is_internal:
        require(access.can_add_internal_note(actor), "Only support staff can add internal files.")
    else:
        require(access.can_reply(actor, ticket), "You may not add files to this ticket.")
    clean_name = Path(name).name.strip()[:255] or "attachment"
    errors = FieldErrors()
    if line_problem(clean_name):
        # The name goes into a download's Content-Disposition header and onto disk listings.
        errors.add("file", "its name must be one line, without control characters")
    errors.check()
    head = content.read(SNIFF_BYTES)
    content.seek(0)
    try:
        file_type = sniff(head, clean_name, content)
    except RefusedFile as exc:
        raise ValidationFailed({"file": str(exc)}) from None
    storage_name = uuid.uuid4().hex
    path = attachment_path(storage_name)
    size, digest = _write(content, path)
    try:
        with transaction.atomic(durable=True):
            ticket = lock(ticket)
            if ticket.status == Status.CLOSED:
                raise InvalidTransition("This ticket is closed; please open a new ticket.")
            _check_ticket_total(ticket, size)
            at = clock.now()
            event = events.record_attachment_added(
                ticket, actor, at, clean_name, is_internal=is_internal
            )
            attachment = Attachment.objects.create(
                ticket=ticket,
                event=event,
                uploaded_by=actor,
                original_name=clean_name,
                content_type=file_type.content_type,
                size=size,
                sha256=digest,
                storage_name=storage_name,
                is_internal=is_internal,
                created_at=at,
            )
            ticket.updated_at = at
            ticket.save(update_fields=["updated_at"])
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment


def _write(content: IO[bytes], path: Path) -> tuple[int, str]:
    limit = settings.HYPERCARE_MAX_ATTACHMENT_BYTES
    digest = hashlib.sha256()
    size = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as out:
        while chunk := content.read(CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink()
                raise ValidationFailed(
                    {"file": f"is larger than the {limit // 2**20} MB limit per file"}
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        path.unlink()
        raise ValidationFailed({"file": "is empty"})
    return size, digest.hexdigest()


def _check_ticket_total(ticket: Ticket, size: int) -> None:
    limit = settings.HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES
    used = ticket.attachments.aggregate(total=Sum("size"))["total"] or 0
    if used + size > limit:
        raise ValidationFailed(
            {"file": f"would take this ticket past its {limit // 2**20} MB attachment limit"}
        )
