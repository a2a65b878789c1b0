"""A ticket's files: adding those sent with a form (kept across a failed submit), and
serving them after the same access check as the ticket itself."""

from collections.abc import Iterable
from typing import IO, cast

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest

from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.tickets.models import PendingUpload, Ticket
from hypercare.tickets.selectors import get_attachment_file, pending_uploads
from hypercare.tickets.services.attachments import add_attachment, attachment_path, keep_upload
from hypercare.web.guards import signed_in_user


def attach_files(
    ticket: Ticket, actor: User, uploads: Iterable[UploadedFile], *, is_internal: bool = False
) -> list[str]:
    """Add each file on its own; return what was wrong with the ones refused."""
    problems = []
    for upload in uploads:
        try:
            add_attachment(
                ticket=ticket,
                actor=actor,
                name=upload.name or "attachment",
                content=cast(IO[bytes], upload),
                is_internal=is_internal,
            )
        except ValidationFailed as exc:
            problems.append(f"{upload.name}: {exc.errors.get('file', exc.message)}")
    return problems


def kept_uploads(
    request: HttpRequest, user: User, field: str
) -> tuple[list[PendingUpload], list[str]]:
    """The files a form sends: those kept from an earlier try that are still ticked, then
    the ones chosen now, each kept at once; and what was wrong with the ones refused.

    Kept files survive the form failing for any other reason: it names them again.
    """
    if request.session.session_key is None:
        request.session.save()
    session_key = request.session.session_key or ""
    ids = [int(pk) for pk in request.POST.getlist(f"{field}-kept") if pk.isdigit()]
    kept = list(pending_uploads(user, session_key=session_key, ids=ids))
    problems = []
    for upload in request.FILES.getlist(field):
        try:
            kept.append(
                keep_upload(
                    actor=user,
                    session_key=session_key,
                    name=upload.name or "attachment",
                    content=cast(IO[bytes], upload),
                )
            )
        except ValidationFailed as exc:
            problems.append(f"{upload.name}: {exc.errors.get('file', exc.message)}")
    return kept, problems


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Images show inline (for previews); anything else downloads.

    The answer may not run anything: a sandboxing policy and nosniff keep an uploaded file
    from acting as a page of the desk, and it is cached only privately.
    """
    found = get_attachment_file(signed_in_user(request), pk)
    path = attachment_path(found.storage_name)
    if not path.is_file():
        raise NotFound("This file is no longer stored.")
    inline = found.is_image and "download" not in request.GET
    response = FileResponse(
        path.open("rb"),
        as_attachment=not inline,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
