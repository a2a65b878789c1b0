"""An institution admin's own people: their institution roles, deactivating them.

The limits hold here, for the portal and the API alike: only institution roles, only
people of the admin's own institution, and never a change that leaves the institution
without an active admin (nobody there could then invite or reactivate anyone; the desk
would have to step in through the Django admin). An admin never deactivates themselves:
another admin does, so someone who can undo it is always left signed in.
"""

from collections.abc import Iterable

from hypercare import access
from hypercare.accounts.choices import INSTITUTION_ROLES, Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.accounts.services import set_role_grants
from hypercare.errors import InvalidTransition, NotAllowed, NotFound
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution

NOT_AN_ADMIN = "Only an institution's admins manage its people."
NO_SUCH_PERSON = "No such person in your institution."
LAST_ADMIN = (
    "{name} is the institution's last active admin: make someone else an admin first, "
    "so somebody can still manage its people."
)


def check_institution_roles(errors: FieldErrors, roles: Iterable[str]) -> set[str]:
    """The roles an institution admin may give: institution roles, at least one. Support
    roles and system admin belong to the desk and are refused by name."""
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        errors.add("roles", f"unknown roles: {', '.join(sorted(unknown))}")
    elif wanted - INSTITUTION_ROLES:
        desk = ", ".join(sorted(Role(role).label for role in wanted - INSTITUTION_ROLES))
        errors.add("roles", f"{desk}: support roles belong to the desk, not an institution")
    elif not wanted:
        errors.add("roles", "a person needs at least one role")
    return wanted


def administered_institution(actor: User) -> int:
    """The institution whose people ``actor`` administers; NotAllowed if none."""
    if actor.institution_id is None or not access.can_administer_people(actor):
        raise NotAllowed(NOT_AN_ADMIN)
    return actor.institution_id


def person_of(actor: User, person_id: int) -> User:
    """One of the actor's institution's people, locked for the change; 404 otherwise.
    Inside the use case's transaction."""
    institution_id = administered_institution(actor)
    # The institution's row serialises its people changes: two admins removing each
    # other at once would otherwise each see the other still there.
    Institution.objects.select_for_update().filter(pk=institution_id).first()
    person = (
        User.objects.select_for_update()
        .filter(access.people_scope(actor), pk=person_id)
        .prefetch_related("role_grants")
        .first()
    )
    if person is None:
        raise NotFound(NO_SUCH_PERSON)
    return person


def set_institution_roles(*, person_id: int, roles: Iterable[str], actor: User) -> User:
    """Give one of the admin's people exactly ``roles``, all institution roles."""
    errors = FieldErrors()
    wanted = check_institution_roles(errors, roles)
    if not access.can_administer_people(actor):
        raise NotAllowed(NOT_AN_ADMIN)
    errors.check()
    with use_case():
        person = person_of(actor, person_id)
        if Role.INSTITUTION_ADMIN not in wanted and person.is_active:
            _keep_an_admin(person)
        set_role_grants(user=person, roles=wanted, actor=actor)
    return person


def set_person_active(*, person_id: int, active: bool, actor: User) -> User:
    """Deactivate one of the admin's people (they can no longer sign in or use their API
    tokens; their tickets and history stay), or reactivate them."""
    if not access.can_administer_people(actor):
        raise NotAllowed(NOT_AN_ADMIN)
    if not active and person_id == actor.pk:
        raise NotAllowed("You cannot deactivate yourself; another admin of yours can.")
    with use_case():
        person = person_of(actor, person_id)
        if person.is_active == active:
            return person
        if not active:
            _keep_an_admin(person)
        person.is_active = active
        person.save(update_fields=["is_active"])
    return person


def _keep_an_admin(person: User) -> None:
    """Refuse a change that would leave ``person``'s institution with no active admin."""
    if person.institution_id is None or not person.has_role(Role.INSTITUTION_ADMIN):
        return
    others = RoleGrant.objects.filter(
        role=Role.INSTITUTION_ADMIN,
        user__institution_id=person.institution_id,
        user__is_active=True,
    ).exclude(user=person)
    if not others.exists():
        raise InvalidTransition(LAST_ADMIN.format(name=person.display_name))
