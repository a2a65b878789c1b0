"""Forms of the major incident pages: they parse what people type; the services decide."""

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import (
    LONGEST_UPDATE_INTERVAL_HOURS,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Declaration,
)
from hypercare.orgs.choices import IntegrationKind, ModuleCode
from hypercare.orgs.models import Institution
from hypercare.web.forms import CHOOSE, IN_YOUR_ZONE, LONG_TEXT, TEXT, ServiceErrors
from hypercare.web.tickets.desk_forms import TicketIdsField

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DeclareForm(ServiceErrors, forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        label="What is failing",
        help_text="The banner's words, read by every affected institution: "
        "for example “fee payments failing”. Name no institution or person.",
    )
    module_code = forms.ChoiceField(
        choices=[("", CHOOSE), *ModuleCode.choices], label="Module affected"
    )
    integration_kind = forms.ChoiceField(
        choices=[("", "No integration"), *IntegrationKind.choices],
        required=False,
        label="Integration affected",
    )
    impact = forms.CharField(
        widget=TEXT, max_length=TEXT_MAX, label="Impact", help_text="What people cannot do."
    )
    institutions = forms.ModelMultipleChoiceField(
        queryset=Institution.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Institutions affected",
    )
    started_at = forms.DateTimeField(widget=DATETIME, label="Started at", help_text=IN_YOUR_ZONE)
    update_every_hours = forms.IntegerField(
        min_value=1,
        max_value=LONGEST_UPDATE_INTERVAL_HOURS,
        initial=1,
        label="Post an update every (hours)",
    )

    resolve_by = forms.DateTimeField(
        widget=DATETIME,
        required=False,
        label="Resolve by",
        help_text=f"{IN_YOUR_ZONE} Left empty: {settings.HYPERCARE_INCIDENT_RESOLVE_HOURS} hours "
        "from now, around the clock.",
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = institutions  # type: ignore[attr-defined]

    def declaration(self) -> Declaration:
        data = self.cleaned_data
        return Declaration(
            title=data["title"],
            module_code=data["module_code"],
            integration_kind=data["integration_kind"],
            impact=data["impact"],
            institutions=list(data["institutions"]),
            started_at=data["started_at"],
            update_every_hours=data["update_every_hours"],
            resolve_by=data["resolve_by"],
        )


class IncidentUpdateForm(ServiceErrors, forms.Form):
    body = forms.CharField(
        widget=LONG_TEXT,
        max_length=TEXT_MAX,
        label="Public update",
        help_text="Sent to every child's requester and every affected institution's admins, "
        "and shown on each child ticket. Name no institution or person.",
    )


class ResolutionForm(ServiceErrors, forms.Form):
    resolution = forms.CharField(
        widget=TEXT,
        max_length=TEXT_MAX,
        label="Resolution note",
        help_text="Each open child is resolved with it, and its requester told.",
    )


class ResolveByForm(ServiceErrors, forms.Form):
    resolve_by = forms.DateTimeField(widget=DATETIME, label="New target", help_text=IN_YOUR_ZONE)
    reason = forms.CharField(
        widget=TEXT,
        max_length=REASON_MAX,
        label="Why it moves",
        help_text="Kept on the incident's timeline.",
    )


class ChildForm(ServiceErrors, forms.Form):
    """A ticket to attach, by reference or id; the view looks it up among the visible."""

    ticket = forms.CharField(max_length=30, label="Ticket reference")


class AttachTicketsForm(forms.Form):
    """Tickets ticked in a queue (or the one on its page) for one active incident."""

    ticket = TicketIdsField(label="Tickets")
    incident = forms.ModelChoiceField(
        queryset=MajorIncident.objects.none(), empty_label=CHOOSE, label="Major incident"
    )
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, incidents: QuerySet[MajorIncident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = incidents  # type: ignore[attr-defined]
        self.fields["incident"].error_messages["required"] = "Choose the major incident."
        self.fields["incident"].error_messages["invalid_choice"] = "Choose an active incident."
