"""The forms of sign-in security: a code, a proof of who you are, an institution's rule."""

from django import forms

from hypercare.web.forms import ServiceErrors


class CodeForm(ServiceErrors, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six digits your authenticator app shows now, or one recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class ProofForm(ServiceErrors, forms.Form):
    proof = forms.CharField(
        label="Current code or password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PolicyForm(ServiceErrors, forms.Form):
    required = forms.BooleanField(
        label="Require two-factor authentication for everyone at this institution",
        required=False,
    )
