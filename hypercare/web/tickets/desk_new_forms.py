"""The desk's new-ticket forms: the portal's report forms as an agent fills them in for
someone who called, came by or wrote in a chat."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.orgs.models import Module
from hypercare.tickets.choices import DESK_CHANNELS, Channel
from hypercare.web.tickets.forms import ReportForm, ReportStartForm


class InstitutionModuleChoiceField(forms.ModelChoiceField[Module]):
    """Modules of every institution in one list: each named with its institution."""

    def label_from_instance(self, obj: Module) -> str:
        return f"{obj.institution.name} · {obj.name}"


class DeskStartForm(ReportStartForm):
    """Step one: the institution's module (which names the institution) and the kind of
    help, as the caller describes it."""

    module = InstitutionModuleChoiceField(
        queryset=Module.objects.none(),
        label="Institution and module",
        empty_label="Choose the institution's module",
    )


class DeskReportForm(ReportForm):
    """Step two: whose request it is and how it came in, then the report's own questions.

    The requester is one of the institution's active people: ``people`` holds them all,
    the page shows those the agent's search found."""

    channel = forms.ChoiceField(
        choices=[(channel, Channel(channel).label) for channel in DESK_CHANNELS],
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
        label="How did the request come in?",
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, colleagues=people, **kwargs)
        requester = self.fields["requester"]
        requester.label = "Requester"
        requester.help_text = "Search the institution's people by name or email."
        requester.widget = forms.RadioSelect()
