"""Read queries for second factors, two-factor policies and open sessions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from hypercare.security.choices import SecondFactorStep
from hypercare.security.models import (
    RecoveryCode,
    SecondFactorFailure,
    SignedInSession,
    TwoFactorDevice,
    TwoFactorPolicy,
)


def confirmed_device(user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def two_factor_required(user: User) -> bool:
    """Whether ``user`` must use a second factor: support staff and system admins when
    ``HYPERCARE_REQUIRE_2FA_FOR_STAFF`` is on, an institution's people when their
    institution requires it."""
    if settings.HYPERCARE_REQUIRE_2FA_FOR_STAFF and (user.is_support_staff or user.is_superuser):
        return True
    if user.institution_id is None:
        return False
    return TwoFactorPolicy.objects.filter(
        institution_id=user.institution_id, required=True
    ).exists()


def second_factor_step(user: User, *, via_identity_provider: bool = False) -> SecondFactorStep:
    """What ``user`` must do after their first factor before they are signed in.

    ``via_identity_provider`` is the single hook for single sign-on: a sign-in through an
    institution's identity provider that the institution relies on for the second factor
    passes True and is asked for nothing more. A password sign-in never does.
    """
    if via_identity_provider:
        return SecondFactorStep.NONE
    if confirmed_device(user) is not None:
        return SecondFactorStep.CODE
    if two_factor_required(user):
        return SecondFactorStep.ENROL
    return SecondFactorStep.NONE


def second_factor_locked(user: User) -> bool:
    """Whether ``user`` has typed too many wrong codes within the lockout window."""
    since = clock.now() - timedelta(minutes=settings.HYPERCARE_SIGN_IN_LOCKOUT_MINUTES)
    failures = SecondFactorFailure.objects.filter(user=user, created_at__gte=since)
    return failures.count() >= settings.HYPERCARE_SIGN_IN_MAX_FAILURES


def open_sessions(user: User) -> QuerySet[SignedInSession]:
    """The browser sessions ``user`` has open, most recently seen first.

    A record whose session has ended (expired, signed out, its key cycled) is left out:
    what is listed is what can still be used. Sessions live in the database
    (Django's default session engine, which the desk keeps).
    """
    alive = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=clock.now())
    return (
        SignedInSession.objects.filter(access.signed_in_session_scope(user))
        .filter(Exists(alive))
        .order_by("-last_seen_at")
    )


def policy_institutions(user: User) -> QuerySet[Institution]:
    """The institutions whose two-factor requirement ``user`` may set, with their policy."""
    return (
        Institution.objects.filter(access.two_factor_policy_scope(user))
        .select_related("two_factor_policy")
        .order_by("name")
    )
