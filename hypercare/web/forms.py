"""Form pieces every page of the web desk shares: they parse what people type, and show
the services' complaints by the fields they are about. The services decide."""

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hypercare.errors import ValidationFailed
from hypercare.lib.files import ACCEPTED_TYPES, ALLOWED_DESCRIPTION, TEXT_EXTENSIONS

TEXT = forms.Textarea(attrs={"rows": 3})
# What a date-and-time input says: the browser's picker leaves no order to guess, and the
# time typed is read in the viewer's zone (the one every page shows).
IN_YOUR_ZONE = "In your time zone, as set on your profile."
LONG_TEXT = forms.Textarea(attrs={"rows": 6})


def choice_with_hint(title: str, hint: str) -> SafeString:
    """A radio choice's label: a short title, then a hint in the requester's words."""
    return format_html(
        '<span class="choice__title">{}</span> <span class="hint">{}</span>', title, hint
    )


class ServiceErrors:
    """Lets a form show a service's ValidationFailed next to the field it names."""

    def field_for(self, key: str) -> str | None:
        fields: dict[str, Any] = getattr(self, "fields", {})
        return key if key in fields else None


def show_service_errors(exc: ValidationFailed, *targets: forms.Form) -> None:
    """Put each of the service's complaints on the field it is about, else on the first form."""
    for key, message in exc.errors.items():
        for form in targets:
            name = form.field_for(key) if isinstance(form, ServiceErrors) else None
            if name is not None:
                form.add_error(name, message)
                break
        else:
            targets[0].add_error(None, f"{key.replace('_', ' ')}: {message}")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the attachment service checks each one's real type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The browser refuses a file whose type the server would refuse, before sending.
        accept = {
            "multiple": True,
            "accept": ",".join((*ACCEPTED_TYPES, *TEXT_EXTENSIONS)),
            "data-accepted-types": " ".join(ACCEPTED_TYPES),
            "data-accepted-names": " ".join(TEXT_EXTENSIONS),
            "data-accepted-description": ALLOWED_DESCRIPTION,
        }
        kwargs.setdefault("widget", MultipleFileInput(attrs=accept))
        kwargs.setdefault("label", "Screenshots or files")
        kwargs.setdefault(
            "help_text",
            "Drag them here, paste a screenshot, or choose files. Images, PDF, plain-text "
            "logs, CSV or Excel.",
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]
        files = [upload for upload in cleaned if upload]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class SignInForm(forms.Form):
    login = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
