"""Serving a ticket's files, after the same access check as the ticket itself."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest

from hypercare.errors import NotFound
from hypercare.tickets.selectors import get_visible_attachment
from hypercare.tickets.services.attachments import attachment_path
from hypercare.web.guards import signed_in_user


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Images show inline (for previews); anything else downloads.

    The answer may not run anything: a sandboxing policy and nosniff keep an uploaded file
    from acting as a page of the desk, and it is cached only privately.
    """
    found = get_visible_attachment(signed_in_user(request), pk)
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
