"""The forms of product feedback: an idea's words, its status, a duplicate to merge, an
enhancement ticket to record. The feedback services judge every answer."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.feedback.choices import IdeaStatus
from hypercare.feedback.models import TITLE_MAX, Idea
from hypercare.feedback.services import TEXT_MAX
from hypercare.orgs.choices import ModuleCode
from hypercare.releases.models import Release
from hypercare.web.forms import CHOOSE, TEXT, ServiceErrors
from hypercare.web.releases.forms import ReleaseChoiceField


class IdeaForm(ServiceErrors, forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        label="Idea",
        help_text="Every institution reads it: name no institution or person.",
    )
    description = forms.CharField(
        max_length=TEXT_MAX, widget=TEXT, label="What it would let people do"
    )
    module_code = forms.TypedChoiceField(
        choices=[("", CHOOSE), *ModuleCode.choices], label="Module"
    )


class IdeaStatusForm(ServiceErrors, forms.Form):
    needed_when = {"release": "planned or shipped", "reason": "declined"}

    status = forms.ChoiceField(choices=IdeaStatus.choices, label="Status")
    release = ReleaseChoiceField(
        queryset=Release.objects.none(), required=False, label="Release", empty_label="None"
    )
    reason = forms.CharField(
        required=False, max_length=TEXT_MAX, widget=TEXT, label="Why it is declined"
    )

    def __init__(self, *args: Any, releases: QuerySet[Release], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = releases  # type: ignore[attr-defined]


class IdeaChoiceField(forms.ModelChoiceField[Idea]):
    def label_from_instance(self, obj: Idea) -> str:
        return f"{obj.reference} {obj.title}"


class MergeIdeaForm(ServiceErrors, forms.Form):
    survivor = IdeaChoiceField(queryset=Idea.objects.none(), label="Merge into", empty_label=None)

    def __init__(self, *args: Any, ideas: QuerySet[Idea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = ideas  # type: ignore[attr-defined]


class RecordIdeaForm(ServiceErrors, forms.Form):
    """An enhancement ticket recorded as an existing idea, or as a new one."""

    idea = IdeaChoiceField(
        queryset=Idea.objects.none(),
        required=False,
        label="An idea already recorded",
        empty_label="None of these: a new idea",
    )

    def __init__(self, *args: Any, ideas: QuerySet[Idea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = ideas  # type: ignore[attr-defined]
