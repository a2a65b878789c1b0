"""Ticket endpoints: thin adapters over the ticket services and selectors."""

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile

from hypercare import access
from hypercare.accounts.models import User
from hypercare.api.common import (
    DbId,
    Page,
    PageQuery,
    actor,
    errors,
    paginate,
    refuse_unknown_form,
    refuse_unknown_query,
)
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.links.selectors import reply_destination
from hypercare.orgs.models import Institution, Module, Team
from hypercare.orgs.selectors import module_by_code
from hypercare.tickets import selectors
from hypercare.tickets.models import Attachment, HandOver, Ticket, TicketEvent
from hypercare.tickets.schemas import (
    AssigneeIn,
    AttachmentOut,
    CategoryIn,
    EventOut,
    HandOverOut,
    ModuleIn,
    NoteIn,
    OwnershipOut,
    PriorityIn,
    ReplyIn,
    StatusIn,
    TeamIn,
    TicketCreateIn,
    TicketDetailOut,
    TicketOut,
    TicketQuery,
    TicketSummaryOut,
    TierIn,
)
from hypercare.tickets.services import attachments, conversation, intake, workflow
from hypercare.tickets.services.handover import HandOverNote

router = Router(tags=["tickets"])

LIST_PARAMETERS = {*TicketQuery.model_fields, *PageQuery.model_fields}
NO_TICKET = "No such ticket, or you may not see it."
NO_ATTACHMENT = "No such attachment, or you may not see it."
STAFF_ONLY = "Only support staff can do this."
UPLOAD_FIELDS = ("file", "internal")


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return selectors.get_visible_ticket_by_ref(actor(request), ticket_ref)


@router.post(
    "/tickets",
    response={
        201: TicketOut,
        **errors(401, 422, forbidden="The person named as requester is no longer active."),
    },
)
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> Status[Ticket]:
    user = actor(request)
    refused = access.refused_intake_fields(user, payload.model_fields_set)
    if refused:
        raise ValidationFailed({field: "is not a field you can set" for field in sorted(refused)})
    institution = _intake_institution(user, payload.institution_id)
    requester = _intake_requester(user, payload.requester_id, institution)
    module = module_by_code(institution, payload.module)
    if module is None:
        raise ValidationFailed({"module": "not a module of this institution"})
    ticket = intake.open_ticket(
        actor=user,
        institution=institution,
        requester=requester,
        module=module,
        **payload.model_dump(exclude={"institution_id", "requester_id", "module"}),
    )
    # Whoever opens a ticket may see it, and it holds every related row the answer shows.
    return Status(201, ticket)


def _intake_institution(user: User, institution_id: int | None) -> Institution:
    if institution_id is None:
        if user.institution is None:
            raise ValidationFailed({"institution_id": "is required for support staff"})
        return user.institution
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is None:
        raise ValidationFailed({"institution_id": "no such institution"})
    return institution


def _intake_requester(user: User, requester_id: int | None, institution: Institution) -> User:
    if requester_id is None:
        if user.institution_id != institution.pk:
            raise ValidationFailed({"requester_id": "is required when reporting for others"})
        return user
    requester = User.objects.filter(pk=requester_id, institution=institution).first()
    if requester is None:
        raise ValidationFailed({"requester_id": "no such person at this institution"})
    return requester


