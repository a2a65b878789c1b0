"""Forms of the workspace: a ticket's properties changed in place, the queue's filters,
bulk changes and saved replies."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode, Tier, TimeEntryRule
from hypercare.orgs.models import Institution, Module, Team
from hypercare.tickets.choices import ALLOWED_TRANSITIONS, Category, Channel, Priority, Status
from hypercare.tickets.models import MAX_MINUTES
from hypercare.tickets.selectors import (
    ASSIGNEE_ME,
    ASSIGNEE_NONE,
    DEFAULT_SORT,
    TicketFilters,
)
from hypercare.tickets.services.conversation import usual_status_after_reply
from hypercare.web.forms import LONG_TEXT, TEXT, ServiceErrors
from hypercare.web.tickets.forms import MessageForm

# Who sees a reason, said next to it; a checkbox beside it switches the words (hypercare.js).
SEEN_BY_REQUESTER = "Visible to the requester on their timeline."
SEEN_BY_STAFF = "Only support staff see it."


def visibility_switch(of: str, *, public_when_ticked: bool) -> forms.CheckboxInput:
    """A checkbox that makes the field ``of`` public or internal, and says which."""
    return forms.CheckboxInput(
        attrs={
            "data-visibility-of": of,
            "data-public-when-ticked": "true" if public_when_ticked else "false",
            "data-public-text": SEEN_BY_REQUESTER,
            "data-internal-text": SEEN_BY_STAFF,
        }
    )


class StatusForm(ServiceErrors, forms.Form):
    status = forms.ChoiceField(choices=Status.choices, label="New status")
    reason = forms.CharField(required=False, widget=TEXT, label="Reason", max_length=2000)

    def __init__(self, *args: Any, allowed: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Status.choices if value in allowed
        ]


def minutes_field(rule: str) -> forms.IntegerField | None:
    """The minutes a reply or note took, as the ticket's team asks for them (none when
    it tracks no time); the service checks the same bounds."""
    if rule == TimeEntryRule.OFF:
        return None
    return forms.IntegerField(
        required=rule == TimeEntryRule.REQUIRED,
        min_value=1,
        max_value=MAX_MINUTES,
        label="Minutes spent",
        help_text=SEEN_BY_STAFF,
    )


class NoteForm(MessageForm):
    """An internal note, with the minutes it took when the ticket's team tracks time."""

    def __init__(self, *args: Any, time_entry: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if field := minutes_field(time_entry):
            self.fields["minutes"] = field

    def field_for(self, key: str) -> str | None:
        return key if key in self.fields else None


class ReplyForm(MessageForm):
    """A public reply and the status the ticket takes with it, in one submit, with the
    minutes it took when the ticket's team tracks time."""

    status = forms.ChoiceField(required=False, label="Status after sending")

    def __init__(self, *args: Any, ticket_status: str, time_entry: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if field := minutes_field(time_entry):
            self.fields["minutes"] = field
        usual = usual_status_after_reply(ticket_status)
        others = [
            (value, label)
            for value, label in Status.choices
            if value in ALLOWED_TRANSITIONS[ticket_status] and value != usual
        ]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", Status(usual).label if usual != ticket_status else "Leave it as it is"),
            *others,
        ]

    def field_for(self, key: str) -> str | None:
        return key if key in self.fields else None


class PriorityForm(ServiceErrors, forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices, label="Priority")
    reason = forms.CharField(
        widget=TEXT, label="Reason", help_text=SEEN_BY_REQUESTER, max_length=2000
    )
    reason_internal = forms.BooleanField(
        required=False,
        label="Keep the change and its reason internal",
        widget=visibility_switch("reason", public_when_ticked=False),
    )


class CategoryForm(ServiceErrors, forms.Form):
    category = forms.ChoiceField(choices=Category.choices, label="Category")
    reason = forms.CharField(required=False, widget=TEXT, label="Reason", max_length=2000)
    confirm = forms.BooleanField(
        required=False,
        label="Leave behind the steps the old category's workflow has taken",
        help_text="Asked for when the ticket has any: a correction signed off, a change approved.",
    )


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


class TierForm(ServiceErrors, forms.Form):
    """Up a tier with a hand-over note in three parts; down a tier with a note saying why."""

    needed_when = {
        "tried": "when moving up a tier",
        "findings": "when moving up a tier",
        "needed": "when moving up a tier",
        "note": "when moving down a tier",
    }

    tier = forms.TypedChoiceField(choices=Tier.choices[1:], coerce=int, label="Tier")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label="Hand to team",
        empty_label="The team the routing rules name",
        help_text="Each tier above shows the team the routing rules name for this ticket; "
        "where they name none, choose one.",
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
        help_text=SEEN_BY_STAFF,
        max_length=10_000,
    )
    note_public = forms.BooleanField(
        required=False,
        label="Show why to the requester on their timeline",
        widget=visibility_switch("note", public_when_ticked=True),
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], routes: dict[int, Team | None], **kwargs: Any
    ) -> None:
        """``routes`` is the team the routing rules name for the ticket at each tier."""
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["tier"].choices = [  # type: ignore[attr-defined]
            (value, f"{label} → {_destination(routes.get(value))}")
            for value, label in Tier.choices[1:]
        ]

    def field_for(self, key: str) -> str | None:
        name = key.removeprefix("handover.")
        return name if name in self.fields else None


