"""Identity providers for system admins; the secret is entered, never shown."""

from django import forms
from django.contrib import admin

from hypercare.sso.models import IdentityProvider


class IdentityProviderForm(forms.ModelForm[IdentityProvider]):
    issuer = forms.URLField(
        max_length=300,
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer").help_text,
    )
    client_secret = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored secret; it is never shown.",
    )

    class Meta:
        model = IdentityProvider
        fields = (
            "institution",
            "name",
            "issuer",
            "client_id",
            "client_secret",
            "scopes",
            "enabled",
            "email_domains",
            "role_claim",
            "role_mapping",
            "provision_users",
        )

    def clean_client_secret(self) -> str:
        """Empty keeps the stored secret; a new provider's empty one the model refuses."""
        given: str = self.cleaned_data["client_secret"]
        return given or self.instance.client_secret


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin[IdentityProvider]):
    form = IdentityProviderForm
    list_display = ("institution", "name", "issuer", "enabled", "provision_users")
    list_filter = ("enabled", "provision_users")
    search_fields = ("institution__name", "name", "issuer")
    readonly_fields = ("updated_at",)
