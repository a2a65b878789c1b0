"""The forms of change requests: the record, a decision, test evidence, how the
implementation went, a ticket or problem to link, and the calendar's filters; the
release is chosen with ``web.releases.forms.ReleaseForm``. The change services judge
every answer."""

from dataclasses import fields
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from hypercare.changes.choices import ChangeKind, Decision, Outcome, Risk
from hypercare.changes.models import TITLE_MAX, ChangeRequest
from hypercare.changes.services.common import RiskAnswers
from hypercare.changes.services.records import ChangeDetails
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution, Module
from hypercare.problems.models import Problem
from hypercare.web.forms import (
    CHOOSE,
    IN_YOUR_ZONE,
    LONG_TEXT,
    TEXT,
    MultipleFileField,
    ServiceErrors,
)
from hypercare.web.incidents.forms import DATETIME
from hypercare.web.problems.forms import InstitutionsRecordsField

QUESTIONS = {
    "touches_finance_or_exam_data": "It touches finance or exam data",
    "reversible_in_minutes": "It can be rolled back within minutes",
    "affects_several_institutions": "It affects more than one institution",
    "in_production_hours": "It is done during production hours",
}


class ChangeForm(ServiceErrors, forms.Form):
    """A change's details, as ``ChangeDetails`` holds them."""

    needed_when = {
        "window_start": "the window has an end",
        "window_end": "the window has a start",
    }

    title = forms.CharField(max_length=TITLE_MAX, label="Title")
    kind = forms.ChoiceField(choices=[("", CHOOSE), *ChangeKind.choices], label="Kind")
    plan = forms.CharField(
        required=False, widget=LONG_TEXT, label="Plan", help_text="Needed to submit it."
    )
    rollback_plan = forms.CharField(
        required=False, widget=TEXT, label="Rollback plan", help_text="Needed to submit it."
    )
    window_start = forms.DateTimeField(
        required=False, widget=DATETIME, label="Window starts", help_text=IN_YOUR_ZONE
    )
    window_end = forms.DateTimeField(required=False, widget=DATETIME, label="Window ends")
    touches_finance_or_exam_data = forms.BooleanField(
        required=False, label=QUESTIONS["touches_finance_or_exam_data"]
    )
    reversible_in_minutes = forms.BooleanField(
        required=False, initial=True, label=QUESTIONS["reversible_in_minutes"]
    )
    affects_several_institutions = forms.BooleanField(
        required=False, label=QUESTIONS["affects_several_institutions"]
    )
    in_production_hours = forms.BooleanField(required=False, label=QUESTIONS["in_production_hours"])
    risk = forms.ChoiceField(
        choices=[("", "As the questions assess it"), *Risk.choices],
        required=False,
        label="Risk",
        help_text="Raise it above the assessment when you know more; never lower.",
    )
    modules = InstitutionsRecordsField(
        queryset=Module.objects.none(),
        required=False,
        label="Affected modules",
        help_text="Each one's owner approves the change. Needed to submit it.",
    )
    institutions = forms.ModelMultipleChoiceField(
        queryset=Institution.objects.none(),
        required=False,
        label="Other institutions concerned",
    )
    problems = forms.ModelMultipleChoiceField(
        queryset=Problem.objects.none(), required=False, label="Problems it fixes"
    )

    def __init__(
        self,
        *args: Any,
        modules: QuerySet[Module],
        institutions: QuerySet[Institution],
        problems: QuerySet[Problem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = modules  # type: ignore[attr-defined]
        self.fields["institutions"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["problems"].queryset = problems  # type: ignore[attr-defined]

    def details(self) -> ChangeDetails:
        data = self.cleaned_data
        answers = RiskAnswers(**{item.name: data[item.name] for item in fields(RiskAnswers)})
        return ChangeDetails(
            title=data["title"],
            kind=data["kind"],
            plan=data["plan"],
            rollback_plan=data["rollback_plan"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            answers=answers,
            risk=data["risk"],
            modules=list(data["modules"]),
            institutions=list(data["institutions"]),
            problems=list(data["problems"]),
        )

    @staticmethod
    def initial_of(change: ChangeRequest) -> dict[str, Any]:
        details = ChangeDetails.of(change)
        answers = {item.name: getattr(details.answers, item.name) for item in fields(RiskAnswers)}
        return {
            **{name: getattr(details, name) for name in ChangeDetails.__dataclass_fields__},
            **answers,
        }


class _OwnIds(ServiceErrors, forms.Form):
    """A form of the change's page with ids of its own: several have a note."""

    id_prefix: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class DecisionForm(_OwnIds):
    needed_when = {"comment": "you reject it"}
    id_prefix = "decision"

    decision = forms.ChoiceField(
        choices=[(Decision.APPROVED, "Approve"), (Decision.REJECTED, "Reject")],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    comment = forms.CharField(required=False, widget=TEXT, label="Comment")


class EvidenceForm(_OwnIds):
    id_prefix = "evidence"
    note = forms.CharField(widget=TEXT, label="What the test showed")
    attachments = MultipleFileField(
        required=False, label="Evidence files", help_text="Screenshots, logs, PDF, CSV or Excel."
    )

    def field_for(self, key: str) -> str | None:
        """The service names one refused file ``file`` and the files' total ``files``."""
        return "attachments" if key in ("file", "files") else super().field_for(key)


class ImplementationForm(_OwnIds):
    needed_when = {"note": "it was rolled back"}
    id_prefix = "implementation"

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect, label="Result")
    note = forms.CharField(required=False, widget=TEXT, label="Note")


class CancelForm(_OwnIds):
    id_prefix = "cancel"
    reason = forms.CharField(required=False, max_length=2000, label="Why")


class TicketLinkForm(_OwnIds):
    """A ticket to link, by the reference typed (``web.forms.named_ticket``)."""

    id_prefix = "link-ticket"
    ticket = forms.CharField(
        max_length=20,
        label="Ticket reference",
        help_text="HC-000123, of an institution the change concerns.",
    )


class ProblemChoiceField(forms.ModelChoiceField[Problem]):
    def label_from_instance(self, obj: Problem) -> str:
        return f"{obj.reference} {obj.title}"


class ProblemLinkForm(_OwnIds):
    """A problem the change fixes, among those not linked yet."""

    id_prefix = "link-problem"
    problem = ProblemChoiceField(
        queryset=Problem.objects.none(), label="Problem it fixes", empty_label=CHOOSE
    )

    def __init__(self, *args: Any, problems: QuerySet[Problem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems  # type: ignore[attr-defined]


class CalendarFilterForm(forms.Form):
    """The calendar's month and filters; every one optional."""

    month = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        label="Month",
    )
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), required=False, empty_label="Every institution"
    )
    module = forms.ChoiceField(
        choices=[("", "Every module"), *ModuleCode.choices], required=False, label="Module"
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
