"""Forms of reporting an issue and writing on a ticket, for the portal and the desk alike.

The category questions form is derived from the category's spec
(``hypercare.tickets.category_details.QUESTIONS``), the same one the services validate
with: labels, help, choices and limits are never written twice.
"""

from typing import Any

from django import forms
from django.db.models import Model, QuerySet

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import institution_people
from hypercare.orgs.models import Institution, Module
from hypercare.orgs.selectors import visible_integrations
from hypercare.tickets.category_details import (
    FIELD_PREFIX,
    QUESTIONS,
    AnswerKind,
    Question,
    question_for_key,
)
from hypercare.tickets.choices import AffectedWorkflow, Category, Level
from hypercare.web.forms import (
    CHOOSE,
    LONG_TEXT,
    TEXT,
    MultipleFileField,
    ServiceErrors,
    choice_with_hint,
)

# What kind of help, in the requester's words; each maps to a category.
HELP_KINDS = [
    (
        Category.INCIDENT,
        choice_with_hint(
            "Something is broken or down", "A screen fails or the system stops our work."
        ),
    ),
    (
        Category.INTEGRATION,
        choice_with_hint(
            "A connection to another system is failing",
            "Payment gateway, SMS, email, biometric attendance, LMS or an export.",
        ),
    ),
    (
        Category.DATA_CORRECTION,
        choice_with_hint(
            "Some records are wrong", "Data needs correcting, or an import went wrong."
        ),
    ),
    (
        Category.ACCESS,
        choice_with_hint(
            "Someone needs access", "Add, change or remove a person's role in the ERP."
        ),
    ),
    (
        Category.CONFIGURATION,
        choice_with_hint(
            "Something needs setting up differently",
            "Permissions, workflow steps, forms, alerts or a report's layout.",
        ),
    ),
    (
        Category.QUESTION,
        choice_with_hint(
            "I have a question",
            "How to do something, where to find a screen, what a report means.",
        ),
    ),
    (
        Category.ENHANCEMENT,
        choice_with_hint("We'd like something new", "A new feature or a new report."),
    ),
]

URGENCY_CHOICES = [
    (
        Level.HIGH,
        choice_with_hint("Today", "A deadline is at risk or people are waiting right now."),
    ),
    (
        Level.MEDIUM,
        choice_with_hint("In the next few days", "It matters, but work can go on for now."),
    ),
    (Level.LOW, choice_with_hint("Whenever convenient", "It can wait.")),
]

IMPACT_CHOICES = [
    (
        Level.HIGH,
        choice_with_hint(
            "Many people or a whole office cannot work",
            "For example fee collection, admissions or the payroll run has stopped.",
        ),
    ),
    (
        Level.MEDIUM,
        choice_with_hint(
            "Some people are slowed down", "There is a workaround, but it costs time."
        ),
    ),
    (Level.LOW, choice_with_hint("Only me, or a small inconvenience", "Work goes on as normal.")),
]