@router.get("/tickets", response={200: Page[TicketSummaryOut], **errors(401, 422)})
def list_tickets(
    request: HttpRequest, filters: Query[TicketQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    refuse_unknown_query(request, LIST_PARAMETERS)
    criteria = selectors.TicketFilters(
        status=tuple(filters.status),
        priority=tuple(filters.priority),
        category=tuple(filters.category),
        module=tuple(filters.module),
        tier=tuple(filters.tier),
        institution=filters.institution,
        team=filters.team,
        release=filters.release,
        assignee=filters.assignee,
        text=filters.text.strip(),
        sla=filters.sla or "",
        due_within=filters.due_within,
        tag=tuple(filters.tag),
    )
    tickets = selectors.ticket_list(actor(request), criteria, filters.sort)
    return paginate(tickets, paging, selectors.ticket_page)


@router.get(
    "/tickets/{ticket_ref}", response={200: TicketDetailOut, **errors(401, not_found=NO_TICKET)}
)
def get_ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return _ticket(request, ticket_ref)


@router.get(
    "/tickets/{ticket_ref}/events",
    response={200: list[EventOut], **errors(401, not_found=NO_TICKET)},
)
def list_events(request: HttpRequest, ticket_ref: str) -> list[TicketEvent]:
    ticket = _ticket(request, ticket_ref)
    return list(selectors.timeline(actor(request), ticket))


@router.post(
    "/tickets/{ticket_ref}/replies",
    response={
        201: EventOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden="Only support staff set a status with a reply.",
            conflict="The ticket is closed or, for the requester side, was resolved longer "
            "ago than the reopen window; or the lifecycle does not allow the status asked for; "
            "or someone else replied after `seen_event_id` and the reply is not `confirmed`.",
        ),
    },
)
def add_reply(request: HttpRequest, ticket_ref: str, payload: ReplyIn) -> Status[TicketEvent]:
    """A reply to a ticket merged into another goes to that one (see ``ticket_id``)."""
    ticket = reply_destination(_ticket(request, ticket_ref))
    event = conversation.add_public_reply(
        ticket=ticket,
        actor=actor(request),
        body=payload.body,
        status=payload.status or "",
        seen_event_id=payload.seen_event_id,
        confirmed=payload.confirmed,
        minutes=payload.minutes,
    )
    return Status(201, event)


@router.post(
    "/tickets/{ticket_ref}/notes",
    response={
        201: EventOut,
        **errors(401, 422, not_found=NO_TICKET, forbidden="Only support staff add internal notes."),
    },
)
def add_note(request: HttpRequest, ticket_ref: str, payload: NoteIn) -> Status[TicketEvent]:
    ticket = _ticket(request, ticket_ref)
    event = conversation.add_internal_note(
        ticket=ticket, actor=actor(request), body=payload.body, minutes=payload.minutes
    )
    return Status(201, event)


@router.post(
    "/tickets/{ticket_ref}/status",
    response={
        200: TicketOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden="The requester side may only close a resolved ticket or reopen it.",
            conflict="The lifecycle does not allow this step from the ticket's status, or the "
            "reopen window has passed.",
        ),
    },
)
def set_status(request: HttpRequest, ticket_ref: str, payload: StatusIn) -> Ticket:
    ticket = _ticket(request, ticket_ref)
    workflow.change_status(
        ticket=ticket, actor=actor(request), status=payload.status, reason=payload.reason
    )
    return _ticket(request, ticket_ref)


@router.post(
    "/tickets/{ticket_ref}/assignee",
    response={
        200: TicketOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden=STAFF_ONLY,
            conflict="Only a New ticket may be left without an owner.",
        ),
    },
)
def set_assignee(request: HttpRequest, ticket_ref: str, payload: AssigneeIn) -> Ticket:
    ticket = _ticket(request, ticket_ref)
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise ValidationFailed({"assignee_id": "no such person"})
    workflow.assign_ticket(
        ticket=ticket, actor=actor(request), assignee=assignee, reason=payload.reason
    )
    return _ticket(request, ticket_ref)


@router.post(
    "/tickets/{ticket_ref}/take",
    response={
        200: TicketOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden=STAFF_ONLY,
            conflict="The ticket is above your own tier: take it with confirm=true.",
        ),
    },
)
def take(request: HttpRequest, ticket_ref: str, confirm: bool = False) -> Ticket:
    """Become the ticket's owner; a New ticket is triaged on the way."""
    ticket = _ticket(request, ticket_ref)
    workflow.take_ticket(ticket=ticket, actor=actor(request), confirmed=confirm)
    return _ticket(request, ticket_ref)


@router.post(
    "/tickets/{ticket_ref}/priority",
    response={200: TicketOut, **errors(401, 422, not_found=NO_TICKET, forbidden=STAFF_ONLY)},
)
def set_priority(request: HttpRequest, ticket_ref: str, payload: PriorityIn) -> Ticket:
    ticket = _ticket(request, ticket_ref)
    workflow.change_priority(
        ticket=ticket,
        actor=actor(request),
        priority=payload.priority,
        reason=payload.reason,
        reason_is_public=payload.reason_public,
    )
    return _ticket(request, ticket_ref)


@router.post(
    "/tickets/{ticket_ref}/category",
    response={
        200: TicketOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden=STAFF_ONLY,
            conflict="The old category's workflow has steps taken: send confirm=true to "
            "leave them behind.",
        ),
    },
)
def set_category(request: HttpRequest, ticket_ref: str, payload: CategoryIn) -> Ticket:
    ticket = _ticket(request, ticket_ref)
    workflow.change_category(
        ticket=ticket,
        actor=actor(request),
        category=payload.category,
        category_details=payload.category_details,
        reason=payload.reason,
        confirmed=payload.confirm,
    )
    return _ticket(request, ticket_ref)


