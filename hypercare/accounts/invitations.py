"""Invitations: an institution admin asks someone to join their institution on the desk.

The invitation is mailed with a single-use link that expires; following it, the invitee
sets their name and password and the account is created with the roles the admin chose.
Only a digest of the link's token is stored (as for API tokens). The mail goes after
commit, straight to the mail server rather than through the outbox, whose rows keep
their bodies: a stored body would hold the token. A mail that fails is logged and the
invitation shows as not mailed, for the admin to re-send.
"""

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower

from hypercare import access
from hypercare.accounts.models import Invitation, User
from hypercare.accounts.people import (
    NOT_AN_ADMIN,
    administered_institution,
    check_institution_roles,
)
from hypercare.accounts.selectors import with_email
from hypercare.accounts.services import NAME_LIMITS, USERNAME_MAX_LENGTH, create_user
from hypercare.audit.choices import Channel
from hypercare.audit.context import acting
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.mail.outgoing import automatic_headers, html_body

logger = logging.getLogger(__name__)

# What the link carries: a public prefix to find the row, then the secret.
TOKEN_FORMAT = re.compile(r"(?P<prefix>[0-9a-f]{12})_[A-Za-z0-9_-]{43}")
NO_SUCH_INVITATION = "No such invitation of your institution."
EMAIL_MAX_LENGTH = 254


@dataclass(frozen=True)
class InvitationDetails:
    """Who to invite and with which institution roles: a form's, a CSV row's or the API's."""

    email: str
    roles: Sequence[str]
    first_name: str = ""
    last_name: str = ""


@dataclass
class CheckedInvitation:
    """One invitation as checked: the cleaned details, or what is wrong with each field."""

    details: InvitationDetails
    errors: dict[str, str] = field(default_factory=dict)


def check_invitation(
    *, actor: User, details: InvitationDetails, taken: set[str] | None = None
) -> CheckedInvitation:
    """Whether ``actor`` may invite as ``details`` says, field by field.

    ``taken`` holds the addresses already invited in the same batch, lower-cased; a
    repeat is refused as a duplicate in the file.
    """
    errors = FieldErrors()
    email = details.email.strip()
    _check_address(errors, email, taken)
    names = {
        name: errors.line(name, value, NAME_LIMITS[name], required=False)
        for name, value in (("first_name", details.first_name), ("last_name", details.last_name))
    }
    roles = check_institution_roles(errors, details.roles)
    if "email" not in errors.errors and actor.institution_id is not None:
        _check_not_known(errors, email, actor.institution_id)
    cleaned = InvitationDetails(email=email, roles=sorted(roles), **names)
    return CheckedInvitation(cleaned, errors.errors)


def _check_address(errors: FieldErrors, email: str, taken: set[str] | None) -> None:
    if not email:
        errors.add("email", "must not be empty")
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", "is not a valid email address")
        return
    if len(email) > min(EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH):
        errors.add("email", f"must be at most {USERNAME_MAX_LENGTH} characters")
    try:
        # The address becomes the person's username, which they sign in with.
        User.username_validator(email)
    except ValidationError:
        errors.add("email", "may hold only letters, digits and the characters @ . + - _")
    if taken is not None:
        if email.lower() in taken:
            errors.add("email", "appears twice in the file")
        taken.add(email.lower())


def _check_not_known(errors: FieldErrors, email: str, institution_id: int) -> None:
    if with_email(email).exists() or User.objects.filter(username__iexact=email).exists():
        errors.add("email", "already has an account on the desk")
    elif _open_invitations(email, institution_id).exists():
        errors.add("email", "already has an open invitation: re-send it instead")


def _open_invitations(email: str, institution_id: int) -> QuerySet[Invitation]:
    return Invitation.objects.alias(email_lower=Lower("email")).filter(
        email_lower=email.lower(),
        institution_id=institution_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )


