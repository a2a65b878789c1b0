"""Every sign-in and sign-out, however it happened, noted in the list of open sessions."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from hypercare.accounts.models import User
from hypercare.security.middleware import mark_seen
from hypercare.security.services.sessions import forget_session, record_session


@receiver(user_logged_in, dispatch_uid="security-record-session")
def note_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not isinstance(user, User):
        return
    session_key = request.session.session_key
    if not session_key:
        return
    record_session(
        user=user,
        session_key=session_key,
        user_agent=request.headers.get("User-Agent", ""),
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
    mark_seen(session_key)


@receiver(user_logged_out, dispatch_uid="security-forget-session")
def note_sign_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and request.session.session_key:
        forget_session(session_key=request.session.session_key)
