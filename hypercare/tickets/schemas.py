"""API shapes for tickets. Input schemas list exactly the fields an operation may set."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema, field_validator

from hypercare.accounts.models import User
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, actor
from hypercare.lib.text import body_text, single_line
from hypercare.lib.validation import choose
from hypercare.links.schemas import LinkOut
from hypercare.links.selectors import LinkView, ticket_links
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.sla.choices import ClockState
from hypercare.tags.models import NAME_MAX as TAG_NAME_MAX
from hypercare.tickets import workflows
from hypercare.tickets.category_details import DETAILS_BY_CATEGORY
from hypercare.tickets.choices import (
    AffectedWorkflow,
    Category,
    Channel,
    Level,
    Priority,
    Status,
)
from hypercare.tickets.models import Attachment, HandOver, Ticket
from hypercare.tickets.selectors import DEFAULT_SORT, SORTS, SlaStanding

# Up to a week ahead: further than that no SLA target reaches.
MAX_DUE_WITHIN_MINUTES = 7 * 24 * 60
REASON = 2000
NOTE = 10_000
Reason = Annotated[str, body_text(max_length=REASON)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


# The answers to the category's own questions, validated by the service against the
# category's spec; the document shows each category's questions, labelled as the forms
# ask them (``hypercare.tickets.category_details``).
CategoryAnswers = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "description": "The answers to the chosen category's own questions: one of these.",
            "oneOf": [model.model_json_schema() for model in DETAILS_BY_CATEGORY.values()],
        }
    ),
]


class InstitutionRef(Schema):
    id: int
    slug: str
    name: str


class ModuleRef(Schema):
    id: int
    code: ModuleCode
    name: str


class TeamRef(Schema):
    id: int
    name: str
    tier: Tier


class TicketCreateIn(_Input):
    """Open a ticket. Institution users report for their own institution: support staff
    name the institution; key users and support staff may name another requester; only
    support staff say how it came in."""

    institution_id: DbId | None = None
    requester_id: DbId | None = None
    module: ModuleCode
    category: Category
    title: Annotated[str, single_line(min_length=1, max_length=200)]
    description: Annotated[str, body_text(min_length=1, max_length=50_000)]
    urgency: Level
    impact: Level
    channel: Literal[Channel.API, Channel.EMAIL, Channel.PHONE, Channel.WALK_IN, Channel.CHAT] = (
        Field(
            Channel.API,
            description="How the request came in: `api` unless support staff log a ticket from a "
            "phone call (`phone`), a visit to the desk (`walk_in`), a chat (`chat`) or a mail "
            "(`email`). Only support staff may set it; from anyone else it is refused (422).",
        )
    )
    category_details: CategoryAnswers
    action_attempted: Annotated[str, body_text(max_length=NOTE)] = ""
    error_seen: Annotated[str, body_text(max_length=NOTE)] = ""
    affected_workflow: AffectedWorkflow = AffectedWorkflow.OTHER
    operational_impact: Annotated[str, body_text(max_length=NOTE)] = ""
    requester_erp_role: Annotated[str, single_line(max_length=120)] | None = Field(
        None, description="The requester's role in the ERP; their profile's when left out."
    )


class ClockOut(Schema):
    """One SLA clock. ``due_at`` is empty while paused or waiting for the next release."""

    state: ClockState
    due_at: datetime | None
    warn_at: datetime | None
    breached_at: datetime | None


class SlaOut(Schema):
    first_response: ClockOut
    resolution: ClockOut
    paused_minutes: float = Field(description="Business minutes the resolution clock paused.")


class TicketSummaryOut(Schema):
    id: int
    reference: str
    title: str
    status: Status
    priority: Priority
    category: Category
    tier: Tier
    institution: InstitutionRef
    module: ModuleRef
    requester: UserRef
    assignee: UserRef | None
    team: TeamRef | None
    created_at: datetime
    updated_at: datetime
    sla: SlaOut

    @staticmethod
    def resolve_sla(ticket: Ticket) -> dict[str, Any]:
        clocks = {
            name: {
                part: getattr(ticket, f"{name}_{part}")
                for part in ("state", "due_at", "warn_at", "breached_at")
            }
            for name in ("first_response", "resolution")
        }
        return {**clocks, "paused_minutes": ticket.sla_paused_minutes}


class TicketOut(TicketSummaryOut):
    description: str
    reported_by: UserRef
    requester_erp_role: str
    action_attempted: str
    error_seen: str
    affected_workflow: AffectedWorkflow
    operational_impact: str
    urgency: Level
    impact: Level
    priority_overridden: bool
    channel: Channel
    category_details: dict[str, Any]
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    release: str | None = Field(description="The version of the release its fix ships in.")

    @staticmethod
    def resolve_release(ticket: Ticket) -> str | None:
        return ticket.release.version if ticket.release else None


class WorkflowOut(Schema):
    """Where the ticket is in its category's own workflow."""

    step: str = Field(description="The step it is at; empty once every step is taken.")
    waiting_for: str = Field(description="What moves it on, as the ticket page says it.")
    steps: list[str] = Field(description="The category's steps, in order.")
    taken: list[str] = Field(description="What the steps taken so far did, in words.")


