"""Creating people, granting roles, and issuing personal API tokens."""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction

from hypercare.accounts.choices import INSTITUTION_ROLES, SUPPORT_ROLES, Role
from hypercare.accounts.models import ApiToken, RoleGrant, User
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.orgs.models import Institution

TOKEN_PREFIX = "hc_"  # noqa: S105 (a public marker, not a secret)
# Updating last_used_at on every call would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_user(
    *,
    username: str,
    email: str,
    password: str,
    roles: Iterable[str],
    institution: Institution | None = None,
    first_name: str = "",
    last_name: str = "",
    erp_role: str = "",
) -> User:
    """A person with their roles. Institution roles need an institution; support roles none."""
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationFailed({"roles": f"unknown roles: {', '.join(sorted(unknown))}"})
    if not wanted:
        raise ValidationFailed({"roles": "a person needs at least one role"})
    if wanted & INSTITUTION_ROLES and institution is None:
        raise ValidationFailed({"institution": "institution roles need an institution"})
    if wanted & SUPPORT_ROLES and institution is not None:
        raise ValidationFailed({"roles": "support roles belong to the desk, not an institution"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": "is already taken"})
    with transaction.atomic(durable=True):
        user = User.objects.create_user(
            username=username,
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            institution=institution,
            erp_role=erp_role,
            is_staff=Role.ADMIN in wanted,
            is_superuser=Role.ADMIN in wanted,
        )
        RoleGrant.objects.bulk_create(RoleGrant(user=user, role=role) for role in sorted(wanted))
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plain text is returned once and never stored."""
    if not name.strip():
        raise ValidationFailed({"name": "must not be empty"})
    prefix = secrets.token_hex(6)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:100], prefix=prefix, digest=_digest(plain)
        )
    return token, plain


def revoke_token(*, token_id: int, actor: User) -> ApiToken:
    """Revoke one of the actor's own tokens (admins may revoke anyone's)."""
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None or (token.user_id != actor.pk and not actor.is_superuser):
        raise NotFound("No such token.")
    if token.revoked_at is not None:
        raise NotAllowed("This token is already revoked.")
    with transaction.atomic(durable=True):
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(plain: str) -> User | None:
    """The active user behind an unrevoked token, noting when it was last used."""
    parts = plain.removeprefix(TOKEN_PREFIX).split("_", 1)
    if not plain.startswith(TOKEN_PREFIX) or len(parts) != 2:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=parts[0], revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(plain)):
        return None
    at = clock.now()
    if token.last_used_at is None or at - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user
