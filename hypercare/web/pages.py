"""Helpers every page uses: a page of a list, and a safe address to go back to."""

from typing import TypeVar
from urllib.parse import urlsplit

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

M = TypeVar("M", bound=Model)
PAGE_SIZE = 25


def page_of(request: HttpRequest, items: QuerySet[M]) -> Page[M]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def safe_next(request: HttpRequest, value: str | None) -> str | None:
    """A local URL to go back to, or None: never an open redirect to another site.

    Whatever cannot be parsed (``http://[``) is no address, and neither is a bare word
    (``0``, ``desk``): ``redirect()`` would look it up as the name of a view and fail.
    """
    if not value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if not parts.netloc and not parts.path.startswith("/"):
        return None
    if url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