def check_invitations(
    *, actor: User, people: Sequence[InvitationDetails]
) -> list[CheckedInvitation]:
    """Each of a batch checked, in order: the preview of a CSV upload. Nothing is written."""
    if not access.can_administer_people(actor):
        raise NotAllowed(NOT_AN_ADMIN)
    taken: set[str] = set()
    return [check_invitation(actor=actor, details=one, taken=taken) for one in people]


def invite_person(*, actor: User, details: InvitationDetails) -> Invitation:
    """Invite one person to the actor's institution; the mail goes after commit."""
    return invite_people(actor=actor, people=[details])[0]


def invite_people(*, actor: User, people: Sequence[InvitationDetails]) -> list[Invitation]:
    """Invite everyone in ``people`` in one transaction, or nobody: each is checked first,
    and any refusal (also one found only on writing, as an address invited meanwhile)
    refuses the whole batch, naming the row (``rows.<n>.email``, from 1) when there are
    several."""
    checked = check_invitations(actor=actor, people=people)
    problems = {
        (f"rows.{n}.{name}" if len(people) > 1 else name): problem
        for n, one in enumerate(checked, start=1)
        for name, problem in one.errors.items()
    }
    if problems:
        raise ValidationFailed(problems)
    issued: list[tuple[Invitation, str]] = []
    try:
        with use_case():
            for one in checked:
                issued.append(_issue(actor, one.details))
            links = [(invitation.pk, token) for invitation, token in issued]
            transaction.on_commit(lambda: send_invitation_mail(links))
    except IntegrityError as exc:
        raise ValidationFailed({"email": "was invited by someone else just now"}) from exc
    return [invitation for invitation, _ in issued]


def _issue(actor: User, details: InvitationDetails) -> tuple[Invitation, str]:
    at = clock.now()
    prefix, token, digest = _new_token()
    invitation = Invitation.objects.create(
        institution_id=administered_institution(actor),
        email=details.email,
        first_name=details.first_name,
        last_name=details.last_name,
        roles=list(details.roles),
        invited_by=actor,
        prefix=prefix,
        digest=digest,
        created_at=at,
        sent_at=at,
        expires_at=at + _lifetime(),
    )
    return invitation, token


def _new_token() -> tuple[str, str, str]:
    prefix = secrets.token_hex(6)
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return prefix, token, _digest(token)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(days=settings.HYPERCARE_INVITATION_DAYS)


