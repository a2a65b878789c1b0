"""The profile's forms: names and time zone, and how each notification comes; and
an institution admin's forms for their people and invitations."""

from typing import Any

from django import forms

from hypercare.accounts.choices import INSTITUTION_ROLES, Role
from hypercare.accounts.models import User
from hypercare.accounts.services import NAME_LIMITS
from hypercare.lib.times import time_zone_groups
from hypercare.notifications.choices import Channel
from hypercare.notifications.selectors import Preference
from hypercare.web.forms import ServiceErrors

Choices = list[tuple[str, Any]]


def _city(zone: str) -> str:
    """``America/Argentina/Buenos_Aires`` reads "Argentina / Buenos Aires" in its region."""
    return zone.split("/", 1)[1].replace("_", " ").replace("/", " / ")


def time_zone_choices(user: User) -> Choices:
    """The IANA zones grouped by region; a select finds one as its city's name is typed."""
    unset = (
        f"Same as {user.institution} ({user.institution.time_zone})"
        if user.institution is not None
        else "Not set: UTC"
    )
    choices: Choices = [("", unset)]
    for region, zones in time_zone_groups():
        if not region:
            choices += [(zone, zone) for zone in zones]
        else:
            choices.append((region, [(zone, _city(zone)) for zone in zones]))
    listed = {zone for _, zones in time_zone_groups() for zone in zones}
    if user.time_zone and user.time_zone not in listed:
        # An older alias ("US/Eastern") set elsewhere stays selectable as it is.
        choices.append((user.time_zone, user.time_zone))
    return choices


class ProfileForm(ServiceErrors, forms.Form):
    first_name = forms.CharField(required=False, max_length=NAME_LIMITS["first_name"])
    last_name = forms.CharField(required=False, max_length=NAME_LIMITS["last_name"])
    time_zone = forms.ChoiceField(
        required=False,
        help_text="Every time on every page, in every mail and on every timeline is shown in "
        "this zone. Type a city's name to jump to it.",
    )

    def __init__(self, data: Any = None, *, user: User) -> None:
        initial = {"first_name": user.first_name, "last_name": user.last_name}
        super().__init__(data, initial={**initial, "time_zone": user.time_zone})
        self.fields["time_zone"].choices = time_zone_choices(user)  # type: ignore[attr-defined]


class NotificationsForm(forms.Form):
    """One choice per notification the person can receive: by mail, in the desk, both or
    not at all."""

    def __init__(self, data: Any = None, *, preferences: list[Preference]) -> None:
        super().__init__(data, initial={choice.event: choice.channel for choice in preferences})
        for choice in preferences:
            self.fields[choice.event] = forms.TypedChoiceField(
                label=choice.label, choices=Channel.choices, coerce=Channel
            )


def institution_role_choices() -> Choices:
    """The roles an institution admin may give, in the product's order."""
    return [(role.value, role.label) for role in Role if role in INSTITUTION_ROLES]


class RolesForm(ServiceErrors, forms.Form):
    roles = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="Institution admins manage the institution's people; key users see all "
        "its tickets.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = institution_role_choices()  # type: ignore[attr-defined]


class InviteForm(RolesForm):
    email = forms.CharField(max_length=254, help_text="They sign in with it.")
    first_name = forms.CharField(required=False, max_length=NAME_LIMITS["first_name"])
    last_name = forms.CharField(required=False, max_length=NAME_LIMITS["last_name"])
    field_order = ("email", "first_name", "last_name", "roles")


class BulkInviteForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, first name, last name, roles (several separated by ;).",
    )


class AcceptInvitationForm(ServiceErrors, forms.Form):
    first_name = forms.CharField(max_length=NAME_LIMITS["first_name"])
    last_name = forms.CharField(max_length=NAME_LIMITS["last_name"])
    password = forms.CharField(widget=forms.PasswordInput(render_value=False))
    password_again = forms.CharField(
        widget=forms.PasswordInput(render_value=False), label="Password again"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "does not match the password")
        return cleaned