class TicketDetailOut(TicketOut):
    links: list[LinkOut] = Field(
        description="Its links to tickets you may see too; links to others are left out."
    )
    workflow: WorkflowOut
    merged_into: str | None = Field(
        description="The reference of the ticket this one was merged into: replies go there."
    )

    @staticmethod
    def resolve_links(ticket: Ticket, context: dict[str, Any]) -> list[LinkView]:
        return _links(ticket, context)

    @staticmethod
    def resolve_workflow(ticket: Ticket) -> WorkflowOut:
        where = workflows.progress(ticket)
        return WorkflowOut(
            step=where.step,
            waiting_for=where.waiting_for,
            steps=[step.key for step in workflows.steps_of(ticket.category)],
            taken=list(where.taken),
        )

    @staticmethod
    def resolve_merged_into(ticket: Ticket, context: dict[str, Any]) -> str | None:
        merges = [view for view in _links(ticket, context) if view.merged]
        ours = [view.other for view in merges if view.link.source_id == ticket.pk]
        return ours[0].reference if ours else None


def _links(ticket: Ticket, context: dict[str, Any]) -> list[LinkView]:
    """The ticket's visible links, read once per answer however many fields use them."""
    cache: dict[int, list[LinkView]] = context.setdefault("links", {})
    if ticket.pk not in cache:
        cache[ticket.pk] = ticket_links(actor(context["request"]), ticket)
    return cache[ticket.pk]


class AttachmentOut(Schema):
    id: int
    ticket_id: int
    name: str = Field(validation_alias="original_name")
    content_type: str
    size: int
    sha256: str
    is_internal: bool
    uploaded_by: UserRef
    created_at: datetime
    removed_at: datetime | None = Field(
        description="When the institution's retention removed the file (it no longer "
        "downloads); null while it is kept."
    )
    download_url: str

    @staticmethod
    def resolve_download_url(attachment: Attachment) -> str:
        return reverse("api:download_attachment", kwargs={"attachment_id": attachment.pk})


class EventOut(Schema):
    id: int
    ticket_id: int = Field(description="The ticket it is on (a merged ticket's replies go on).")
    kind: str
    actor: UserRef | None
    created_at: datetime
    is_internal: bool
    body: str
    old_value: str
    new_value: str
    reason: str


class TicketQuery(Schema):
    """Filters and sort for the ticket list; every name here is allow-listed."""

    status: list[Status] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    category: list[Category] = Field(default_factory=list)
    module: list[ModuleCode] = Field(default_factory=list)
    tier: list[Tier] = Field(default_factory=list)
    institution: DbId | None = None
    team: DbId | None = None
    release: DbId | None = Field(None, description="Tickets planned for this release.")
    assignee: DbId | Literal["me", "none"] | None = None
    text: Annotated[str, single_line(max_length=200)] = Field(
        "", description="Words in the title, description, error or action; or a reference."
    )
    sla: SlaStanding | None = None
    tag: list[Annotated[str, single_line(max_length=TAG_NAME_MAX)]] = Field(
        default_factory=list,
        max_length=20,
        description="Support staff: tickets carrying any of these tags.",
    )
    due_within: int | None = Field(
        None, ge=1, le=MAX_DUE_WITHIN_MINUTES, description="Minutes: a running clock due by then."
    )
    # A name the validator checks, listed for the document (``SORTS`` is the one list).
    sort: str = Field(DEFAULT_SORT, json_schema_extra={"enum": list(SORTS)})

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value not in SORTS:
            raise ValueError(choose("sort order"))
        return value


