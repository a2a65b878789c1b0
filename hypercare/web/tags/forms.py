"""The forms of tags: tag a ticket, rename a tag, merge it into another."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.tags.models import NAME_MAX, Tag
from hypercare.web.forms import CHOOSE, ServiceErrors

# The list of known names the tag input offers as the agent types (a <datalist>).
NAMES_LIST = "tag-names"


class TagForm(ServiceErrors, forms.Form):
    name = forms.CharField(
        label="Tag",
        max_length=NAME_MAX,
        help_text="An existing tag, or a new one.",
        widget=forms.TextInput(attrs={"list": NAMES_LIST, "autocomplete": "off"}),
    )


class RenameTagForm(ServiceErrors, forms.Form):
    name = forms.CharField(label="New name", max_length=NAME_MAX)


class MergeTagForm(ServiceErrors, forms.Form):
    into = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        empty_label=CHOOSE,
        label="Merge into",
        help_text="Every ticket with this tag gets that one instead; this tag goes.",
    )

    def __init__(self, *args: Any, tags: QuerySet[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = tags  # type: ignore[attr-defined]
