"""Small helpers shared by the portal and the workspace views."""

from collections.abc import Iterable
from typing import IO, cast

from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.attachments import add_attachment

PAGE_SIZE = 25


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


def page_of(request: HttpRequest, items: QuerySet[Ticket]) -> Page[Ticket]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def safe_next(request: HttpRequest, value: str | None) -> str | None:
    """A local URL to go back to, or None: never an open redirect to another site."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
