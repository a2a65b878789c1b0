"""The forms of releases: planning a ticket's fix for one, planning a new one, its notes."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.lib.times import day_text
from hypercare.releases.models import ITEM_TEXT_MAX, VERSION_MAX, Release
from hypercare.web.forms import LONG_TEXT, TEXT, ServiceErrors


class ReleaseChoiceField(forms.ModelChoiceField[Release]):
    def label_from_instance(self, obj: Release) -> str:
        if obj.planned_date is None:
            return obj.version
        return f"{obj.version} (planned {day_text(obj.planned_date)})"


class ReleaseForm(ServiceErrors, forms.Form):
    """The release the ticket's fix ships in: one not shipped yet, or none."""

    release = ReleaseChoiceField(
        queryset=Release.objects.none(), label="Ships in", required=False, empty_label="No release"
    )

    def __init__(self, *args: Any, releases: QuerySet[Release], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = releases  # type: ignore[attr-defined]


class NewReleaseForm(ServiceErrors, forms.Form):
    """A release to plan; the release service checks the version and the notes."""

    version = forms.CharField(
        max_length=VERSION_MAX, label="Version", help_text="For example 2025.3."
    )
    planned_date = forms.DateField(
        required=False,
        label="Planned for",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        required=False,
        widget=TEXT,
        label="Release notes",
        help_text="Every institution reads them: name none.",
    )


class ReleaseNotesForm(ServiceErrors, forms.Form):
    """The general notes of a release not shipped yet."""

    notes = forms.CharField(
        required=False,
        widget=LONG_TEXT,
        label="General notes",
        help_text="Every institution reads them: name none.",
    )


class NoteItemForm(ServiceErrors, forms.Form):
    """One item of the notes, as the institutions it concerns will read it."""

    text = forms.CharField(max_length=ITEM_TEXT_MAX, label="Line")
