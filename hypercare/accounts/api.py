"""The caller's own profile and personal access tokens."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from hypercare.accounts import selectors, services
from hypercare.accounts.models import ApiToken, User
from hypercare.api.common import DbId, actor, errors
from hypercare.lib.text import single_line

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    name: str = Field(validation_alias="display_name")
    email: str
    institution_id: int | None
    erp_role: str
    work_area: str = Field(
        description="Which knowledge articles are written for them besides everyone's; "
        "empty: everyone's only."
    )
    roles: list[str]

    @staticmethod
    def resolve_roles(user: User) -> list[str]:
        return sorted(user.roles)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Shown once; store it now.")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, single_line(min_length=1, max_length=100)] = Field(
        description="What the token is for, e.g. the script that uses it."
    )


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request: HttpRequest) -> User:
    return actor(request)


@router.get("/tokens", response={200: list[TokenOut], **errors(401)})
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.user_tokens(actor(request)))


@router.post("/tokens", response={201: TokenCreatedOut, **errors(401, 422)})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, plain = services.issue_token(user=actor(request), name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": plain})


@router.delete(
    "/tokens/{token_id}",
    response={
        200: TokenOut,
        **errors(
            401,
            422,
            not_found="No such token of yours.",
            forbidden="The token is already revoked.",
        ),
    },
)
def revoke_token(request: HttpRequest, token_id: DbId) -> ApiToken:
    return services.revoke_token(token_id=token_id, actor=actor(request))
