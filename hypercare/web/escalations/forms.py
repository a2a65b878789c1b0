"""Forms of the escalation process: they parse what people type; the services decide.

A field is required exactly when its service refuses it empty (tests/web/test_forms.py
holds each form to its service); the services check everything else and name each answer
that does not pass, and the forms show those complaints by the fields.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.escalations.choices import (
    AgreementChannel,
    CommunicationMode,
    EscalationLevel,
    EscalationReason,
    Workaround,
)
from hypercare.escalations.services.handling import (
    LONGEST_UPDATE_INTERVAL_HOURS,
    DeEscalationChecklist,
)
from hypercare.escalations.services.intake import ReviewChecklist
from hypercare.web.forms import CHOOSE, IN_YOUR_ZONE, TEXT, ServiceErrors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EscalationRequestForm(ServiceErrors, forms.Form):
    """The request with the review checklist of seed 003, in the requester's words."""

    needed_when = {
        "workaround_impractical_because": "when the workaround is impractical",
        "milestone": "when there is a milestone date",
    }

    reason = forms.ChoiceField(
        choices=EscalationReason.choices,
        widget=forms.RadioSelect,
        label="Why do you need an escalation?",
    )
    problem_statement_confirmed = forms.BooleanField(
        label="The problem statement on this ticket is correct",
        help_text="If it is not, correct it in a reply first.",
    )
    business_impact = forms.CharField(
        widget=TEXT,
        max_length=10_000,
        label="What is the business impact?",
        help_text="Who cannot work, what is at stake, since when.",
    )
    workaround = forms.ChoiceField(
        choices=Workaround.choices,
        widget=forms.RadioSelect,
        label="Is there a workaround?",
    )
    workaround_impractical_because = forms.CharField(
        required=False,
        widget=TEXT,
        max_length=10_000,
        label="Why is the workaround impractical or inappropriate?",
    )
    milestone_date = forms.DateField(
        required=False, widget=DATE, label="Critical milestone date, if there is one"
    )
    milestone = forms.CharField(
        required=False,
        max_length=500,
        label="What happens on that date?",
        help_text="For example: exam results are published.",
    )
    details = forms.CharField(
        required=False, widget=TEXT, max_length=10_000, label="Anything else we should know?"
    )

    def checklist(self) -> ReviewChecklist:
        data = self.cleaned_data
        return ReviewChecklist(
            problem_statement_confirmed=data["problem_statement_confirmed"],
            business_impact=data["business_impact"],
            workaround=data["workaround"],
            workaround_impractical_because=data["workaround_impractical_because"],
            milestone_date=data["milestone_date"],
            milestone=data["milestone"],
        )


class ManagerChoiceField(forms.ModelChoiceField[User]):
    """Escalation managers are chosen by the name people know them by."""

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ManagerForm(ServiceErrors, forms.Form):
    manager = ManagerChoiceField(
        queryset=User.objects.none(), label="Escalation manager", empty_label=None
    )
    reason = forms.CharField(required=False, max_length=2000, label="Why this manager")

    def __init__(self, *args: Any, managers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers  # type: ignore[attr-defined]


class ActionPlanForm(ServiceErrors, forms.Form):
    action_plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        label="Action plan",
        help_text="Who does what by when; the requester sees it.",
    )


class CommunicationPlanForm(ServiceErrors, forms.Form):
    mode = forms.ChoiceField(choices=CommunicationMode.choices, label="Updates by")
    update_every_hours = forms.IntegerField(
        min_value=1, max_value=LONGEST_UPDATE_INTERVAL_HOURS, label="Every (hours)"
    )
    attendees = forms.CharField(widget=TEXT, max_length=10_000, label="Attendees")


class UpdateForm(ServiceErrors, forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        label="Update for the requester",
    )


class LevelForm(ServiceErrors, forms.Form):
    level = forms.TypedChoiceField(choices=EscalationLevel.choices, coerce=int, label="Raise to")
    reason = forms.CharField(widget=TEXT, max_length=10_000, label="Reason")

    def __init__(self, *args: Any, above: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in EscalationLevel.choices if value > above
        ]


class DeEscalationForm(ServiceErrors, forms.Form):
    """The de-escalation checklist, with the requester's agreement: who, when, how."""

    action_plan_accepted = forms.BooleanField(label="The requester accepts the action plan")
    root_cause_on_track = forms.BooleanField(
        label="The troubleshooting or root-cause analysis is on track"
    )
    agreed_by = forms.CharField(max_length=200, label="Who agreed to de-escalate")
    agreed_at = forms.DateTimeField(
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        label="When they agreed",
        help_text=IN_YOUR_ZONE,
    )
    agreement_channel = forms.ChoiceField(
        choices=[("", CHOOSE), *AgreementChannel.choices],
        label="How they agreed",
    )

    def checklist(self) -> DeEscalationChecklist:
        data = self.cleaned_data
        return DeEscalationChecklist(
            action_plan_accepted=data["action_plan_accepted"],
            root_cause_on_track=data["root_cause_on_track"],
            agreed_by=data["agreed_by"],
            agreed_at=data["agreed_at"],
            agreement_channel=data["agreement_channel"],
        )
