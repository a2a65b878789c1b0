"""Form pieces every page of the web desk shares: they parse what people type, and show
the services' complaints by the fields they are about. The services decide."""

from typing import Any, ClassVar

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.lib.files import ACCEPTED_TYPES, ALLOWED_DESCRIPTION, TEXT_EXTENSIONS
from hypercare.lib.validation import EMPTY, choose
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket_by_ref

TEXT = forms.Textarea(attrs={"rows": 3})
# What a date-and-time input says: the browser's picker leaves no order to guess, and the
# time typed is read in the viewer's zone (the one every page shows).
IN_YOUR_ZONE = "In your time zone, as set on your profile."
# A select's prompt before anything is chosen (never Django's "---------").
CHOOSE = "Choose…"
LONG_TEXT = forms.Textarea(attrs={"rows": 6})
NO_SUCH_TICKET = "No such ticket, or you may not see it."


def choice_with_hint(title: str, hint: str) -> SafeString:
    """A radio choice's label: a short title, then a hint in the requester's words."""
    return format_html(
        '<span class="choice__title">{}</span> <span class="hint">{}</span>', title, hint
    )


class ServiceErrors(forms.Form):
    """Lets a form show a service's ValidationFailed next to the field it names.

    A field is ``required`` exactly when its service refuses it empty (tests/web/
    test_forms.py holds each form to its service), so its label never says "optional"
    for an answer the service wants. ``needed_when`` names the fields the service wants
    only in some cases, with the case, shown in place of "(optional)".

    The service stays the judge: a left-out text, choice, tick or date goes on to it
    empty, so it names every problem of the submit at once, in the same words as in the
    API. Values the service cannot take (a malformed number, a left-out record) are
    refused here, and then every left-out answer with them.
    """

    needed_when: ClassVar[dict[str, str]] = {}
    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["required"] = choose(name)
                field.error_messages["invalid_choice"] = choose(name)
            elif isinstance(field, forms.BooleanField):
                field.error_messages["required"] = "tick this to confirm"
            else:
                field.error_messages["required"] = EMPTY

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        left_out = {}
        for name, problems in self.errors.as_data().items():
            empty = _empty_for_service(self.fields.get(name))
            if empty is _JUDGED_HERE or any(problem.code != "required" for problem in problems):
                return  # the form has its own complaint: show them all, with the left-out
            left_out[name] = empty
        for name, empty in left_out.items():
            del self.errors[name]
            self.cleaned_data[name] = empty

    def field_for(self, key: str) -> str | None:
        return key if key in self.fields else None


_JUDGED_HERE = object()


def _empty_for_service(field: forms.Field | None) -> object:
    """What a left-out answer reaches the service as, or ``_JUDGED_HERE`` when the
    service cannot take it empty (a number, a record, a typed choice)."""
    if isinstance(field, forms.BooleanField):
        return False
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return None
    if isinstance(field, forms.TypedChoiceField | forms.ModelChoiceField):
        return _JUDGED_HERE
    if isinstance(field, forms.CharField | forms.ChoiceField):
        return ""
    return _JUDGED_HERE


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


def named_ticket(user: User, form: forms.Form, field: str) -> Ticket:
    """The ticket ``form``'s ``field`` names by its reference (or id), among those ``user``
    may see; else ValidationFailed on that field (for ``show_service_errors``).

    A ticket that does not exist and one of another institution get the same words, so
    the answer never tells that a reference is taken."""
    typed = form.cleaned_data[field].strip()
    try:
        return get_visible_ticket_by_ref(user, typed)
    except NotFound:
        raise ValidationFailed({field: NO_SUCH_TICKET if typed else EMPTY}) from None


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
