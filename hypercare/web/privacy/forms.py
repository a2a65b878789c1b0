from django import forms

from hypercare.privacy.choices import RegisterAction
from hypercare.privacy.services.retention import MONTHS_MAX
from hypercare.web.forms import ServiceErrors


class AnonymiseForm(ServiceErrors, forms.Form):
    confirmation = forms.CharField(
        max_length=150,
        label="Type the person's name to confirm",
        help_text="Anonymising cannot be undone.",
    )


class RetentionForm(ServiceErrors, forms.Form):
    months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MONTHS_MAX,
        label="Keep closed tickets' files for (months)",
        help_text="Empty keeps them for good.",
    )


class RegisterFilterForm(forms.Form):
    action = forms.ChoiceField(
        required=False, choices=[("", "Every action"), *RegisterAction.choices]
    )
