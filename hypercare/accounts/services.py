"""Creating people, granting roles, and issuing personal API tokens."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from hypercare.accounts.choices import INSTITUTION_ROLES, SUPPORT_ROLES, Role, WorkArea
from hypercare.accounts.models import (
    ApiToken,
    PasswordResetRequest,
    RoleGrant,
    SignInFailure,
    User,
)
from hypercare.accounts.selectors import sign_in_locked
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution, validate_time_zone

TOKEN_PREFIX = "hc_"  # noqa: S105 (a public marker, not a secret)
# What issue_token hands out; anything else (a NUL, say) is no token, and is not looked up.
TOKEN_FORMAT = re.compile(rf"{TOKEN_PREFIX}(?P<prefix>[0-9a-f]{{12}})_[A-Za-z0-9_-]+")
# Updating last_used_at on every call would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PASSWORD_RESET_WINDOW = timedelta(hours=1)
USERNAME_MAX_LENGTH = 150
TOKEN_NAME_MAX_LENGTH = 100
# The longest a person's names and ERP role may be: the columns' own limits.
NAME_LIMITS = {"first_name": 150, "last_name": 150, "erp_role": 120}


def create_user(
    *,
    username: str,
    email: str,
    password: str | None,
    roles: Iterable[str],
    institution: Institution | None = None,
    first_name: str = "",
    last_name: str = "",
    erp_role: str = "",
    work_area: str = "",
) -> User:
    """A person with their roles. Institution roles need an institution; support roles none.
    ``work_area`` says which knowledge articles are written for them (none: everyone's).

    Usernames are unique regardless of case: ``Riya`` and ``riya`` would be the same
    person to everyone reading a ticket. Without a password (``None``) the account cannot
    sign in with one: an integration's service account that uses API tokens only.
    """
    errors = FieldErrors()
    _check_username(errors, username)
    _check_email(errors, email)
    given = {"first_name": first_name, "last_name": last_name, "erp_role": erp_role}
    names = {
        field: errors.line(field, value, NAME_LIMITS[field], required=False)
        for field, value in given.items()
    }
    wanted = set(roles)
    _check_roles(errors, wanted, institution)
    if work_area:
        errors.choice("work_area", work_area, WorkArea.values)
    errors.check()
    with use_case():
        user = User.objects.create_user(
            username=username,
            email=email,
            password=password,
            institution=institution,
            **names,
            work_area=work_area,
            is_staff=Role.ADMIN in wanted,
            is_superuser=Role.ADMIN in wanted,
        )
        set_role_grants(user=user, roles=wanted, actor=None)
    return user


def set_role_grants(*, user: User, roles: Iterable[str], actor: User | None) -> set[str]:
    """Grant ``user`` exactly ``roles``: the one place role grants are written and revoked.

    Callers have checked the roles and hold the transaction. Every grant and revocation
    passes here, so the record of who changed whose roles has a single place to hook into.
    ``actor`` is who changed them (none: the account's creation or a command). The answer
    is the roles held before.
    """
    wanted = set(roles)
    grants = {grant.role: grant for grant in RoleGrant.objects.filter(user=user)}
    # One row at a time, never in bulk: each grant's save and delete is what a record of
    # configuration changes sees.
    for role in sorted(set(grants) - wanted):
        grants[role].delete()
    for role in sorted(wanted - set(grants)):
        RoleGrant.objects.create(user=user, role=role)
    held = set(grants)
    # The cached roles and any prefetched grants are read again.
    user.__dict__.pop("roles", None)
    getattr(user, "_prefetched_objects_cache", {}).pop("role_grants", None)
    return held


def update_profile(*, user: User, first_name: str, last_name: str, time_zone: str) -> User:
    """A person's own names and the zone they read times in, as they set them.

    An empty zone means their institution's; for the desk's staff, who belong to none,
    UTC. Every page, mail and timeline line then reads in that zone.
    """
    errors = FieldErrors()
    given = {"first_name": first_name, "last_name": last_name}
    names = {
        field: errors.line(field, value, NAME_LIMITS[field], required=False)
        for field, value in given.items()
    }
    zone = time_zone.strip()
    if zone:
        try:
            validate_time_zone(zone)
        except ValidationError:
            errors.add("time_zone", "Choose a time zone from the list.")
    errors.check()
    with use_case():
        user.first_name, user.last_name = names["first_name"], names["last_name"]
        user.time_zone = zone
        user.save(update_fields=["first_name", "last_name", "time_zone"])
    return user


def _check_username(errors: FieldErrors, username: str) -> None:
    if not username:
        errors.add("username", "must not be empty")
        return
    try:
        User.username_validator(username)
    except ValidationError:
        errors.add("username", "may hold only letters, digits and the characters @ . + - _")
    if len(username) > USERNAME_MAX_LENGTH:
        errors.add("username", f"must be at most {USERNAME_MAX_LENGTH} characters")
    elif User.objects.filter(username__iexact=username).exists():
        errors.add("username", "is already taken")


def _check_email(errors: FieldErrors, email: str) -> None:
    """An address is optional, but one that is given must be well-formed."""
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", "is not a valid email address")


def _check_roles(errors: FieldErrors, wanted: set[str], institution: Institution | None) -> None:
    unknown = wanted - set(Role.values)
    if unknown:
        errors.add("roles", f"unknown roles: {', '.join(sorted(unknown))}")
    if not wanted:
        errors.add("roles", "a person needs at least one role")
    if wanted & INSTITUTION_ROLES and institution is None:
        errors.add("institution", "institution roles need an institution")
    if wanted & SUPPORT_ROLES and institution is not None:
        errors.add("roles", "support roles belong to the desk, not an institution")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plain text is returned once and never stored."""
    errors = FieldErrors()
    clean_name = errors.line("name", name, TOKEN_NAME_MAX_LENGTH)
    errors.check()
    prefix = secrets.token_hex(6)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with use_case():
        token = ApiToken.objects.create(
            user=user, name=clean_name, prefix=prefix, digest=_digest(plain)
        )
    return token, plain


def revoke_token(*, token_id: int, actor: User) -> ApiToken:
    """Revoke one of the actor's own tokens (admins may revoke anyone's)."""
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None or (token.user_id != actor.pk and not actor.is_superuser):
        raise NotFound("No such token.")
    if token.revoked_at is not None:
        raise NotAllowed("This token is already revoked.")
    with use_case():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(plain: str) -> User | None:
    """The active user behind an unrevoked token, noting when it was last used."""
    issued = TOKEN_FORMAT.fullmatch(plain)
    if issued is None:
        return None
    token = (
        # The institution too: nearly every request scopes by it.
        ApiToken.objects.select_related("user__institution")
        .filter(prefix=issued["prefix"], revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(plain)):
        return None
    at = clock.now()
    if token.last_used_at is None or at - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user


def sign_in(*, login: str, password: str, ip_address: str | None) -> User:
    """The active user behind ``login`` (username or email) and ``password``.

    Each failure is counted for that login and address; once the limit is reached within
    the lockout window even the right password is refused until the window has passed,
    so guessing is slow while the owner, from another address, can still sign in.
    A success clears the count.
    """
    key = login.strip().lower()[:254]
    if not key or not password:
        raise ValidationFailed({"login": "Enter your username or email and your password."})
    if sign_in_locked(login=key, ip_address=ip_address):
        minutes = settings.HYPERCARE_SIGN_IN_LOCKOUT_MINUTES
        raise NotAllowed(
            f"Too many failed attempts. Sign-in is locked for {minutes} minutes; "
            "try again later or reset your password."
        )
    user = authenticate(None, username=key, password=password)
    if not isinstance(user, User):
        with use_case():
            _record_sign_in_failure(key, ip_address)
        raise ValidationFailed({"login": "That username or email and password do not match."})
    with use_case():
        SignInFailure.objects.filter(login=key, ip_address=ip_address).delete()
    return user


def _record_sign_in_failure(login: str, ip_address: str | None) -> None:
    at = clock.now()
    window = timedelta(minutes=settings.HYPERCARE_SIGN_IN_LOCKOUT_MINUTES)
    SignInFailure.objects.filter(created_at__lt=at - window).delete()
    SignInFailure.objects.create(login=login, ip_address=ip_address, created_at=at)


def clear_sign_in_failures(*, user: User) -> None:
    """Forget failed sign-ins for this person's username and email once they reset their
    password: the lockout protects the account, and its owner has just proven who they are.
    """
    logins = {user.username.lower(), user.email.lower()} - {""}
    with use_case():
        SignInFailure.objects.filter(login__in=logins).delete()


def request_password_reset(*, email: str, ip_address: str | None) -> bool:
    """Record a request for a password reset link to ``email``; whether to send the link.

    One client address may ask ``HYPERCARE_PASSWORD_RESET_PER_ADDRESS_HOURLY`` times an
    hour; past that the request is refused (NotAllowed) and not counted. The accounts of
    one email get at most ``HYPERCARE_PASSWORD_RESET_PER_ACCOUNT_HOURLY`` links an hour;
    past that the request is answered as any other but sends nothing (False), so the
    answer never tells whether an address has an account, nor floods its inbox.
    """
    key = email.strip().lower()[:254]
    at = clock.now()
    since = at - PASSWORD_RESET_WINDOW
    with use_case():
        PasswordResetRequest.objects.filter(created_at__lt=since).delete()
        recent = PasswordResetRequest.objects.filter(created_at__gte=since)
        from_address = recent.filter(ip_address=ip_address).count()
        if from_address >= settings.HYPERCARE_PASSWORD_RESET_PER_ADDRESS_HOURLY:
            raise NotAllowed(
                "Too many password reset requests from your network. "
                "Try again in an hour, or ask your desk administrator."
            )
        mailed = (
            recent.filter(email=key, mailed=True).count()
            < settings.HYPERCARE_PASSWORD_RESET_PER_ACCOUNT_HOURLY
        )
        PasswordResetRequest.objects.create(
            email=key, ip_address=ip_address, mailed=mailed, created_at=at
        )
    return mailed