class ReportStartForm(ServiceErrors, forms.Form):
    """Step one of reporting an issue: where in the ERP, and what kind of help."""

    module = forms.ModelChoiceField(
        queryset=Module.objects.none(),
        label="Which part of the ERP is it about?",
        empty_label="Choose a module",
    )
    category = forms.ChoiceField(
        choices=HELP_KINDS, widget=forms.RadioSelect, label="What kind of help do you need?"
    )

    def __init__(self, *args: Any, modules: QuerySet[Module], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules  # type: ignore[attr-defined]


class ReportForm(ServiceErrors, forms.Form):
    """Step two: the issue in the reporter's words, with urgency and impact explained."""

    requester = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Who is this for?",
        help_text="You can report on behalf of a colleague; they will be kept informed.",
        empty_label=None,
    )
    title = forms.CharField(
        max_length=200,
        label="In one line, what is wrong?",
        help_text="For example: Online fee payments show as failed but money is taken.",
    )
    action_attempted = forms.CharField(
        required=False, widget=TEXT, label="What were you trying to do?"
    )
    error_seen = forms.CharField(
        required=False,
        widget=TEXT,
        label="What did you see?",
        help_text="The error message, word for word if you can.",
    )
    description = forms.CharField(
        widget=LONG_TEXT,
        label="Tell us more",
        help_text="Steps to see the problem, who is affected, anything you already tried.",
    )
    affected_workflow = forms.ChoiceField(
        choices=AffectedWorkflow.choices,
        initial=AffectedWorkflow.OTHER,
        label="Which campus process does it get in the way of?",
    )
    urgency = forms.ChoiceField(
        choices=URGENCY_CHOICES,
        widget=forms.RadioSelect,
        initial=Level.MEDIUM,
        label="How soon must it be fixed?",
    )
    impact = forms.ChoiceField(
        choices=IMPACT_CHOICES,
        widget=forms.RadioSelect,
        initial=Level.MEDIUM,
        label="Who is affected?",
    )
    operational_impact = forms.CharField(
        required=False,
        widget=TEXT,
        label="What can't people do because of this?",
        help_text="For example: 40 students cannot pay their exam fee before Friday's deadline.",
    )
    screenshots = MultipleFileField(required=False)

    def __init__(self, *args: Any, colleagues: QuerySet[User] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if colleagues is None:
            del self.fields["requester"]
        else:
            self.fields["requester"].queryset = colleagues  # type: ignore[attr-defined]

    def field_for(self, key: str) -> str | None:
        return "screenshots" if key == "file" else super().field_for(key)


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class CategoryQuestionsForm(ServiceErrors, forms.Form):
    """A category's own questions, one field per question of its spec.

    A question about a record offers the records the viewer may see at the ticket's
    institution; ``details()`` hands the services the answers as they store them.
    """

    def __init__(
        self, *args: Any, category: str, institution: Institution, viewer: User, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)
        self.category = category
        self.questions = QUESTIONS[category]
        for question in self.questions:
            self.fields[question.name] = _field(question, institution, viewer)

    def field_for(self, key: str) -> str | None:
        question = question_for_key(self.category, key.removeprefix(f"{FIELD_PREFIX}."))
        return question.name if question else None

    def details(self) -> dict[str, Any]:
        """The answers as ``open_ticket`` takes them: chosen records become their ids."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data[question.name]
            answers[question.key] = value.pk if isinstance(value, Model) else value
        return answers


def initial_answers(category: str, details: dict[str, Any]) -> dict[str, Any]:
    """A ticket's stored answers as the questions form shows them."""
    return {
        question.name: details[question.key]
        for question in QUESTIONS[category]
        if question.key in details
    }


def _field(question: Question, institution: Institution, viewer: User) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    if question.kind == AnswerKind.LINE:
        return forms.CharField(max_length=question.max_length, **common)
    if question.kind == AnswerKind.TEXT:
        return forms.CharField(max_length=question.max_length, widget=TEXT, **common)
    if question.kind == AnswerKind.CHOICE:
        return forms.ChoiceField(choices=[("", CHOOSE), *question.choices], **common)
    if question.kind == AnswerKind.MOMENT:
        return forms.DateTimeField(input_formats=DATETIME_FORMATS, widget=DATETIME_INPUT, **common)
    if question.kind == AnswerKind.COUNT:
        return forms.IntegerField(
            min_value=question.min_value, max_value=question.max_value, **common
        )
    if question.kind == AnswerKind.INTEGRATION:
        integrations = visible_integrations(viewer).filter(institution=institution, is_active=True)
        return forms.ModelChoiceField(queryset=integrations, empty_label=CHOOSE, **common)
    owners = institution_people(viewer, institution.pk, Role.DATA_OWNER)
    return forms.ModelChoiceField(queryset=owners, empty_label=CHOOSE, **common)


class MessageForm(ServiceErrors, forms.Form):
    """A public reply or an internal note."""

    body = forms.CharField(widget=LONG_TEXT, label="Message", max_length=50_000)

    def field_for(self, key: str) -> str | None:
        return "body" if key == "body" else None


class FilesForm(ServiceErrors, forms.Form):
    attachments = MultipleFileField()

    def field_for(self, key: str) -> str | None:
        return "attachments" if key == "file" else None


class ReplyForm(MessageForm):
    """The portal's reply: a message, files, or both, sent together."""

    body = forms.CharField(
        widget=LONG_TEXT,
        label="Message",
        max_length=50_000,
        required=False,
        help_text="Write to the support team, add files below, or both.",
    )


class ReplyFilesForm(FilesForm):
    attachments = MultipleFileField(required=False)


class DeskFilesForm(FilesForm):
    internal = forms.BooleanField(
        required=False, label="Internal: only support staff can see these files"
    )
