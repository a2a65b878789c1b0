"""Pieces every app's API router shares: the acting user, paging, allow-listed queries."""

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import AuthenticationError
from pydantic import Field

from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed

ItemT = TypeVar("ItemT")
# Any id a client sends fits the database's 64-bit integer, so lookups never overflow.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]
MAX_PAGE_SIZE = 100


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(Schema, Generic[ItemT]):
    count: int
    page: int
    page_size: int
    results: list[ItemT]


def actor(request: HttpRequest) -> User:
    """The authenticated user, whichever way (token or session) they signed in."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


PageReader = Callable[["QuerySet[Any]", int, int], Iterable[Any]]


def _slice(items: "QuerySet[Any]", start: int, stop: int) -> Iterable[Any]:
    return items[start:stop]


def paginate(
    items: "QuerySet[Any]", paging: PageQuery, read_page: PageReader = _slice
) -> dict[str, Any]:
    """One page of ``items`` and how many there are in all.

    ``read_page`` reads rows ``start:stop``; a selector may offer a cheaper way to read a
    page of its own lists than slicing (``tickets.selectors.ticket_page``).
    """
    start = (paging.page - 1) * paging.page_size
    return {
        "count": items.count(),
        "page": paging.page,
        "page_size": paging.page_size,
        "results": list(read_page(items, start, start + paging.page_size)),
    }


def refuse_unknown_query(request: HttpRequest, allowed: Iterable[str]) -> None:
    """Unknown query parameters are refused rather than silently ignored."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ValidationFailed({name: "is not a known query parameter" for name in unknown})
