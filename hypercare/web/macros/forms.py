"""The forms of macros: keep one, apply one to a ticket, apply one to ticked tickets."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.macros.models import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, Macro
from hypercare.orgs.models import Team
from hypercare.tickets.choices import Priority, Status
from hypercare.tickets.models import SavedReply
from hypercare.web.forms import CHOOSE, ServiceErrors
from hypercare.web.tickets.desk_forms import TicketIdsField

LEAVE = "Leave as it is"
NO_MACRO = "Choose one of the macros listed."


def tag_names(typed: str) -> list[str]:
    """Tags typed on one line, separated by commas."""
    return [name for name in (part.strip() for part in typed.split(",")) if name]


class MacroForm(ServiceErrors, forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    description = forms.CharField(max_length=DESCRIPTION_MAX, required=False)
    status = forms.ChoiceField(
        choices=[("", LEAVE), *Status.choices], required=False, label="Set the status to"
    )
    priority = forms.ChoiceField(
        choices=[("", LEAVE), *Priority.choices], required=False, label="Set the priority to"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label=LEAVE, label="Move to team"
    )
    tags_to_add = forms.CharField(
        required=False, max_length=1000, label="Add tags", help_text="Separate with commas."
    )
    tags_to_remove = forms.CharField(
        required=False, max_length=1000, label="Remove tags", help_text="Separate with commas."
    )
    saved_reply = forms.ModelChoiceField(
        queryset=SavedReply.objects.none(),
        required=False,
        empty_label="No reply",
        label="Reply with the saved reply",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX,
        required=False,
        label="Add an internal note",
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], replies: QuerySet[SavedReply], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["saved_reply"].queryset = replies  # type: ignore[attr-defined]


class ApplyMacroForm(forms.Form):
    macro = forms.ModelChoiceField(
        queryset=Macro.objects.none(),
        empty_label=CHOOSE,
        error_messages={"required": NO_MACRO, "invalid_choice": NO_MACRO},
    )

    def __init__(self, *args: Any, macros: QuerySet[Macro], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["macro"].queryset = macros  # type: ignore[attr-defined]


class BulkMacroForm(ApplyMacroForm):
    ticket = TicketIdsField(label="Tickets")
    next = forms.CharField(required=False, max_length=2000)
