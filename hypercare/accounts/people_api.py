"""An institution admin's people and invitations, as on the portal's People pages."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from hypercare import access
from hypercare.accounts import selectors
from hypercare.accounts.invitations import (
    NO_SUCH_INVITATION,
    InvitationDetails,
    invite_person,
    resend_invitation,
    revoke_invitation,
)
from hypercare.accounts.models import Invitation, User
from hypercare.accounts.people import (
    NO_SUCH_PERSON,
    NOT_AN_ADMIN,
    set_institution_roles,
    set_person_active,
)
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import (
    DbId,
    Page,
    PageQuery,
    actor,
    errors,
    paginate,
    refuse_unknown_query,
)
from hypercare.errors import NotAllowed
from hypercare.lib.text import single_line

router = Router(tags=["people"])

ROLES = Field(
    description="Institution roles (`requester`, `key_user`, `module_owner`, `data_owner`, "
    "`approval_owner`, `institution_admin`, `integration_contact`); support roles are refused."
)
# A role's name, as RoleGrant.role stores it.
RoleName = Annotated[str, single_line(min_length=1, max_length=30)]
ROLE_CONFLICT = "The change would leave the institution without an active admin."


class PersonOut(Schema):
    id: int
    username: str
    name: str = Field(validation_alias="display_name")
    email: str
    roles: list[str]
    is_active: bool
    last_login: datetime | None = Field(description="The last sign-in; null: never.")

    @staticmethod
    def resolve_roles(user: User) -> list[str]:
        return sorted(user.roles)


class InvitationOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    invited_by: UserRef | None
    sent_at: datetime = Field(description="When the current link was issued.")
    mailed_at: datetime | None = Field(description="When its mail went out; null: not yet.")
    expires_at: datetime


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, single_line(min_length=1, max_length=254)]
    first_name: Annotated[str, single_line(max_length=150)] = ""
    last_name: Annotated[str, single_line(max_length=150)] = ""
    roles: list[RoleName] = ROLES


class RolesIn(Schema):
    model_config = ConfigDict(extra="forbid")
    roles: list[RoleName] = ROLES


@router.get("/people", response={200: Page[PersonOut], **errors(401, 422, forbidden=NOT_AN_ADMIN)})
def list_people(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, object]:
    """The caller's institution's people, active ones first: institution admins only."""
    refuse_unknown_query(request, PageQuery.model_fields)
    return paginate(selectors.administered_people(_admin(request)), paging)


@router.put(
    "/people/{person_id}/roles",
    response={
        200: PersonOut,
        **errors(
            401, 422, not_found=NO_SUCH_PERSON, forbidden=NOT_AN_ADMIN, conflict=ROLE_CONFLICT
        ),
    },
)
def set_roles(request: HttpRequest, person_id: DbId, payload: RolesIn) -> User:
    """Give one of the institution's people exactly these institution roles."""
    return set_institution_roles(person_id=person_id, roles=payload.roles, actor=actor(request))


@router.post(
    "/people/{person_id}/deactivate",
    response={
        200: PersonOut,
        **errors(
            401,
            422,
            not_found=NO_SUCH_PERSON,
            forbidden=f"{NOT_AN_ADMIN} Also: admins never deactivate themselves.",
            conflict=ROLE_CONFLICT,
        ),
    },
)
def deactivate(request: HttpRequest, person_id: DbId) -> User:
    """They can no longer sign in or use their API tokens; their history stays."""
    return set_person_active(person_id=person_id, active=False, actor=actor(request))


@router.post(
    "/people/{person_id}/reactivate",
    response={200: PersonOut, **errors(401, 422, not_found=NO_SUCH_PERSON, forbidden=NOT_AN_ADMIN)},
)
def reactivate(request: HttpRequest, person_id: DbId) -> User:
    return set_person_active(person_id=person_id, active=True, actor=actor(request))


@router.get(
    "/invitations",
    response={200: Page[InvitationOut], **errors(401, 422, forbidden=NOT_AN_ADMIN)},
)
def list_invitations(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, object]:
    """The institution's invitations not used or revoked yet, expired ones too."""
    refuse_unknown_query(request, PageQuery.model_fields)
    return paginate(selectors.pending_invitations(_admin(request)), paging)


@router.post(
    "/invitations",
    response={201: InvitationOut, **errors(401, 422, forbidden=NOT_AN_ADMIN)},
)
def invite(request: HttpRequest, payload: InvitationIn) -> Status[Invitation]:
    """Mail someone a single-use link to join the caller's institution with these roles.
    The link itself is never answered: only its recipient holds it."""
    details = InvitationDetails(**payload.model_dump())
    return Status(201, invite_person(actor=actor(request), details=details))


INVITATION_CONFLICT = "The invitation has been used or revoked."


@router.post(
    "/invitations/{invitation_id}/resend",
    response={
        200: InvitationOut,
        **errors(
            401,
            422,
            not_found=NO_SUCH_INVITATION,
            forbidden=NOT_AN_ADMIN,
            conflict=INVITATION_CONFLICT,
        ),
    },
)
def resend(request: HttpRequest, invitation_id: DbId) -> Invitation:
    """Mail a new link, valid for the full time again; the old link stops working."""
    return resend_invitation(invitation_id=invitation_id, actor=actor(request))


@router.delete(
    "/invitations/{invitation_id}",
    response={
        200: InvitationOut,
        **errors(
            401,
            422,
            not_found=NO_SUCH_INVITATION,
            forbidden=NOT_AN_ADMIN,
            conflict=INVITATION_CONFLICT,
        ),
    },
)
def revoke(request: HttpRequest, invitation_id: DbId) -> Invitation:
    """Withdraw the invitation: its link answers that it was revoked."""
    return revoke_invitation(invitation_id=invitation_id, actor=actor(request))


def _admin(request: HttpRequest) -> User:
    user = actor(request)
    if not access.can_administer_people(user):
        raise NotAllowed(NOT_AN_ADMIN)
    return user
