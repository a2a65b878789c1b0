"""The survey's answer and the results' period, from the specs the services use."""

from typing import Any

from django import forms

from hypercare.errors import ValidationFailed
from hypercare.surveys.choices import RATING_MAX, RATING_MIN
from hypercare.surveys.services import COMMENT_MAX

RATINGS = [
    (value, label)
    for value, label in zip(
        range(RATING_MIN, RATING_MAX + 1),
        ("1 — poor", "2", "3", "4", "5 — great"),
        strict=True,
    )
]


class AnswerForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How satisfied are you with the support on this ticket?",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment", required=False, max_length=COMMENT_MAX, widget=forms.Textarea
    )


class PeriodForm(forms.Form):
    since = forms.DateField(label="Sent from", required=False)
    until = forms.DateField(label="Sent until", required=False)


def checked(form: forms.Form) -> dict[str, Any]:
    """The form's values, or a 422 naming each field that is wrong."""
    if not form.is_valid():
        raise ValidationFailed(
            {
                field: " ".join(str(problem) for problem in problems)
                for field, problems in form.errors.items()
            }
        )
    return form.cleaned_data
