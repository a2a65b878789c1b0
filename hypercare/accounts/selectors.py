"""Read queries for people and tokens."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from hypercare import access
from hypercare.accounts.choices import INSTITUTION_ROLES, Role
from hypercare.accounts.models import ApiToken, Invitation, RoleGrant, SignInFailure, User
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from hypercare.orgs.selectors import available_on, desk_day

PEOPLE_ORDER = ("first_name", "last_name", "username")


def user_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def with_email(address: str) -> QuerySet[User]:
    """The people whose address is ``address`` in any case. Addresses are compared lower
    cased, as the index ``user_email_lower`` holds them, so finding the sender of a mail or
    the account of a sign-in by email reads no other person's row."""
    return User.objects.alias(email_lower=Lower("email")).filter(email_lower=address.lower())


def with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """Users with their role grants loaded, so ``user.roles`` costs no query."""
    return users.prefetch_related("role_grants")


def sign_in_locked(*, login: str, ip_address: str | None) -> bool:
    """Whether ``login`` from ``ip_address`` has failed too often within the lockout window."""
    since = clock.now() - timedelta(minutes=settings.HYPERCARE_SIGN_IN_LOCKOUT_MINUTES)
    failures = SignInFailure.objects.filter(
        login=login, ip_address=ip_address, created_at__gte=since
    )
    return failures.count() >= settings.HYPERCARE_SIGN_IN_MAX_FAILURES


def institution_people(user: User, institution_id: int, *roles: str) -> QuerySet[User]:
    """Active people of an institution ``user`` may see who hold any of ``roles``.

    Used to name a colleague to report for, or the data owner who signs off a correction.
    """
    visible = Institution.objects.filter(access.institution_scope(user), pk=institution_id)
    return (
        User.objects.filter(institution__in=visible, is_active=True, role_grants__role__in=roles)
        .distinct()
        .order_by(*PEOPLE_ORDER)
    )


def requester_candidates(user: User, institution_id: int, text: str = "") -> QuerySet[User]:
    """The people of an institution ``user`` may name as a ticket's requester, those whose
    name or email holds every word of ``text``: the desk's requester search when an agent
    takes a call. Only active institution people, as intake accepts no one else."""
    people = institution_people(user, institution_id, *INSTITUTION_ROLES)
    for word in text.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    return people


def module_owners() -> QuerySet[User]:
    """Active institution people holding the module owner role, by name."""
    holders = RoleGrant.objects.filter(role=Role.MODULE_OWNER).values("user_id")
    return User.objects.filter(is_active=True, institution__isnull=False, pk__in=holders).order_by(
        *PEOPLE_ORDER
    )


def support_staff(*roles: str, available_at: datetime | None = None) -> QuerySet[User]:
    """Active support staff holding any of ``roles``, by username.

    With ``available_at``, only those who take work then: on duty and not out of office
    on that desk day. Auto-assignment, escalation managers, SLA notices and the daily
    digest all ask this one question.
    """
    holders = RoleGrant.objects.filter(role__in=roles).values("user_id")
    people = User.objects.filter(is_active=True, institution__isnull=True, pk__in=holders)
    if available_at is not None:
        people = people.filter(available_on(desk_day(available_at)))
    return people.order_by("username")


def support_agents() -> QuerySet[User]:
    """Active support staff who may own tickets, by name; every agent may know their names."""
    return support_staff(*access.AGENT_ROLES).order_by(*PEOPLE_ORDER)


def administered_people(user: User) -> QuerySet[User]:
    """The people an institution admin manages, active ones first, by name, with their
    roles; nobody for anyone else."""
    people = User.objects.filter(access.people_scope(user))
    return with_roles(people).order_by("-is_active", *PEOPLE_ORDER)


def pending_invitations(user: User) -> QuerySet[Invitation]:
    """The open invitations of an institution admin's institution (expired ones too, to
    re-send or revoke), the latest first."""
    return (
        Invitation.objects.filter(
            access.invitation_scope(user), accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-sent_at", "-pk")
    )
