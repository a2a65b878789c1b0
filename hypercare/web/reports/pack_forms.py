"""The review pack forms; ``reports.services`` judges every answer."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.reports.choices import PackKind, Weekday
from hypercare.reports.services import NOTES_MAX
from hypercare.web.forms import TEXT, ServiceErrors


class PackForm(ServiceErrors, forms.Form):
    """Which pack to build, for whom; notes only on a support manager's form."""

    kind = forms.ChoiceField(choices=[("", "Choose…"), *PackKind.choices], label="Pack")
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        required=False,
        empty_label="All institutions",
        label="Institution",
    )
    notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX,
        widget=TEXT,
        label="Post-live review notes",
        help_text="Kept with the pack; you can change them once it is built.",
    )

    def __init__(
        self, *args: Any, institutions: QuerySet[Institution], notes: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (declared above)
        field.queryset = institutions
        if not notes:
            del self.fields["notes"]


class NotesForm(ServiceErrors, forms.Form):
    notes = forms.CharField(
        required=False, max_length=NOTES_MAX, widget=TEXT, label="Post-live review notes"
    )


class ScheduleForm(ServiceErrors, forms.Form):
    """A pack kind mailed to named people, each week or on the first weekday of each
    month or quarter, at a time in the institution's zone."""

    kind = forms.ChoiceField(choices=[("", "Choose…"), *PackKind.choices], label="Pack")
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        required=False,
        empty_label="All institutions",
        label="Institution",
    )
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label="Weekday")
    at = forms.TimeField(label="Time", help_text="In the institution's time zone, e.g. 08:00.")
    recipients = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Recipients",
        help_text="The institution's people, or support staff.",
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        people: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("institution", institutions), ("recipients", people)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (declared above)
            field.queryset = queryset
