"""The training-gap flag on a ticket's desk page; the knowledge services judge it."""

from django import forms

from hypercare.knowledge.models import ROLE_MAX, TOPIC_MAX
from hypercare.knowledge.services import NOTE_MAX
from hypercare.web.forms import TEXT, ServiceErrors


class TrainingGapForm(ServiceErrors, forms.Form):
    needed_when = {"erp_role": "the requester's profile names no ERP role"}

    topic = forms.CharField(
        max_length=TOPIC_MAX, label="Topic", help_text="What they need training on."
    )
    erp_role = forms.CharField(
        required=False,
        max_length=ROLE_MAX,
        label="ERP role",
        help_text="Who needs it; left empty, the requester's ERP role.",
    )
    note = forms.CharField(required=False, max_length=NOTE_MAX, widget=TEXT, label="Note")
