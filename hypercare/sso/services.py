"""Setting up an institution's identity provider, and turning a provider's verified
claims into a signed-in account of that institution."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.accounts.selectors import with_email
from hypercare.accounts.services import create_user
from hypercare.errors import NotAllowed
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution
from hypercare.sso.models import DEFAULT_SCOPES, IdentityProvider

# The session key that says how the person signed in: a second factor asked after a
# password is not asked after single sign-on, where the identity provider answers for it.
SIGNED_IN_WITH = "signed_in_with"
SSO = "sso"
BACKEND = "hypercare.accounts.backends.UsernameOrEmailBackend"


@dataclass(frozen=True)
class ProviderSettings:
    """What a manager sets; ``client_secret`` None keeps the stored one."""

    name: str
    issuer: str
    client_id: str
    client_secret: str | None
    scopes: str = DEFAULT_SCOPES
    enabled: bool = False
    email_domains: tuple[str, ...] = ()
    role_claim: str = ""
    role_mapping: tuple[tuple[str, str], ...] = ()
    provision_users: bool = False


def configure_provider(
    *, actor: User, institution: Institution, settings: ProviderSettings
) -> IdentityProvider:
    """Create or change ``institution``'s identity provider.

    The secret is required when the provider is first set up and kept when a change
    leaves it out, since nobody can read it back. The model's validators (the admin runs
    the same) refuse a support role in the mapping and a domain of another institution.
    """
    if not access.can_configure_sso(actor):
        raise NotAllowed("Only support managers and system admins set up single sign-on.")
    provider = IdentityProvider.objects.filter(institution=institution).first()
    provider = provider or IdentityProvider(institution=institution)
    for field in ("name", "issuer", "client_id", "scopes", "enabled", "role_claim"):
        value = getattr(settings, field)
        setattr(provider, field, value.strip() if isinstance(value, str) else value)
    provider.provision_users = settings.provision_users
    provider.email_domains = sorted({d.strip().lower() for d in settings.email_domains})
    provider.role_mapping = dict(settings.role_mapping)
    if settings.client_secret:
        provider.client_secret = settings.client_secret.strip()
    errors = FieldErrors()
    try:
        provider.full_clean()
    except ValidationError as exc:
        for name, problems in exc.message_dict.items():
            errors.add(name, " ".join(problems))
    errors.check()
    with use_case():
        provider.save()
    return provider


def account_for_claims(*, provider: IdentityProvider, claims: dict[str, object]) -> User:
    """The institution's account that the provider's ID token names, by verified email.

    Refused: an address the provider does not vouch for (``email_verified`` not true), an
    address of support staff or of another institution's person (a university's provider
    answers for its own people only), a deactivated account, and an address shared by two
    of the institution's accounts (guessing would hand one person's account to the other).
    An unknown address gets an account only when the provider is set to provision and
    the address is of an allowed domain. Mapped roles are granted; nothing else is taken
    from the provider.
    """
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise NotAllowed(f"{provider.name} did not tell us your email address.")
    if claims.get("email_verified") is not True:
        raise NotAllowed(f"{provider.name} has not verified your email address {email}.")
    people = list(with_email(email).select_related("institution")[:3])
    if any(person.institution_id != provider.institution_id for person in people):
        raise NotAllowed(
            f"The account of {email} does not belong to {provider.institution}: sign in "
            "with your password instead."
        )
    if len(people) > 1:
        raise NotAllowed(f"More than one account uses {email}: ask your institution's admin.")
    roles = provider.mapped_roles(claims)
    if not people:
        return _provision(provider=provider, email=email, claims=claims, roles=roles)
    user = people[0]
    if not user.is_active:
        raise NotAllowed(f"The account of {email} is deactivated.")
    with use_case():
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=user, role=role) for role in sorted(roles)], ignore_conflicts=True
        )
    return User.objects.get(pk=user.pk)


def _provision(
    *, provider: IdentityProvider, email: str, claims: dict[str, object], roles: set[str]
) -> User:
    domain = email.rpartition("@")[2].lower()
    if not provider.provision_users or domain not in provider.email_domains:
        raise NotAllowed(
            f"There is no account for {email} at {provider.institution}: ask your "
            "institution's admin to invite you."
        )
    names = {key: claims.get(key) for key in ("given_name", "family_name")}
    return create_user(
        username=_free_username(email.lower()),
        email=email,
        password=None,
        roles=roles or {Role.REQUESTER},
        institution=provider.institution,
        first_name=str(names["given_name"] or "")[:150],
        last_name=str(names["family_name"] or "")[:150],
    )


def _free_username(email: str) -> str:
    """The address itself as the username, numbered when someone has it already."""
    candidate, number = email[:140], 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{email[:140]}-{number}"
    return candidate
