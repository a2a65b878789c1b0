"""The usage upload: one CSV file, read by ``adoption.usage_file`` and judged by the
usage service."""

from django import forms

from hypercare.adoption.usage_file import COLUMNS
from hypercare.web.forms import ServiceErrors


class UsageUploadForm(ServiceErrors, forms.Form):
    file = forms.FileField(
        label="Usage file (CSV)",
        help_text=f"A header line {','.join(COLUMNS)}, then one line a module a day: the "
        "module's code (finance, fees, ...), the day as YYYY-MM-DD and the active users.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
