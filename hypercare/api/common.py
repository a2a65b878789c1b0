"""Pieces every app's API router shares: the acting user, paging, allow-listed queries,
and the error answers each operation declares."""

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Generic, Literal, TypeVar

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
# What an input field the operation does not take is told, in a JSON body or a form.
UNKNOWN_FIELD = "is not a field you can set here"

ErrorCode = Literal[
    "unauthorized", "forbidden", "not_found", "conflict", "validation_failed", "error"
]


class FieldErrorOut(Schema):
    field: str = Field(
        description="The field, dotted into nested objects (`category_details.since`); "
        "`body` for the request as a whole."
    )
    message: str


class ErrorOut(Schema):
    """Every error answer: what went wrong and, for invalid input, what is wrong with
    each field (all of them at once)."""

    code: ErrorCode
    message: str
    errors: list[FieldErrorOut]


# When each error answer happens, unless an operation says more precisely.
ERROR_WHEN = {
    401: "No valid API token and no signed-in session.",
    403: "You may see the record but may not do this to it.",
    404: "The record the path names does not exist, or you may not see it.",
    409: "The record's current state does not allow this step.",
    422: "The input is invalid: `errors` names each field and what is wrong with it.",
}
ERROR_NAMES = {"forbidden": 403, "not_found": 404, "conflict": 409}
# A signed-in browser session must send its CSRF token with every write (``site.py``).
WRITE_METHODS = {"post", "put", "patch", "delete"}
CSRF_REFUSED = "A signed-in session sent no CSRF token (`X-CSRFToken` header)."
CSRF_REFUSED_TOO = "Also when a signed-in session sends no CSRF token (`X-CSRFToken` header)."
JSON = "application/json"


def errors(*codes: int, **when: str) -> dict[int, Any]:
    """The error answers of an operation, for its ``response``: each code with its
    description, the general one from ``ERROR_WHEN`` or the operation's own, given by
    name (``forbidden``, ``not_found``, ``conflict``)::

        response={200: TicketOut, **errors(401, 422, not_found=NO_TICKET)}

    The description rides on the answer's schema; ``describe_errors`` moves it to the
    answer in the OpenAPI document, and declares the 403 of a session without its CSRF
    token on every write, so an operation names only its own reasons for 403.
    """
    described = {code: ERROR_WHEN[code] for code in codes}
    described.update({ERROR_NAMES[name]: text for name, text in when.items()})
    return {
        code: Annotated[ErrorOut, Field(description=described[code])] for code in sorted(described)
    }


def describe_errors(document: dict[str, Any]) -> None:
    """Give each error answer of ``document`` the description ``errors`` gave it, and
    every write the 403 a signed-in session gets without its CSRF token."""
    for operations in document["paths"].values():
        for method, operation in operations.items():
            answers = operation["responses"]
            for status, answer in answers.items():
                if int(status) >= 400:
                    schema = answer["content"][JSON]["schema"]
                    answer["description"] = schema.pop("description", answer["description"])
            if method in WRITE_METHODS:
                _declare_csrf_refusal(answers)
                operation["responses"] = dict(sorted(answers.items()))


def _declare_csrf_refusal(answers: dict[int, Any]) -> None:
    if 403 in answers:
        answers[403]["description"] += f" {CSRF_REFUSED_TOO}"
    else:
        error = {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
        answers[403] = {"description": CSRF_REFUSED, "content": {JSON: error}}


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


def refuse_unknown_form(request: HttpRequest, allowed: Iterable[str]) -> None:
    """A multipart request is held to its fields like a JSON body: an unknown field or
    file is refused, and so is a field sent twice, of which only one value would count."""
    sent = Counter({name: len(request.POST.getlist(name)) for name in request.POST})
    sent.update({name: len(request.FILES.getlist(name)) for name in request.FILES})
    known = set(allowed)
    problems = {
        name: UNKNOWN_FIELD if name not in known else "is given more than once"
        for name, count in sorted(sent.items())
        if name not in known or count > 1
    }
    if problems:
        raise ValidationFailed(problems)
