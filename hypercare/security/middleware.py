"""Stamp when each signed-in session was last seen, at most every few minutes."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from hypercare.accounts.models import User
from hypercare.security.services.sessions import note_session_seen


def _seen_key(session_key: str) -> str:
    return f"security:session-seen:{session_key}"


def mark_seen(session_key: str) -> None:
    """Remember that the session was just stamped, so the next requests do not write."""
    cache.set(_seen_key(session_key), 1, settings.HYPERCARE_SESSION_SEEN_SECONDS)


class SessionSeenMiddleware:
    """Between sign-in and sign-out a session's ``last_seen_at`` moves on at most once per
    ``HYPERCARE_SESSION_SEEN_SECONDS``: the cache remembers the last stamp, so a busy
    session costs one write every few minutes and other requests no query at all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session_key = request.session.session_key
        if session_key and isinstance(request.user, User) and request.user.is_authenticated:
            timeout = settings.HYPERCARE_SESSION_SEEN_SECONDS
            if cache.add(_seen_key(session_key), 1, timeout):
                note_session_seen(
                    user=request.user,
                    session_key=session_key,
                    user_agent=request.headers.get("User-Agent", ""),
                    ip_address=request.META.get("REMOTE_ADDR") or None,
                )
        return self.get_response(request)
