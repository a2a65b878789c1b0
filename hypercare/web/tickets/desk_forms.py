"""Forms of the workspace: a ticket's properties changed in place, bulk changes, saved
replies and saved views (the queue's filters are ``tickets.queue_filters``)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from hypercare.accounts.models import User
from hypercare.orgs.choices import Tier, TimeEntryRule
from hypercare.orgs.models import Module, Team
from hypercare.tickets.choices import ALLOWED_TRANSITIONS, Category, Priority, QueueColumn, Status
from hypercare.tickets.models import MAX_MINUTES, Ticket
from hypercare.tickets.queue_filters import SORT_CHOICES, any_choice
from hypercare.tickets.services.conversation import newest_public_reply, usual_status_after_reply
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
    minutes it took when the ticket's team tracks time. It carries the newest public
    reply the page showed: one sent since, by someone else, is pointed out and the reply
    waits for ``confirmed`` (a tick shown only then)."""

    status = forms.ChoiceField(required=False, label="Status after sending")
    seen_event_id = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(
        required=False, label="Send anyway: I have read the newer reply", widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, ticket: Ticket, time_entry: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if field := minutes_field(time_entry):
            self.fields["minutes"] = field
        usual = usual_status_after_reply(ticket.status)
        others = [
            (value, label)
            for value, label in Status.choices
            if value in ALLOWED_TRANSITIONS[ticket.status] and value != usual
        ]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", Status(usual).label if usual != ticket.status else "Leave it as it is"),
            *others,
        ]
        # Typing tells the others on the ticket "is replying", at most every few seconds.
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": reverse("web:desk-presence", args=[ticket.pk]),
                "hx-vals": '{"replying": "1"}',
                "hx-trigger": "input changed throttle:5s",
                "hx-target": "#presence",
                "hx-swap": "innerHTML",
            }
        )
        newest = newest_public_reply(ticket)
        # 0: the page showed no reply yet, so any reply sent since is one not read.
        self.fields["seen_event_id"].initial = newest.pk if newest is not None else 0

    def field_for(self, key: str) -> str | None:
        return key if key in self.fields else None

    def ask_to_confirm(self, message: str) -> None:
        """Show the tick that sends the reply anyway, with why it is asked for."""
        self.fields["confirmed"].widget = forms.CheckboxInput()
        self.add_error("confirmed", message)


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
    status = forms.ChoiceField(
        choices=any_choice(Status.choices, "Choose a status"), required=False
    )
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


class SavedViewForm(ServiceErrors, forms.Form):
    """A queue kept under a name; the queue page fills the query, sort and columns."""

    name = forms.CharField(max_length=60, label="Name")
    query = forms.CharField(
        required=False,
        max_length=2000,
        label="Filters",
        help_text="As the queue's address carries them, for example queue=team&priority=high.",
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, label="Sort")
    columns = forms.CharField(
        max_length=200,
        label="Columns, in order",
        help_text="Comma-separated, from: " + ", ".join(QueueColumn.values) + ".",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="Only me", label="Shared with"
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def clean_columns(self) -> list[str]:
        value: str = self.cleaned_data["columns"]
        return [key.strip() for key in value.split(",") if key.strip()]
