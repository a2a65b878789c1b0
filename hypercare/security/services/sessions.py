"""The browser sessions people have open: noting them, and ending them at once."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.security.models import SignedInSession

USER_AGENT_LENGTH = 300


def record_session(
    *, user: User, session_key: str, user_agent: str, ip_address: str | None
) -> SignedInSession:
    """Note a session ``user`` has just signed in with; forget their sessions that have
    certainly expired (unseen for longer than a session lasts)."""
    at = clock.now()
    with use_case():
        stale = at - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        SignedInSession.objects.filter(user=user, last_seen_at__lt=stale).delete()
        record, _ = SignedInSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "user": user,
                "user_agent": user_agent[:USER_AGENT_LENGTH],
                "ip_address": ip_address,
                "signed_in_at": at,
                "last_seen_at": at,
            },
        )
    return record


def note_session_seen(
    *, user: User, session_key: str, user_agent: str, ip_address: str | None
) -> None:
    """Stamp a session as seen now. A session begun before sessions were noted (or whose
    key was renewed, as a password change does) is noted from here on."""
    at = clock.now()
    with use_case():
        seen = SignedInSession.objects.filter(session_key=session_key, user=user).update(
            last_seen_at=at, ip_address=ip_address
        )
        if not seen:
            SignedInSession.objects.create(
                user=user,
                session_key=session_key,
                user_agent=user_agent[:USER_AGENT_LENGTH],
                ip_address=ip_address,
                signed_in_at=at,
                last_seen_at=at,
            )


def forget_session(*, session_key: str) -> None:
    """A session signed out of is no longer listed."""
    with use_case():
        SignedInSession.objects.filter(session_key=session_key).delete()


def end_session(*, session_id: int, actor: User) -> SignedInSession:
    """End one session now: the browser holding it is signed out on its next request.

    Everyone ends their own; support managers and system admins anyone's
    (``access.can_end_sessions_of``). Anyone else's is not found.
    """
    record = SignedInSession.objects.select_related("user").filter(pk=session_id).first()
    if record is None or not access.can_end_sessions_of(actor, record.user):
        raise NotFound("No such session.")
    with use_case():
        _end([record])
    return record


def end_sessions_of(*, person: User, actor: User, keep_session_key: str | None) -> int:
    """End every session of ``person`` but ``keep_session_key`` (the caller's own, for
    "sign out everywhere else"); how many were ended."""
    if not access.can_end_sessions_of(actor, person):
        raise NotFound("No such person.")
    records = SignedInSession.objects.filter(user=person).exclude(session_key=keep_session_key)
    with use_case():
        ended = list(records.select_for_update())
        _end(ended)
    return len(ended)


def _end(records: list[SignedInSession]) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for record in records:
        store().delete(record.session_key)
    SignedInSession.objects.filter(pk__in=[record.pk for record in records]).delete()
