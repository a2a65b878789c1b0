"""The raw source of a message received by email, linked from the desk's timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from hypercare.mail.selectors import raw_message
from hypercare.web.guards import signed_in_user


@login_required
def raw_source(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as it arrived, as a download: never rendered by the browser
    (a hostile message's HTML must not run as a page of the desk)."""
    message = raw_message(signed_in_user(request), pk)
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
