"""Forms of the web desk: they parse what people type; the services decide what is allowed."""

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import institution_people
from hypercare.errors import ValidationFailed
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team
from hypercare.orgs.selectors import visible_integrations
from hypercare.releases.models import Release
from hypercare.tickets.category_details import FIELD_PREFIX
from hypercare.tickets.choices import AffectedWorkflow, Category, Level, Priority, Status
from hypercare.tickets.selectors import ASSIGNEE_ME, ASSIGNEE_NONE, DEFAULT_SORT, TicketFilters

TEXT = forms.Textarea(attrs={"rows": 3})
LONG_TEXT = forms.Textarea(attrs={"rows": 6})


def _choice(title: str, hint: str) -> str:
    return format_html(
        '<span class="choice__title">{}</span> <span class="hint">{}</span>', title, hint
    )


# What kind of help, in the requester's words; each maps to a category.
HELP_KINDS = [
    (
        Category.INCIDENT,
        _choice("Something is broken or down", "A screen fails or the system stops our work."),
    ),
    (
        Category.INTEGRATION,
        _choice(
            "A connection to another system is failing",
            "Payment gateway, SMS, email, biometric attendance, LMS or an export.",
        ),
    ),
    (
        Category.DATA_CORRECTION,
        _choice("Some records are wrong", "Data needs correcting, or an import went wrong."),
    ),
    (
        Category.ACCESS,
        _choice("Someone needs access", "Add, change or remove a person's role in the ERP."),
    ),
    (
        Category.CONFIGURATION,
        _choice(
            "Something needs setting up differently",
            "Permissions, workflow steps, forms, alerts or a report's layout.",
        ),
    ),
    (
        Category.QUESTION,
        _choice(
            "I have a question",
            "How to do something, where to find a screen, what a report means.",
        ),
    ),
    (
        Category.ENHANCEMENT,
        _choice("We'd like something new", "A new feature or a new report."),
    ),
]

URGENCY_CHOICES = [
    (Level.HIGH, _choice("Today", "A deadline is at risk or people are waiting right now.")),
    (Level.MEDIUM, _choice("In the next few days", "It matters, but work can go on for now.")),
    (Level.LOW, _choice("Whenever convenient", "It can wait.")),
]

IMPACT_CHOICES = [
    (
        Level.HIGH,
        _choice(
            "Many people or a whole office cannot work",
            "For example fee collection, admissions or the payroll run has stopped.",
        ),
    ),
    (
        Level.MEDIUM,
        _choice("Some people are slowed down", "There is a workaround, but it costs time."),
    ),
    (Level.LOW, _choice("Only me, or a small inconvenience", "Work goes on as normal.")),
]


class ServiceErrors:
    """Lets a form show a service's ValidationFailed next to the field it names."""

    def field_for(self, key: str) -> str | None:
        fields: dict[str, Any] = getattr(self, "fields", {})
        return key if key in fields else None


def show_service_errors(exc: ValidationFailed, *targets: forms.Form) -> None:
    """Put each of the service's complaints on the field it is about, else on the first form."""
    for key, message in exc.errors.items():
        for form in targets:
            name = form.field_for(key) if isinstance(form, ServiceErrors) else None
            if name is not None:
                form.add_error(name, message)
                break
        else:
            targets[0].add_error(None, f"{key.replace('_', ' ')}: {message}")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the attachment service checks each one's real type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("label", "Screenshots or files")
        kwargs.setdefault(
            "help_text",
            "Drag them here, paste a screenshot, or choose files. Images, PDF, plain-text "
            "logs, CSV or Excel.",
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]
        files = [upload for upload in cleaned if upload]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class SignInForm(forms.Form):
    login = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


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


