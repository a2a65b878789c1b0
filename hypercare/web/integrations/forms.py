"""The forms of an integration ticket's work: what tracing found, and a question to one
of the integration's contacts."""

from typing import Any

from django import forms

from hypercare.integrations.services import REFERENCE_MAX, TEXT_MAX
from hypercare.orgs.models import IntegrationContact
from hypercare.web.forms import TEXT, ServiceErrors


class TraceForm(ServiceErrors, forms.Form):
    transaction_reference = forms.CharField(
        required=False,
        max_length=REFERENCE_MAX,
        label="Transaction",
        help_text="Left empty: the reference the requester gave.",
    )
    finding = forms.CharField(max_length=TEXT_MAX, widget=TEXT, label="What the trace found")


class ContactRequestForm(ServiceErrors, forms.Form):
    contact = forms.ModelChoiceField(
        queryset=IntegrationContact.objects.none(), label="Ask", empty_label=None
    )
    message = forms.CharField(max_length=TEXT_MAX, widget=TEXT, label="Message")

    def __init__(self, *args: Any, contacts: list[IntegrationContact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [contact.pk for contact in contacts if contact.email]
        self.fields["contact"].queryset = IntegrationContact.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
