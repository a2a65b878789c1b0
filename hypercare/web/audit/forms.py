from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.audit.choices import Area


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class AuditFilterForm(forms.Form):
    """The audit list's filters as the page shows them; ``audit_entries`` checks them."""

    area = forms.ChoiceField(choices=[("", "Every area"), *Area.choices], required=False)
    record_type = forms.ChoiceField(label="Record", required=False)
    actor = PersonChoiceField(
        label="Changed by", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(label="Contains", required=False, max_length=200)

    def __init__(
        self,
        *args: Any,
        record_types: list[tuple[str, str]],
        actors: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", "Every record"), *record_types]  # type: ignore[attr-defined]
        self.fields["actor"].queryset = actors  # type: ignore[attr-defined]
