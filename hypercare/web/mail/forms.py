"""The quarantine's forms: they parse what a manager types; the services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.mail.models import Mailbox
from hypercare.mail.quarantine import DISCARD_REASON_MAX
from hypercare.orgs.models import Institution
from hypercare.web.forms import TEXT, ServiceErrors


class QuarantineFilterForm(forms.Form):
    reason = forms.CharField(label="Reason contains", required=False, max_length=200)
    mailbox = forms.ModelChoiceField(
        queryset=Mailbox.objects.none(), required=False, empty_label="Every mailbox"
    )

    def __init__(self, *args: Any, mailboxes: QuerySet[Mailbox], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].queryset = mailboxes  # type: ignore[attr-defined]


class AttachForm(ServiceErrors, forms.Form):
    ticket = forms.CharField(
        label="Ticket reference", max_length=30, help_text="For example HC-000123."
    )


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} · {obj.institution}"


class OpenTicketForm(ServiceErrors, forms.Form):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none())
    requester = PersonChoiceField(
        queryset=User.objects.none(), help_text="Someone of the institution chosen above."
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        people: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["requester"].queryset = people  # type: ignore[attr-defined]

    def field_for(self, key: str) -> str | None:
        return super().field_for(key.removesuffix("_id"))


class DiscardForm(ServiceErrors, forms.Form):
    reason = forms.CharField(
        label="Why discard it", max_length=DISCARD_REASON_MAX, widget=TEXT, strip=True
    )