def _open_invitation_of(actor: User, invitation_id: int) -> Invitation:
    if not access.can_administer_people(actor):
        raise NotAllowed(NOT_AN_ADMIN)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(access.invitation_scope(actor), pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise NotFound(NO_SUCH_INVITATION)
    if invitation.accepted_at is not None:
        raise InvalidTransition("This invitation has been used: the account exists.")
    if invitation.revoked_at is not None:
        raise InvalidTransition("This invitation was revoked; invite the person again.")
    return invitation


def resend_invitation(*, invitation_id: int, actor: User) -> Invitation:
    """Mail an open invitation again with a new link, valid for the full lifetime again;
    the link mailed before stops working."""
    with use_case():
        invitation = _open_invitation_of(actor, invitation_id)
        at = clock.now()
        invitation.prefix, token, invitation.digest = _new_token()
        invitation.sent_at, invitation.expires_at, invitation.mailed_at = at, at + _lifetime(), None
        invitation.save(update_fields=["prefix", "digest", "sent_at", "expires_at", "mailed_at"])
        links = [(invitation.pk, token)]
        transaction.on_commit(lambda: send_invitation_mail(links))
    return invitation


def revoke_invitation(*, invitation_id: int, actor: User) -> Invitation:
    """Withdraw an open invitation: its link answers that it was revoked."""
    with use_case():
        invitation = _open_invitation_of(actor, invitation_id)
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_state(invitation: Invitation | None, at: datetime) -> str:
    """What a link finds: ``open``, ``used``, ``revoked``, ``expired`` or ``unknown``."""
    if invitation is None:
        return "unknown"
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= at:
        return "expired"
    return "open"


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, whatever its state; None for no such link
    (a mistyped one, or one replaced by a re-send)."""
    issued = TOKEN_FORMAT.fullmatch(token)
    if issued is None:
        return None
    invitation = (
        Invitation.objects.select_related("institution").filter(prefix=issued["prefix"]).first()
    )
    if invitation is None or not hmac.compare_digest(invitation.digest, _digest(token)):
        return None
    return invitation


def accept_invitation(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Create the invitee's account from an open invitation, with its roles, the name they
    give and their password; the link is spent. An unusable link is refused (409) with
    what happened to it."""
    invitation = invitation_for_token(token)
    state = invitation_state(invitation, clock.now())
    if invitation is None or state != "open":
        raise InvalidTransition(UNUSABLE[state])
    errors = FieldErrors()
    names = {
        name: errors.line(name, value, NAME_LIMITS[name])
        for name, value in (("first_name", first_name), ("last_name", last_name))
    }
    _check_password(errors, password, invitation, names)
    errors.check()
    with composed():
        spent = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(accepted_at=clock.now())
        if spent != 1:
            raise InvalidTransition(UNUSABLE["used"])
        # The roles are the inviting admin's grant: the audit names them, not the invitee.
        with acting(person=invitation.invited_by, channel=Channel.WEB):
            user = create_user(
                username=invitation.email.lower(),
                email=invitation.email,
                password=password,
                roles=invitation.roles,
                institution=invitation.institution,
                **names,
            )
        Invitation.objects.filter(pk=invitation.pk).update(user=user)
    return user


UNUSABLE = {
    "unknown": "This invitation link is not valid. It may have been replaced by a newer "
    "invitation: use the link in the latest mail, or ask your institution's admin.",
    "used": "This invitation has already been used. Sign in with your email and password, "
    "or reset your password if you have forgotten it.",
    "revoked": "This invitation was withdrawn by your institution's admin. Ask them to "
    "invite you again if you need an account.",
    "expired": "This invitation has expired. Ask your institution's admin to send it again.",
}


def _check_password(
    errors: FieldErrors, password: str, invitation: Invitation, names: dict[str, str]
) -> None:
    if not password:
        errors.add("password", "must not be empty")
        return
    someone = User(username=invitation.email.lower(), email=invitation.email, **names)
    try:
        password_validation.validate_password(password, someone)
    except ValidationError as exc:
        errors.add("password", " ".join(exc.messages))


def send_invitation_mail(links: Iterable[tuple[int, str]]) -> None:
    """Mail each invitation its link over one connection, noting each one mailed. Run
    after commit: the plain tokens live only here and in the mail."""
    invitations = Invitation.objects.select_related("institution", "invited_by").in_bulk(
        [pk for pk, _ in links]
    )
    with get_connection() as connection:
        for pk, token in links:
            invitation = invitations[pk]
            try:
                _invitation_mail(invitation, token, connection).send()
            except Exception:
                logger.exception("Failed to mail invitation %s", pk)
                continue
            Invitation.objects.filter(pk=pk, prefix=invitation.prefix).update(mailed_at=clock.now())


def _invitation_mail(
    invitation: Invitation, token: str, connection: BaseEmailBackend
) -> EmailMultiAlternatives:
    inviter = invitation.invited_by.display_name if invitation.invited_by else "Your admin"
    days = settings.HYPERCARE_INVITATION_DAYS
    body = (
        f"Hello{' ' + invitation.first_name if invitation.first_name else ''},\n\n"
        f"{inviter} invites you to the {invitation.institution} support desk. "
        f"Set your name and password here to create your account:\n\n"
        f"{invitation_link(token)}\n\n"
        f"The link works once, for {days} days. If you did not expect this, ignore it.\n\n"
        f"— Hypercare support desk\n{settings.SITE_URL}\n"
    )
    mail = EmailMultiAlternatives(
        f"Your invitation to the {invitation.institution} support desk",
        body,
        None,
        [invitation.email],
        headers=automatic_headers(replies=False),
        connection=connection,
    )
    mail.attach_alternative(html_body(body), "text/html")
    return mail


def invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}/invitations/{token}/"
