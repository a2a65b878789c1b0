"""Pieces every app's API router shares: the acting user, paging, allow-listed queries."""

from collections.abc import Iterable
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


def paginate(items: "QuerySet[Any]", paging: PageQuery) -> dict[str, Any]:
    """One page of ``items`` and how many there are in all.

    The page's keys are picked by a subquery on the listed table alone, and only those
    rows are read with their related rows. Slicing the joined query instead makes the
    database carry every joined column of every matching row through the sort: a team
    queue of 3 400 open tickets cost about twice as much that way (``bench/``).
    """
    start = (paging.page - 1) * paging.page_size
    page_keys = items.values("pk")[start : start + paging.page_size]
    return {
        "count": items.count(),
        "page": paging.page,
        "page_size": paging.page_size,
        "results": list(items.filter(pk__in=page_keys)),
    }


def refuse_unknown_query(request: HttpRequest, allowed: Iterable[str]) -> None:
    """Unknown query parameters are refused rather than silently ignored."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ValidationFailed({name: "is not a known query parameter" for name in unknown})