class DetailsForm(ServiceErrors, forms.Form):
    """A category's own questions. Field names follow ``category_details`` unless renamed."""

    renamed: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, institution: Institution, viewer: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.viewer = viewer

    def field_for(self, key: str) -> str | None:
        name = key.removeprefix(f"{FIELD_PREFIX}.")
        name = self.renamed.get(name, name)
        return name if name in self.fields else None

    def details(self) -> dict[str, Any]:
        """The answers as ``open_ticket`` takes them: chosen records become their ids."""
        answers = dict(self.cleaned_data)
        for service_name, form_name in self.renamed.items():
            chosen = answers.pop(form_name)
            answers[service_name] = chosen.pk if chosen is not None else None
        return answers


class QuestionDetailsForm(DetailsForm):
    screen_or_report = forms.CharField(max_length=2000, label="Which screen or report is it about?")


class ConfigurationDetailsForm(DetailsForm):
    area = forms.ChoiceField(
        label="What needs changing?",
        choices=[
            ("permissions", "Who may do what (permissions)"),
            ("workflow", "Workflow steps or approvals"),
            ("form", "A form"),
            ("alert", "Alerts and notifications"),
            ("report", "A report"),
        ],
    )
    current_behaviour = forms.CharField(max_length=2000, widget=TEXT, label="What happens now?")
    wanted_behaviour = forms.CharField(
        max_length=2000, widget=TEXT, label="What should happen instead?"
    )


class DataCorrectionDetailsForm(DetailsForm):
    renamed: ClassVar[dict[str, str]] = {"data_owner_id": "data_owner"}

    records_affected = forms.CharField(
        max_length=2000,
        widget=TEXT,
        label="Which records are wrong?",
        help_text="IDs, names or a range, such as roll numbers 2024001 to 2024040.",
    )
    correction_wanted = forms.CharField(
        max_length=2000, widget=TEXT, label="What should they say instead?"
    )
    data_owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Who owns this data?",
        help_text="The data owner signs off the correction before it is made.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data_owner"].queryset = institution_people(  # type: ignore[attr-defined]
            self.viewer, self.institution.pk, Role.DATA_OWNER
        )


class IntegrationDetailsForm(DetailsForm):
    renamed: ClassVar[dict[str, str]] = {"integration_id": "integration"}

    integration = forms.ModelChoiceField(
        queryset=Integration.objects.none(), label="Which connection is failing?"
    )
    transaction_reference = forms.CharField(
        max_length=2000,
        label="Reference of a failing transaction",
        help_text="A payment ID, message ID or file name we can trace.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["integration"].queryset = visible_integrations(  # type: ignore[attr-defined]
            self.viewer
        ).filter(institution=self.institution, is_active=True)


class AccessDetailsForm(DetailsForm):
    action = forms.ChoiceField(
        label="What should happen?",
        choices=[("add", "Add access"), ("change", "Change access"), ("remove", "Remove access")],
    )
    user = forms.CharField(
        max_length=2000, label="Whose access?", help_text="Their name or ERP login."
    )
    role = forms.CharField(max_length=2000, label="Which ERP role?")


