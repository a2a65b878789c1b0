"""The form of an agent's availability."""

from django import forms

from hypercare.web.forms import ServiceErrors


class AvailabilityForm(ServiceErrors, forms.Form):
    """Whether auto-assignment may give this agent new tickets."""

    on_duty = forms.BooleanField(required=False, label="On duty: give me new tickets")
    out_of_office_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Out of office up to and including",
        help_text="Leave empty when you are not away.",
    )
