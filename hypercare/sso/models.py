"""Each institution's own identity provider, for OpenID Connect sign-in."""

import re

from django.core.exceptions import ValidationError
from django.db import models

from hypercare.accounts.choices import INSTITUTION_ROLES
from hypercare.lib.text import validate_single_line

DEFAULT_SCOPES = "openid email profile"
# A domain name as people write it after the "@": labels of letters, digits and hyphens.
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
CLAIM_NAME = re.compile(r"^[A-Za-z0-9_.:/-]{1,100}$")


def validate_email_domains(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError('Give a list of domain names, e.g. ["uni.example"].')
    for domain in value:
        if not DOMAIN.match(domain):
            raise ValidationError(f"{domain!r} is not a lower-case domain name, e.g. uni.example.")


def validate_role_mapping(value: object) -> None:
    """Claim values map to institution roles only: an identity provider that the desk does
    not run must never make anyone support staff."""
    if not isinstance(value, dict):
        raise ValidationError("Give an object of claim value to role.")
    for claim_value, role in value.items():
        if not isinstance(claim_value, str) or not claim_value.strip() or len(claim_value) > 200:
            raise ValidationError("Each claim value is a non-empty text of up to 200 characters.")
        if role not in INSTITUTION_ROLES:
            allowed = ", ".join(sorted(INSTITUTION_ROLES))
            raise ValidationError(f"{role!r} is not an institution role (one of {allowed}).")


def validate_scopes(value: str) -> None:
    if "openid" not in value.split():
        raise ValidationError("The scopes must include openid.")


def validate_claim_name(value: str) -> None:
    if value and not CLAIM_NAME.match(value):
        raise ValidationError("A claim name is letters, digits and _ . : / - only.")


class IdentityProvider(models.Model):
    """An institution's OpenID Connect provider (its own Azure AD, Keycloak, Shibboleth OP).

    Accounts are matched on the verified email claim within the institution; the provider
    never names a role unless ``role_claim`` and ``role_mapping`` say which of its values
    means which institution role. The client secret is write-only outside the database.
    """

    institution = models.OneToOneField(
        "orgs.Institution", on_delete=models.CASCADE, related_name="identity_provider"
    )
    name = models.CharField(
        max_length=100,
        validators=[validate_single_line],
        help_text='Shown on the sign-in button: "Sign in with <name>".',
    )
    issuer = models.URLField(
        max_length=300,
        help_text="The issuer URL; its /.well-known/openid-configuration is read from it.",
    )
    client_id = models.CharField(max_length=255, validators=[validate_single_line])
    client_secret = models.CharField(max_length=500)
    scopes = models.CharField(
        max_length=200, default=DEFAULT_SCOPES, validators=[validate_single_line, validate_scopes]
    )
    enabled = models.BooleanField(default=False)
    email_domains = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_email_domains],
        help_text='Addresses of these domains are offered this sign-in, e.g. ["uni.example"].',
    )
    role_claim = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_claim_name],
        help_text="The claim whose values are mapped to roles, e.g. groups. Empty: none.",
    )
    role_mapping = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_role_mapping],
        help_text='Claim value to institution role, e.g. {"erp-admins": "institution_admin"}.',
    )
    provision_users = models.BooleanField(
        default=False,
        help_text="Create an account for an unknown verified address of an allowed domain.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution__name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.institution})"

    def clean(self) -> None:
        """An address's domain must lead to one institution's provider, never two."""
        # A handful of rows, one per institution: JSON containment is not on SQLite.
        others = IdentityProvider.objects.exclude(institution_id=self.institution_id)
        taken = {d for domains in others.values_list("email_domains", flat=True) for d in domains}
        clashes = [d for d in self.email_domains or [] if d in taken]
        if clashes:
            raise ValidationError(
                {"email_domains": f"{', '.join(clashes)} belongs to another institution."}
            )

    def mapped_roles(self, claims: dict[str, object]) -> set[str]:
        """The institution roles ``claims`` earn through the mapping, and only those."""
        if not self.role_claim:
            return set()
        given = claims.get(self.role_claim)
        values = given if isinstance(given, list) else [given]
        return {
            self.role_mapping[v] for v in values if isinstance(v, str) and v in self.role_mapping
        }