class IncidentDetailsForm(DetailsForm):
    since = forms.DateTimeField(
        label="Since when?",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    users_affected = forms.IntegerField(
        min_value=1, max_value=1_000_000, label="About how many people are affected?"
    )


class EnhancementDetailsForm(DetailsForm):
    business_need = forms.CharField(
        max_length=2000, widget=TEXT, label="What do you need to be able to do, and why?"
    )
    proposed_solution = forms.CharField(
        max_length=2000, widget=TEXT, required=False, label="Any idea how it could work?"
    )


DETAILS_FORMS: dict[str, type[DetailsForm]] = {
    Category.QUESTION: QuestionDetailsForm,
    Category.CONFIGURATION: ConfigurationDetailsForm,
    Category.DATA_CORRECTION: DataCorrectionDetailsForm,
    Category.INTEGRATION: IntegrationDetailsForm,
    Category.ACCESS: AccessDetailsForm,
    Category.INCIDENT: IncidentDetailsForm,
    Category.ENHANCEMENT: EnhancementDetailsForm,
}


class MessageForm(ServiceErrors, forms.Form):
    """A public reply or an internal note."""

    body = forms.CharField(widget=LONG_TEXT, label="Message", max_length=50_000)

    def field_for(self, key: str) -> str | None:
        return "body" if key == "body" else None


class FilesForm(ServiceErrors, forms.Form):
    attachments = MultipleFileField()

    def field_for(self, key: str) -> str | None:
        return "attachments" if key == "file" else None


class StatusForm(ServiceErrors, forms.Form):
    status = forms.ChoiceField(choices=Status.choices, label="New status")
    reason = forms.CharField(required=False, widget=TEXT, label="Reason", max_length=2000)

    def __init__(self, *args: Any, allowed: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Status.choices if value in allowed
        ]


class PriorityForm(ServiceErrors, forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices, label="Priority")
    reason = forms.CharField(
        widget=TEXT, label="Reason", help_text="Kept on the timeline.", max_length=2000
    )


class CategoryForm(ServiceErrors, forms.Form):
    category = forms.ChoiceField(choices=Category.choices, label="Category")
    reason = forms.CharField(required=False, widget=TEXT, label="Reason", max_length=2000)


class ModuleForm(ServiceErrors, forms.Form):
    module = forms.ModelChoiceField(
        queryset=Module.objects.none(), label="Module", empty_label=None
    )
    reason = forms.CharField(required=False, widget=TEXT, label="Reason", max_length=2000)

    def __init__(self, *args: Any, modules: QuerySet[Module], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules  # type: ignore[attr-defined]


class AssigneeForm(ServiceErrors, forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Owner", required=False, empty_label="Nobody yet"
    )
    reason = forms.CharField(required=False, widget=TEXT, label="Reason", max_length=2000)

    def __init__(self, *args: Any, agents: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents  # type: ignore[attr-defined]


class ReleaseChoiceField(forms.ModelChoiceField[Release]):
    def label_from_instance(self, obj: Release) -> str:
        if obj.planned_date is None:
            return obj.version
        return f"{obj.version} (planned {format_date(obj.planned_date, 'j M Y')})"


class ReleaseForm(ServiceErrors, forms.Form):
    """The release the ticket's fix ships in: one not shipped yet, or none."""

    release = ReleaseChoiceField(
        queryset=Release.objects.none(), label="Ships in", required=False, empty_label="No release"
    )

    def __init__(self, *args: Any, releases: QuerySet[Release], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = releases  # type: ignore[attr-defined]


class TierForm(ServiceErrors, forms.Form):
    """Up a tier with a hand-over note in three parts; down a tier with a note saying why."""

    tier = forms.TypedChoiceField(choices=Tier.choices[1:], coerce=int, label="Tier")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label="Hand to team",
        empty_label="The tier's usual team",
    )
    tried = forms.CharField(
        required=False, widget=TEXT, label="Hand-over: what was tried", max_length=10_000
    )
    findings = forms.CharField(
        required=False, widget=TEXT, label="Hand-over: what was found", max_length=10_000
    )
    needed = forms.CharField(
        required=False,
        widget=TEXT,
        label="Hand-over: what is needed from the next tier",
        max_length=10_000,
    )
    note = forms.CharField(
        required=False,
        widget=TEXT,
        label="Moving down: why",
        help_text="Needed only when the ticket goes down a tier.",
        max_length=10_000,
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def field_for(self, key: str) -> str | None:
        name = key.removeprefix("handover.")
        return name if name in self.fields else None


class SavedReplyForm(ServiceErrors, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    title = forms.CharField(max_length=120)
    body = forms.CharField(
        widget=LONG_TEXT,
        max_length=20_000,
        help_text=(
            "Placeholders: {{requester_name}}, {{reference}}, {{title}}, {{institution}}, "
            "{{module}}, {{agent_name}}."
        ),
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


SORT_CHOICES = [
    ("priority", "Priority"),
    ("due", "Due soonest"),
    ("-created_at", "Newest first"),
    ("created_at", "Oldest first"),
    ("-updated_at", "Recently updated"),
    ("updated_at", "Longest untouched"),
]


# The SLA filter's choices; "due_1h" asks for a running clock due within the hour.
SLA_CHOICES = [("breached", "Breached"), ("warned", "Warning"), ("due_1h", "Due within 1 h")]
DUE_SOON_MINUTES = 60


def _any(choices: list[tuple[Any, Any]], label: str = "Any") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class QueueFilterForm(forms.Form):
    """The workspace's filters; they combine and live in the URL so a view can be shared."""

    q = forms.CharField(required=False, label="Search", max_length=200)
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), required=False, empty_label="Any"
    )
    module = forms.ChoiceField(choices=_any(ModuleCode.choices), required=False)
    category = forms.ChoiceField(choices=_any(Category.choices), required=False)
    priority = forms.ChoiceField(choices=_any(Priority.choices), required=False)
    status = forms.ChoiceField(choices=_any(Status.choices, "Any open"), required=False)
    tier = forms.TypedChoiceField(
        choices=_any(Tier.choices), coerce=int, empty_value=None, required=False
    )
    assignee = forms.ChoiceField(required=False, label="Owner")
    sla = forms.ChoiceField(choices=_any(SLA_CHOICES), required=False, label="SLA")
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, initial=DEFAULT_SORT)

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        agents: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            (ASSIGNEE_ME, "Me"),
            (ASSIGNEE_NONE, "Nobody"),
            *((str(agent.pk), agent.display_name) for agent in agents),
        ]

    def filters(self) -> TicketFilters:
        """The valid filters; a malformed one is shown as an error and left out."""
        data: dict[str, Any] = self.cleaned_data if self.is_bound else {}
        assignee: str = data.get("assignee") or ""
        institution: Institution | None = data.get("institution")
        tier: int | None = data.get("tier")
        sla: str = data.get("sla") or ""
        return TicketFilters(
            text=data.get("q") or "",
            institution=institution.pk if institution else None,
            module=_one(data.get("module")),
            category=_one(data.get("category")),
            priority=_one(data.get("priority")),
            status=_one(data.get("status")),
            tier=() if tier is None else (tier,),
            assignee=int(assignee) if assignee.isdigit() else assignee or None,
            sla="" if sla == "due_1h" else sla,
            due_within=DUE_SOON_MINUTES if sla == "due_1h" else None,
        )

    def ordering(self) -> str:
        value = self.cleaned_data.get("sort") if self.is_bound else None
        return value or DEFAULT_SORT


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


class TicketIdsField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if not all(str(item).isdigit() for item in values):
            raise forms.ValidationError("Pick tickets from the list.")
        return sorted({int(item) for item in values})

    def validate(self, value: Any) -> None:
        if not value:
            raise forms.ValidationError("Tick at least one ticket first.")


class BulkForm(forms.Form):
    """One change for the tickets ticked in a queue; confirmed on a second page."""

    ACTIONS = [("assign", "Assign to"), ("status", "Set status to")]

    ticket = TicketIdsField(label="Tickets")
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Choose an owner"
    )
    status = forms.ChoiceField(choices=_any(Status.choices, "Choose a status"), required=False)
    reason = forms.CharField(required=False, max_length=2000)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, agents: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("action") == "assign" and data.get("assignee") is None:
            self.add_error("assignee", "Choose who should own these tickets.")
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", "Choose the status to set.")
        return data


class AvailabilityForm(ServiceErrors, forms.Form):
    """Whether auto-assignment may give this agent new tickets."""

    on_duty = forms.BooleanField(required=False, label="On duty: give me new tickets")
    out_of_office_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Out of office up to and including",
        help_text="Leave empty when you are not away.",
    )
