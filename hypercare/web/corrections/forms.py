"""The forms of a data correction: the record (support staff), the data owner's
decision and the requester's verification. The correction services judge every answer;
the record's changes are typed one per line and split here into their four parts."""

from typing import Any

from django import forms

from hypercare.corrections.choices import Decision, Outcome, Reason
from hypercare.corrections.content import FieldChange
from hypercare.corrections.models import CorrectionRecord
from hypercare.web.forms import LONG_TEXT, TEXT, ServiceErrors

SEPARATOR = "|"
PARTS = ("record", "field", "before", "after")


class CorrectionForm(ServiceErrors, forms.Form):
    needed_when = {"records": "there is no CSV extract"}

    records = forms.CharField(
        required=False,
        widget=TEXT,
        label="Records affected",
        help_text="One record identifier per line, such as a roll number.",
    )
    extract = forms.FileField(
        required=False,
        label="Or a CSV extract of them",
        help_text="Replaces the extract attached before, if any.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    changes = forms.CharField(
        widget=LONG_TEXT,
        label="Values before and after",
        help_text="One per line: record | field | before | after.",
    )
    reason = forms.ChoiceField(
        choices=Reason.choices, widget=forms.RadioSelect, label="Why is the data wrong?"
    )
    reversal_plan = forms.CharField(
        widget=TEXT, label="Reversal plan", help_text="How the change would be undone."
    )

    @classmethod
    def initial_from(cls, record: CorrectionRecord | None) -> dict[str, Any]:
        if record is None:
            return {}
        return {
            "records": "\n".join(record.records),
            "changes": "\n".join(
                f" {SEPARATOR} ".join(change[part] for part in PARTS) for change in record.changes
            ),
            "reason": record.reason,
            "reversal_plan": record.reversal_plan,
        }

    def clean_records(self) -> tuple[str, ...]:
        lines = str(self.cleaned_data["records"]).splitlines()
        return tuple(line for line in lines if line.strip())

    def clean_changes(self) -> tuple[FieldChange, ...]:
        rows = []
        for n, line in enumerate(str(self.cleaned_data["changes"]).splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(SEPARATOR)]
            if len(parts) != len(PARTS):
                raise forms.ValidationError(
                    f"Line {n}: write record | field | before | after, with three bars."
                )
            rows.append(FieldChange(*parts))
        return tuple(rows)

    def field_for(self, key: str) -> str | None:
        """The service names a row's part (``changes.2.after``), the extract by its id."""
        if key == "extract_id":
            return "extract"
        return super().field_for(key.split(".")[0])


class DecisionForm(ServiceErrors, forms.Form):
    needed_when = {"comment": "you refuse"}

    decision = forms.ChoiceField(
        choices=Decision.choices, widget=forms.RadioSelect, label="Your decision"
    )
    comment = forms.CharField(required=False, widget=TEXT, label="Comment")


class VerificationForm(ServiceErrors, forms.Form):
    needed_when = {"comment": "it is not right"}

    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        label="Is the correction right?",
    )
    comment = forms.CharField(
        required=False, widget=TEXT, label="Comment", help_text="What is still wrong?"
    )