def _destination(team: Team | None) -> str:
    return team.name if team is not None else "no team named: choose one below"


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
SLA_CHOICES = [
    ("breached", "Breached"),
    ("met", "Met"),
    ("warned", "Warning"),
    ("due_1h", "Due within 1 h"),
]
DUE_SOON_MINUTES = 60
SLA_CLOCK_CHOICES = [("first_response", "First response"), ("resolution", "Resolution")]
# The status filter's value for every status, closed ones too (the reports' drill-downs).
ALL_STATUSES = "all"


def _moment(label: str) -> forms.DateTimeField:
    """A bound of ``MOMENTS``, written as ISO 8601 (the reports link with their offset)."""
    return forms.DateTimeField(required=False, label=label)


def _any(choices: list[tuple[Any, Any]], label: str = "Any") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class QueueFilterForm(forms.Form):
    """The workspace's filters; they combine and live in the URL so a view can be shared."""

    q = forms.CharField(required=False, label="Search", max_length=200)
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), required=False, empty_label="Any"
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="Any")
    module = forms.ChoiceField(choices=_any(ModuleCode.choices), required=False)
    category = forms.ChoiceField(choices=_any(Category.choices), required=False)
    priority = forms.ChoiceField(choices=_any(Priority.choices), required=False)
    status = forms.ChoiceField(
        choices=[*_any(Status.choices, "Any open"), (ALL_STATUSES, "Any, closed too")],
        required=False,
    )
    tier = forms.TypedChoiceField(
        choices=_any(Tier.choices), coerce=int, empty_value=None, required=False
    )
    channel = forms.ChoiceField(choices=_any(Channel.choices), required=False)
    assignee = forms.ChoiceField(required=False, label="Owner")
    sla = forms.ChoiceField(choices=_any(SLA_CHOICES), required=False, label="SLA")
    sla_clock = forms.ChoiceField(
        choices=_any(SLA_CLOCK_CHOICES, "Either"), required=False, label="SLA clock"
    )
    created_after = _moment("Created from")
    created_before = _moment("Created before")
    responded_after = _moment("First response from")
    responded_before = _moment("First response before")
    resolved_after = _moment("Resolved from")
    resolved_before = _moment("Resolved before")
    ids = forms.RegexField(
        regex=r"^[1-9][0-9]{0,17}(,[1-9][0-9]{0,17}){0,199}$",
        required=False,
        label="Ticket numbers",
        help_text="Comma-separated, as a recurring issue links to its tickets.",
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, initial=DEFAULT_SORT)

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        teams: QuerySet[Team],
        agents: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
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
        team: Team | None = data.get("team")
        tier: int | None = data.get("tier")
        sla: str = data.get("sla") or ""
        status: str = data.get("status") or ""
        return TicketFilters(
            text=data.get("q") or "",
            institution=institution.pk if institution else None,
            team=team.pk if team else None,
            module=_one(data.get("module")),
            category=_one(data.get("category")),
            priority=_one(data.get("priority")),
            status=tuple(Status) if status == ALL_STATUSES else _one(status),
            tier=() if tier is None else (tier,),
            channel=_one(data.get("channel")),
            assignee=int(assignee) if assignee.isdigit() else assignee or None,
            sla="" if sla == "due_1h" else sla,
            sla_clock=data.get("sla_clock") or "",
            due_within=DUE_SOON_MINUTES if sla == "due_1h" else None,
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
            responded_after=data.get("responded_after"),
            responded_before=data.get("responded_before"),
            resolved_after=data.get("resolved_after"),
            resolved_before=data.get("resolved_before"),
            ids=tuple(int(pk) for pk in (data.get("ids") or "").split(",") if pk),
        )

    def ordering(self) -> str:
        value = self.cleaned_data.get("sort") if self.is_bound else None
        return value or DEFAULT_SORT

    def active_count(self) -> int:
        """How many of the folded-away filters narrow the list, shown on their button."""
        folded = set(self.fields) - {"q", "sort"}
        return sum(1 for name in folded if self.is_bound and self.data.get(name))


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
