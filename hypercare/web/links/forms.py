"""The forms of links: link to a ticket, merge into one, split a message off.

A ticket is named by its reference and looked up by the view through the viewer's
scope; the link services judge the rest.
"""

from django import forms

from hypercare.links.choices import LinkKind
from hypercare.links.services import REASON_MAX
from hypercare.tickets.services.intake import TITLE_MAX
from hypercare.web.forms import CHOOSE, TEXT, ServiceErrors

REFERENCE_HELP = "Its reference, for example HC-000123."


class LinkForm(ServiceErrors, forms.Form):
    # Typed, so the form itself refuses it left out: the service is not reached without
    # a ticket to link, so it could not name this field's problem too.
    kind = forms.TypedChoiceField(
        choices=[("", CHOOSE), *LinkKind.choices],
        label="This ticket is",
        help_text="Parent of: the other ticket becomes its child.",
    )
    ticket = forms.CharField(label="Ticket", max_length=20, help_text=REFERENCE_HELP)


class MergeForm(ServiceErrors, forms.Form):
    survivor = forms.CharField(
        label="Merge into",
        max_length=20,
        help_text=f"The ticket this one duplicates. {REFERENCE_HELP} This ticket closes, "
        "its requester follows that one, and replies to this one go there.",
    )
    reason = forms.CharField(required=False, max_length=REASON_MAX, widget=TEXT, label="Reason")


class SplitForm(ServiceErrors, forms.Form):
    title = forms.CharField(label="Title of the new ticket", max_length=TITLE_MAX)