@router.post(
    "/tickets/{ticket_ref}/module",
    response={200: TicketOut, **errors(401, 422, not_found=NO_TICKET, forbidden=STAFF_ONLY)},
)
def set_module(request: HttpRequest, ticket_ref: str, payload: ModuleIn) -> Ticket:
    ticket = _ticket(request, ticket_ref)
    module = Module.objects.filter(
        institution_id=ticket.institution_id, code=payload.module
    ).first()
    if module is None:
        raise ValidationFailed({"module": "not a module of this ticket's institution"})
    workflow.change_module(
        ticket=ticket, actor=actor(request), module=module, reason=payload.reason
    )
    return _ticket(request, ticket_ref)


@router.post(
    "/tickets/{ticket_ref}/tier",
    response={
        200: TicketOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden=STAFF_ONLY,
            conflict="The ticket is already at that tier, or it is closed.",
        ),
    },
)
def set_tier(request: HttpRequest, ticket_ref: str, payload: TierIn) -> Ticket:
    ticket = _ticket(request, ticket_ref)
    team = _team(payload.team_id) if payload.team_id is not None else None
    handover = HandOverNote(**payload.handover.model_dump()) if payload.handover else None
    workflow.change_tier(
        ticket=ticket,
        actor=actor(request),
        tier=payload.tier,
        handover=handover,
        note=payload.note,
        note_is_public=payload.note_public,
        team=team,
    )
    return _ticket(request, ticket_ref)


@router.get(
    "/tickets/{ticket_ref}/owners",
    response={200: list[OwnershipOut], **errors(401, not_found=NO_TICKET)},
)
def list_owners(request: HttpRequest, ticket_ref: str) -> list[selectors.Ownership]:
    """Who owned the ticket and when, oldest first; the last without ``until`` owns it now."""
    return selectors.ownership_history(_ticket(request, ticket_ref))


@router.get(
    "/tickets/{ticket_ref}/handovers",
    response={
        200: list[HandOverOut],
        **errors(401, not_found=NO_TICKET, forbidden="Hand-over notes are for support staff."),
    },
)
def list_handovers(request: HttpRequest, ticket_ref: str) -> list[HandOver]:
    """The hand-over notes of the ticket's moves up a tier (support staff only)."""
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    if not access.can_see_internal(user):
        raise NotAllowed("Hand-over notes are for support staff.")
    return list(selectors.handovers(user, ticket))


@router.post(
    "/tickets/{ticket_ref}/team",
    response={200: TicketOut, **errors(401, 422, not_found=NO_TICKET, forbidden=STAFF_ONLY)},
)
def set_team(request: HttpRequest, ticket_ref: str, payload: TeamIn) -> Ticket:
    ticket = _ticket(request, ticket_ref)
    workflow.change_team(
        ticket=ticket, actor=actor(request), team=_team(payload.team_id), reason=payload.reason
    )
    return _ticket(request, ticket_ref)


def _team(team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed({"team_id": "no such team"})
    return team


@router.get(
    "/tickets/{ticket_ref}/attachments",
    response={200: list[AttachmentOut], **errors(401, not_found=NO_TICKET)},
)
def list_attachments(request: HttpRequest, ticket_ref: str) -> list[Attachment]:
    ticket = _ticket(request, ticket_ref)
    return list(selectors.ticket_attachments(actor(request), ticket))


@router.post(
    "/tickets/{ticket_ref}/attachments",
    response={
        201: AttachmentOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden="Only support staff add internal files.",
            conflict="The ticket is closed.",
        ),
    },
)
def upload_attachment(
    request: HttpRequest,
    ticket_ref: str,
    file: File[UploadedFile],
    internal: Form[bool] = False,
) -> Status[Attachment]:
    """One file (multipart ``file``); ``internal`` files are for support staff only."""
    refuse_unknown_form(request, UPLOAD_FIELDS)
    ticket = _ticket(request, ticket_ref)
    attachment = attachments.add_attachment(
        ticket=ticket,
        actor=actor(request),
        name=file.name or "attachment",
        content=file,
        is_internal=internal,
    )
    return Status(201, attachment)


@router.get(
    "/attachments/{attachment_id}",
    response={200: AttachmentOut, **errors(401, 422, not_found=NO_ATTACHMENT)},
)
def get_attachment(request: HttpRequest, attachment_id: DbId) -> Attachment:
    return selectors.get_visible_attachment(actor(request), attachment_id)


@router.get(
    "/attachments/{attachment_id}/content",
    url_name="download_attachment",
    response={200: None, **errors(401, 422, not_found=NO_ATTACHMENT)},
)
def download_attachment(request: HttpRequest, attachment_id: DbId) -> FileResponse:
    """The file itself, as a download, with its sniffed type (never rendered inline as HTML).
    A file removed by retention answers 404."""
    attachment = selectors.get_attachment_file(actor(request), attachment_id)
    response = FileResponse(
        attachments.attachment_path(attachment.storage_name).open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