class BodyIn(_Input):
    body: Annotated[str, body_text(min_length=1, max_length=50_000)]


class NoteIn(BodyIn):
    minutes: int | None = Field(
        None,
        description="The minutes this took, 1 to 1440 (support only; see the ticket's "
        "team: required when it tracks time on every reply and note, refused when it "
        "tracks none).",
    )


class ReplyIn(NoteIn):
    status: Status | None = Field(
        None,
        description="Support only: the status the ticket takes with this reply. Without it, "
        "a support reply moves a New or Triaged ticket to In progress.",
    )
    seen_event_id: int | None = Field(
        None,
        ge=0,
        le=2**63 - 1,
        description="The newest public reply (event id) you read before writing, 0 when "
        "you read none. When someone else has replied since, the reply is refused with 409 "
        "until sent again with `confirmed`.",
    )
    confirmed: bool = Field(
        False, description="Send even though someone replied after `seen_event_id`."
    )


class StatusIn(_Input):
    status: Status
    reason: Reason = ""


class AssigneeIn(_Input):
    assignee_id: DbId | None
    reason: Reason = ""


class PriorityIn(_Input):
    priority: Priority
    reason: Annotated[str, body_text(min_length=1, max_length=REASON)]
    reason_public: bool = Field(
        True,
        description="Show the change and its reason to the requester; false keeps both "
        "for support staff only.",
    )


class CategoryIn(_Input):
    category: Category
    category_details: CategoryAnswers
    reason: Reason = ""
    confirm: bool = Field(
        default=False,
        description="Recategorise even though the old category's workflow has steps taken "
        "(answered 409 without it).",
    )


class ModuleIn(_Input):
    module: ModuleCode
    reason: Reason = ""


class HandOverIn(_Input):
    """What goes up with the ticket; the service names any part left empty."""

    tried: Annotated[str, body_text(max_length=NOTE)] = Field("", description="What was tried.")
    findings: Annotated[str, body_text(max_length=NOTE)] = Field("", description="What was found.")
    needed: Annotated[str, body_text(max_length=NOTE)] = Field(
        "", description="What is needed from the next tier."
    )


class TierIn(_Input):
    """Up a tier needs ``handover``; down a tier needs ``note``. Without ``team_id`` the
    ticket goes to the team the routing rules name at that tier; with none named,
    ``team_id`` is needed."""

    tier: Tier
    handover: HandOverIn | None = None
    note: Annotated[str, body_text(max_length=NOTE)] = ""
    note_public: bool = Field(
        False,
        description="Show the note of a move down to the requester; else only support staff "
        "see it.",
    )
    team_id: DbId | None = None


class OwnershipOut(Schema):
    owner: UserRef
    since: datetime
    until: datetime | None
    assigned_by: UserRef | None = Field(description="Empty when auto-assignment chose.")
    reason: str


class HandOverOut(Schema):
    event_id: int
    from_tier: Tier
    to_tier: Tier
    handed_over_by: UserRef | None
    handed_over_at: datetime
    tried: str
    findings: str
    needed: str

    @staticmethod
    def resolve_from_tier(handover: HandOver) -> int:
        return int(handover.event.old_value)

    @staticmethod
    def resolve_to_tier(handover: HandOver) -> int:
        return int(handover.event.new_value)

    @staticmethod
    def resolve_handed_over_by(handover: HandOver) -> User | None:
        return handover.event.actor

    @staticmethod
    def resolve_handed_over_at(handover: HandOver) -> datetime:
        return handover.event.created_at


class TeamIn(_Input):
    team_id: DbId
    reason: Reason = ""
