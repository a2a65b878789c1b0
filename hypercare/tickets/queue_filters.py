"""The queue's filters as the URL carries them: the one parser of a queue's query string.

The desk's queue page, a saved view's stored query and the API's view endpoint read the
same string through ``QueueFilterForm``, so a filter added here works in all three."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_agents
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Team
from hypercare.orgs.selectors import teams, visible_institutions
from hypercare.tickets.choices import Category, Channel, Priority, Status
from hypercare.tickets.selectors import (
    ASSIGNEE_ME,
    ASSIGNEE_NONE,
    DEFAULT_SORT,
    TicketFilters,
)

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


def any_choice(choices: list[tuple[Any, Any]], label: str = "Any") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class QueueFilterForm(forms.Form):
    """The workspace's filters; they combine and live in the URL so a view can be shared."""

    q = forms.CharField(required=False, label="Search", max_length=200)
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), required=False, empty_label="Any"
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="Any")
    module = forms.ChoiceField(choices=any_choice(ModuleCode.choices), required=False)
    category = forms.ChoiceField(choices=any_choice(Category.choices), required=False)
    priority = forms.ChoiceField(choices=any_choice(Priority.choices), required=False)
    status = forms.ChoiceField(
        choices=[*any_choice(Status.choices, "Any open"), (ALL_STATUSES, "Any, closed too")],
        required=False,
    )
    tier = forms.TypedChoiceField(
        choices=any_choice(Tier.choices), coerce=int, empty_value=None, required=False
    )
    channel = forms.ChoiceField(choices=any_choice(Channel.choices), required=False)
    tag = forms.CharField(
        required=False,
        max_length=200,
        label="Tags",
        help_text="Comma-separated: tickets with any of them.",
    )
    assignee = forms.ChoiceField(required=False, label="Owner")
    sla = forms.ChoiceField(choices=any_choice(SLA_CHOICES), required=False, label="SLA")
    sla_clock = forms.ChoiceField(
        choices=any_choice(SLA_CLOCK_CHOICES, "Either"), required=False, label="SLA clock"
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
        with_tags: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_tags:
            # Tags are the support side's: a reader of another side is not offered them.
            del self.fields["tag"]
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
            tag=tuple(name for name in (data.get("tag") or "").split(",") if name.strip()),
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


def queue_filter_form(
    user: User, data: QueryDict, agents: QuerySet[User] | None = None
) -> QueueFilterForm:
    """The queue's filters ``data`` asks for, with the choices ``user`` is offered.
    ``agents``, read once, serves several forms (each saved view's tab)."""
    return QueueFilterForm(
        data,
        institutions=visible_institutions(user),
        teams=teams(),
        agents=support_agents() if agents is None else agents,
    )
