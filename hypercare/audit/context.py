"""Who is acting, and through which door, for the change being recorded.

A configuration row is saved deep inside a service, an admin form or a shell session,
none of which passes the request down. The door sets it once instead: the middleware
for every request (desk pages, the Django admin, the API), ``acting`` for anything that
acts as a named person outside a request. Outside both it is the shell, with no person.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest

from hypercare.accounts.models import User
from hypercare.audit.choices import Channel

ADMIN_PREFIX = "/admin/"
API_PREFIX = "/api/"


@dataclass(frozen=True)
class Acting:
    channel: str
    person: User | None


_explicit: ContextVar[Acting | None] = ContextVar("audit_acting", default=None)
_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current() -> Acting:
    """The door and person of the change being recorded now."""
    explicit = _explicit.get()
    if explicit is not None:
        return explicit
    request = _request.get()
    if request is None:
        return Acting(Channel.SHELL, None)
    return Acting(channel_of(request), person_of(request))


@contextmanager
def acting(*, person: User | None, channel: str = Channel.SHELL) -> Iterator[None]:
    """Record the changes made inside as ``person``'s, through ``channel``."""
    token = _explicit.set(Acting(channel, person))
    try:
        yield
    finally:
        _explicit.reset(token)


@contextmanager
def serving(request: HttpRequest) -> Iterator[None]:
    """Record the changes made while answering ``request`` as its signed-in person's.

    The person is read when a change is recorded, not when the request arrives: the API
    authenticates a token inside the view, after every middleware has run.
    """
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def channel_of(request: HttpRequest) -> str:
    if request.path_info.startswith(ADMIN_PREFIX):
        return Channel.ADMIN
    if request.path_info.startswith(API_PREFIX):
        return Channel.API
    return Channel.WEB


def person_of(request: HttpRequest) -> User | None:
    """The API's authenticated caller (token or session), else the session's person."""
    caller = getattr(request, "auth", None)
    if isinstance(caller, User):
        return caller
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None
