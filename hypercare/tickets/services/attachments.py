"""Adding files to a ticket, and keeping those sent with a form until it is accepted."""

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db.models import Sum

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.files import RefusedFile, sniff
from hypercare.lib.text import line_problem
from hypercare.lib.transactions import on_rollback, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.tickets import events
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Attachment, PendingUpload, Ticket, TicketEvent
from hypercare.tickets.services.common import lock, require

CHUNK = 1 << 16
SNIFF_BYTES = 8192
PENDING_LIFETIME = timedelta(days=1)


def attachment_path(storage_name: str) -> Path:
    return Path(settings.HYPERCARE_ATTACHMENT_DIR) / storage_name[:2] / storage_name


@dataclass(frozen=True)
class StoredFile:
    """A file whose type and size were checked, on disk under ``storage_name``."""

    name: str
    content_type: str
    size: int
    sha256: str
    storage_name: str


def add_attachment(
    *,
    ticket: Ticket,
    actor: User,
    name: str,
    content: IO[bytes],
    is_internal: bool = False,
    event: TicketEvent | None = None,
) -> Attachment:
    """Store a file on the ticket after checking its real type and the size limits.
    ``event``: the timeline event it came with (a mail's reply), under which it shows;
    without one it gets its own "added" event.

    The bytes go to disk first under a random name; if the database write fails the file
    is removed again — also when a composed use case around this one rolls back later —
    so no row ever points at a missing file and no orphan stays behind.
    """
    if is_internal:
        require(access.can_add_internal_note(actor), "Only support staff can add internal files.")
    else:
        require(access.can_reply(actor, ticket), "You may not add files to this ticket.")
    stored = store_file(name, content)
    try:
        with use_case():
            ticket = lock(ticket)
            if ticket.status == Status.CLOSED:
                raise InvalidTransition("This ticket is closed; please open a new ticket.")
            at = clock.now()
            attachment = _attach(ticket, actor, stored, at, is_internal=is_internal, event=event)
            ticket.updated_at = at
            ticket.save(update_fields=["updated_at"])
    except BaseException:
        attachment_path(stored.storage_name).unlink(missing_ok=True)
        raise
    on_rollback(partial(attachment_path(stored.storage_name).unlink, missing_ok=True))
    return attachment


def keep_upload(*, actor: User, session_key: str, name: str, content: IO[bytes]) -> PendingUpload:
    """Check and store a file sent with a form, before the form itself is accepted.

    The same rules as for an attachment apply at once (real type, size per file), so a
    refused file is known before anything is created; the ticket's total is checked when
    the upload joins a ticket.
    """
    require(actor.is_active and bool(session_key), "You may not upload files.")
    stored = store_file(name, content)
    try:
        with use_case():
            return PendingUpload.objects.create(
                owner=actor,
                session_key=session_key,
                original_name=stored.name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_name=stored.storage_name,
                created_at=clock.now(),
            )
    except BaseException:
        attachment_path(stored.storage_name).unlink(missing_ok=True)
        raise


def attach_uploads(
    ticket: Ticket,
    actor: User,
    uploads: Iterable[PendingUpload],
    at: datetime,
    *,
    event: TicketEvent | None = None,
) -> list[Attachment]:
    """Turn the actor's pending uploads into public attachments of ``ticket``.

    Runs inside the caller's transaction (opening a ticket, a reply), so the files join
    the ticket exactly when the rest does; they belong to that ``event`` on the timeline,
    else each gets its own. An upload the clean-up job removed meanwhile is refused
    rather than attached without its file.
    """
    attached = []
    for upload in uploads:
        require(upload.owner_id == actor.pk, "You may not use another person's upload.")
        if PendingUpload.objects.filter(pk=upload.pk).delete()[0] == 0:
            raise ValidationFailed(
                {"file": f"{upload.original_name} was removed after a day; add it again"}
            )
        stored = StoredFile(
            upload.original_name,
            upload.content_type,
            upload.size,
            upload.sha256,
            upload.storage_name,
        )
        attached.append(_attach(ticket, actor, stored, at, is_internal=False, event=event))
    return attached


def add_uploads(*, ticket: Ticket, actor: User, uploads: Sequence[PendingUpload]) -> Ticket:
    """Add the actor's pending uploads to a ticket, all in one transaction."""
    require(access.can_reply(actor, ticket), "You may not add files to this ticket.")
    with use_case():
        ticket = lock(ticket)
        if ticket.status == Status.CLOSED:
            raise InvalidTransition("This ticket is closed; please open a new ticket.")
        at = clock.now()
        attach_uploads(ticket, actor, uploads, at)
        ticket.updated_at = at
        ticket.save(update_fields=["updated_at"])
    return ticket


def remove_expired_uploads() -> dict[str, int]:
    """Delete pending uploads older than a day, row and file; safe in several workers.

    Each row is claimed by its own delete: only the worker whose delete removed it
    unlinks the file, and a form that attached it first leaves nothing to remove.
    """
    cutoff = clock.now() - PENDING_LIFETIME
    removed = 0
    expired = PendingUpload.objects.filter(created_at__lt=cutoff)
    for pk, storage_name in expired.values_list("pk", "storage_name"):
        if PendingUpload.objects.filter(pk=pk).delete()[0]:
            attachment_path(storage_name).unlink(missing_ok=True)
            removed += 1
    return {"removed": removed}


def store_file(name: str, content: IO[bytes]) -> StoredFile:
    """Check a file's name, real type and size and write it to private storage; the
    caller records it (a ticket's attachment, a change's test evidence) and removes the
    file again if that fails."""
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
    size, digest = _write(content, attachment_path(storage_name))
    return StoredFile(clean_name, file_type.content_type, size, digest, storage_name)


def _attach(
    ticket: Ticket,
    actor: User,
    stored: StoredFile,
    at: datetime,
    *,
    is_internal: bool,
    event: TicketEvent | None = None,
) -> Attachment:
    _check_ticket_total(ticket, stored.size)
    if event is None:
        event = events.record_attachment_added(
            ticket, actor, at, stored.name, is_internal=is_internal
        )
    return Attachment.objects.create(
        ticket=ticket,
        event=event,
        uploaded_by=actor,
        original_name=stored.name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        is_internal=is_internal,
        created_at=at,
    )


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
