"""The form of an institution's identity provider settings, in the words of a page: the
domains as a list on one line, the mapping one "claim value = role" a line."""

from typing import Any, ClassVar

from django import forms

from hypercare.sso.models import DEFAULT_SCOPES, IdentityProvider
from hypercare.sso.services import ProviderSettings
from hypercare.web.forms import ServiceErrors


class ProviderForm(ServiceErrors, forms.Form):
    needed_when: ClassVar[dict[str, str]] = {"client_secret": "when first set up"}

    name = forms.CharField(max_length=100, help_text='Shown as "Sign in with <name>".')
    issuer = forms.CharField(max_length=300, help_text="The issuer URL of the provider.")
    client_id = forms.CharField(label="Client ID", max_length=255)
    client_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored secret; it is never shown.",
    )
    scopes = forms.CharField(max_length=200, help_text="Separated by spaces; openid is needed.")
    enabled = forms.BooleanField(required=False, label="Offer this sign-in")
    email_domains = forms.CharField(
        required=False, help_text="Separated by spaces or commas, e.g. uni.example."
    )
    role_claim = forms.CharField(
        required=False, help_text="The claim mapped to roles, e.g. groups. Empty: no roles."
    )
    role_mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: claim value = institution role, e.g. erp-admins = "
        "institution_admin.",
    )
    provision_users = forms.BooleanField(
        required=False, label="Create accounts for unknown verified addresses of the domains"
    )

    @classmethod
    def initial_of(cls, provider: IdentityProvider | None) -> dict[str, Any]:
        if provider is None:
            return {"scopes": DEFAULT_SCOPES}
        mapping = "\n".join(f"{value} = {role}" for value, role in provider.role_mapping.items())
        return {
            **{field: getattr(provider, field) for field in ("name", "issuer", "client_id")},
            **{field: getattr(provider, field) for field in ("scopes", "enabled", "role_claim")},
            "provision_users": provider.provision_users,
            "email_domains": " ".join(provider.email_domains),
            "role_mapping": mapping,
        }

    def clean_role_mapping(self) -> tuple[tuple[str, str], ...]:
        lines = [line for line in self.cleaned_data["role_mapping"].splitlines() if line.strip()]
        if any("=" not in line for line in lines):
            raise forms.ValidationError('Write each line as "claim value = role".')
        pairs = (line.rpartition("=") for line in lines)
        return tuple((value.strip(), role.strip()) for value, _, role in pairs)

    def settings(self) -> ProviderSettings:
        data = self.cleaned_data
        return ProviderSettings(
            name=data["name"],
            issuer=data["issuer"],
            client_id=data["client_id"],
            client_secret=data["client_secret"] or None,
            scopes=data["scopes"],
            enabled=data["enabled"],
            email_domains=tuple(data["email_domains"].replace(",", " ").split()),
            role_claim=data["role_claim"],
            role_mapping=data["role_mapping"],
            provision_users=data["provision_users"],
        )
