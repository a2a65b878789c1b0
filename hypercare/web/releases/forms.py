"""The form that plans a ticket's fix for a release."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.lib.times import day_text
from hypercare.releases.models import Release
from hypercare.web.forms import ServiceErrors


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
