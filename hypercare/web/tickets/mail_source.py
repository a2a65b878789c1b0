"""The raw source of a message received by email, linked from the desk's timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from hypercare.mail.api import raw_download
from hypercare.mail.selectors import raw_file_name, raw_message
from hypercare.web.guards import signed_in_user


@login_required
def raw_source(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as it arrived, as a download: never rendered by the browser
    (a hostile message's HTML must not run as a page of the desk)."""
    message = raw_message(signed_in_user(request), pk)
    return raw_download(bytes(message.raw), raw_file_name(message))
