"""An institution's single sign-on settings: read by desk managers and the institution's
admins, changed by desk managers. The client secret is written, never read back."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from hypercare.api.common import DbId, actor, errors
from hypercare.lib.text import single_line
from hypercare.orgs.selectors import get_visible_institution
from hypercare.sso import selectors, services
from hypercare.sso.models import DEFAULT_SCOPES, IdentityProvider

router = Router(tags=["single sign-on"])
NO_PROVIDER = "No such institution, no single sign-on set up for it, or you may not see it."


class ProviderOut(Schema):
    institution_id: int
    name: str
    issuer: str
    client_id: str
    client_secret_set: bool = Field(description="Whether a secret is stored; it is never shown.")
    scopes: str
    enabled: bool
    email_domains: list[str]
    role_claim: str
    role_mapping: dict[str, str]
    provision_users: bool
    callback_url: str = Field(description="The redirect URI to register at the provider.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_client_secret_set(provider: IdentityProvider) -> bool:
        return bool(provider.client_secret)

    @staticmethod
    def resolve_callback_url(provider: IdentityProvider, context: dict[str, Any]) -> str:
        path = reverse("web:sso-callback", args=[provider.institution.slug])
        return str(context["request"].build_absolute_uri(path))


# The columns' own limits, as each field's schema says.
Name = Annotated[str, single_line(max_length=100)]
Url = Annotated[str, single_line(max_length=300)]
Client = Annotated[str, single_line(max_length=255)]
Secret = Annotated[str, single_line(max_length=500)]
Scopes = Annotated[str, single_line(max_length=200)]
Domain = Annotated[str, single_line(max_length=253)]
ClaimValue = Annotated[str, single_line(max_length=200)]
RoleName = Annotated[str, single_line(max_length=30)]


class ProviderIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Name = Field(description='Shown on the sign-in button: "Sign in with <name>".')
    issuer: Url = Field(description="The issuer URL; discovery is read from it.")
    client_id: Client
    client_secret: Secret | None = Field(
        None, description="Required the first time; leave out to keep the stored one."
    )
    scopes: Scopes = DEFAULT_SCOPES
    enabled: bool = False
    email_domains: list[Domain] = Field(default_factory=list)
    role_claim: Name = Field("", description="The claim mapped to roles, e.g. groups.")
    role_mapping: dict[ClaimValue, RoleName] = Field(
        default_factory=dict, description="Claim value to institution role; no support role."
    )
    provision_users: bool = False


@router.get(
    "/institutions/{institution_id}/sso",
    response={200: ProviderOut, **errors(401, 422, not_found=NO_PROVIDER)},
)
def get_provider(request: HttpRequest, institution_id: DbId) -> IdentityProvider:
    return selectors.get_visible_provider(actor(request), institution_id)


@router.put(
    "/institutions/{institution_id}/sso",
    response={
        200: ProviderOut,
        **errors(
            401,
            422,
            not_found="No such institution, or you may not see it.",
            forbidden="Only support managers and system admins set up single sign-on.",
        ),
    },
)
def put_provider(
    request: HttpRequest, institution_id: DbId, payload: ProviderIn
) -> IdentityProvider:
    """Set up or change the institution's identity provider."""
    user = actor(request)
    institution = get_visible_institution(user, institution_id)
    settings = services.ProviderSettings(
        **payload.model_dump(exclude={"email_domains", "role_mapping"}),
        email_domains=tuple(payload.email_domains),
        role_mapping=tuple(payload.role_mapping.items()),
    )
    return services.configure_provider(actor=user, institution=institution, settings=settings)
