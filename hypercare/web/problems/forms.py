"""The forms of problems: what is written about one, its status, a ticket to link, the
release its fix ships in. The problem services judge every answer."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.incidents.models import MajorIncident
from hypercare.orgs.models import Integration, Module
from hypercare.problems.choices import ProblemStatus
from hypercare.problems.models import NAME_MAX, TITLE_MAX, Problem
from hypercare.problems.services.records import ProblemDetails
from hypercare.releases.models import Release
from hypercare.web.forms import TEXT, ServiceErrors
from hypercare.web.releases.forms import ReleaseChoiceField


class InstitutionsRecordsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Modules and integrations by institution: every institution has its Finance."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.institution} · {obj.name}"


class ProblemForm(ServiceErrors, forms.Form):
    """A problem's details, as ``ProblemDetails`` holds them."""

    needed_when = {
        "vendor_contact_name": "there is a vendor contact's email",
        "vendor_contact_email": "there is a vendor contact's name",
    }

    title = forms.CharField(max_length=TITLE_MAX, label="Title")
    modules = InstitutionsRecordsField(
        queryset=Module.objects.none(), required=False, label="Modules involved"
    )
    integrations = InstitutionsRecordsField(
        queryset=Integration.objects.none(), required=False, label="Integrations involved"
    )
    root_cause = forms.CharField(required=False, widget=TEXT, label="Root-cause analysis")
    workaround = forms.CharField(
        required=False,
        widget=TEXT,
        label="Workaround",
        help_text="Published as written to the requesters of the linked open tickets.",
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Owner (tier 3)",
        empty_label="Nobody on the desk",
    )
    vendor_contact_name = forms.CharField(
        max_length=NAME_MAX, required=False, label="Or a vendor contact: name"
    )
    vendor_contact_email = forms.CharField(required=False, label="Vendor contact's email")

    def __init__(
        self,
        *args: Any,
        modules: QuerySet[Module],
        integrations: QuerySet[Integration],
        owners: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = modules  # type: ignore[attr-defined]
        self.fields["integrations"].queryset = integrations  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def details(self) -> ProblemDetails:
        data = self.cleaned_data
        return ProblemDetails(
            title=data["title"],
            modules=list(data["modules"]),
            integrations=list(data["integrations"]),
            root_cause=data["root_cause"],
            workaround=data["workaround"],
            owner=data["owner"],
            vendor_contact_name=data["vendor_contact_name"],
            vendor_contact_email=data["vendor_contact_email"],
        )

    @staticmethod
    def initial_of(problem: Problem) -> dict[str, Any]:
        return {
            "title": problem.title,
            "modules": list(problem.modules.all()),
            "integrations": list(problem.integrations.all()),
            "root_cause": problem.root_cause,
            "workaround": problem.workaround,
            "owner": problem.owner,
            "vendor_contact_name": problem.vendor_contact_name,
            "vendor_contact_email": problem.vendor_contact_email,
        }


class ProblemStatusForm(ServiceErrors, forms.Form):
    status = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in ProblemStatus.choices
            if value != ProblemStatus.FIX_PLANNED
        ],
        label="Move to",
    )
    reason = forms.CharField(required=False, max_length=2000, label="Reason")


class FixReleaseForm(ServiceErrors, forms.Form):
    """The release the fix ships in: one not shipped yet, or none."""

    release = ReleaseChoiceField(
        queryset=Release.objects.none(),
        label="Fix ships in",
        required=False,
        empty_label="No release",
    )

    def __init__(self, *args: Any, releases: QuerySet[Release], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = releases  # type: ignore[attr-defined]


class LinkTicketForm(ServiceErrors, forms.Form):
    ticket = forms.CharField(max_length=20, label="Ticket reference", help_text="HC-000123")


class IncidentChoiceField(forms.ModelChoiceField[MajorIncident]):
    def label_from_instance(self, obj: MajorIncident) -> str:
        return f"{obj.reference} {obj.title}"


class IncidentLinkForm(ServiceErrors, forms.Form):
    """A major incident the problem caused, among those not linked yet."""

    incident = IncidentChoiceField(
        queryset=MajorIncident.objects.none(), label="Major incident", empty_label=None
    )

    def __init__(self, *args: Any, incidents: QuerySet[MajorIncident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = incidents  # type: ignore[attr-defined]
