"""The institution portal: report an issue, follow it, answer, confirm the fix."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.choices import INSTITUTION_ROLES
from hypercare.accounts.models import User
from hypercare.accounts.selectors import institution_people
from hypercare.errors import ValidationFailed
from hypercare.lib.times import Moment
from hypercare.links.selectors import reply_destination
from hypercare.mail.selectors import with_shown_messages
from hypercare.orgs.models import Institution, Module
from hypercare.orgs.selectors import visible_modules
from hypercare.tickets.category_details import readable_answers
from hypercare.tickets.choices import OPEN_STATUSES, Channel, EventKind, Status
from hypercare.tickets.models import PendingUpload, Ticket, TicketEvent
from hypercare.tickets.selectors import (
    TicketFilters,
    get_visible_ticket,
    ticket_attachments,
    ticket_list,
    timeline,
)
from hypercare.tickets.services.attachments import add_uploads
from hypercare.tickets.services.conversation import (
    add_public_reply,
    can_still_reopen,
    report_not_fixed,
)
from hypercare.tickets.services.intake import open_ticket
from hypercare.tickets.services.workflow import change_status
from hypercare.web.escalations.panel import portal_escalation
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user
from hypercare.web.knowledge.reading import suggest_as_typed
from hypercare.web.links.panel import links_panel
from hypercare.web.pages import page_of
from hypercare.web.tickets.attachments import kept_uploads
from hypercare.web.tickets.forms import (
    CategoryQuestionsForm,
    FilesForm,
    MessageForm,
    ReplyFilesForm,
    ReplyForm,
    ReportForm,
    ReportStartForm,
)
from hypercare.web.tickets.workflow_panel import workflow_panel
from hypercare.web.watchers.panel import WatchersPanel, watchers_panel

SHOW = {
    "open": ("Open", tuple(sorted(OPEN_STATUSES))),
    "done": ("Resolved and closed", (Status.RESOLVED, Status.CLOSED)),
    "all": ("All", ()),
}


def _institution(user: User) -> Institution:
    """Portal users always belong to an institution; the portal guard makes sure of it."""
    if user.institution is None:
        raise ValueError("a portal user without an institution")
    return user.institution


@portal_view
def my_tickets(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    wide = access.sees_colleagues_tickets(user)
    scope = "institution" if wide and request.GET.get("scope") == "institution" else "mine"
    show = request.GET.get("show", "open")
    if show not in SHOW:
        show = "open"
    query = request.GET.get("q", "").strip()[:200]
    filters = TicketFilters(status=SHOW[show][1], text=query, requested_by_me=scope == "mine")
    page = page_of(request, ticket_list(user, filters, "-updated_at"))
    context = {
        "page": page,
        "scope": scope,
        "wide": wide,
        "show": show,
        "shows": {key: label for key, (label, _) in SHOW.items()},
        "query": query,
        "institution": _institution(user),
    }
    return render(request, "web/tickets/my_tickets.html", context)


def _modules(user: User) -> QuerySet[Module]:
    return visible_modules(user).filter(institution=_institution(user), is_active=True)


def _colleagues(user: User) -> QuerySet[User] | None:
    if not access.can_report_for_colleagues(user):
        return None
    return institution_people(user, _institution(user).pk, *INSTITUTION_ROLES)


@portal_view
def report(request: HttpRequest) -> HttpResponse:
    """Reporting is guided: first where and what kind of help, then that kind's questions."""
    user = signed_in_user(request)
    chosen = request.POST if request.method == "POST" else request.GET
    start = ReportStartForm(
        chosen if {"module", "category"} & set(chosen) else None, modules=_modules(user)
    )
    if not start.is_valid() or "change" in request.GET:
        status = 422 if start.is_bound and start.errors and request.method == "POST" else 200
        return render(request, "web/tickets/report_start.html", {"start": start}, status=status)
    category = start.cleaned_data["category"]
    posted = request.method == "POST"
    form = ReportForm(
        request.POST if posted else None, colleagues=_colleagues(user), initial={"requester": user}
    )
    details = CategoryQuestionsForm(
        request.POST if posted else None,
        category=category,
        institution=_institution(user),
        viewer=user,
    )
    suggest_as_typed(form.fields["title"])
    suggest_as_typed(form.fields["description"])
    kept, refused = kept_uploads(request, user, "screenshots") if posted else ([], [])
    if posted and all([form.is_valid(), details.is_valid()]):
        try:
            ticket = _open(user, start, form, details, kept)
        except ValidationFailed as exc:
            show_service_errors(exc, form, details, start)
        else:
            _tell_reference(request, ticket, refused)
            return redirect("web:portal-ticket", pk=ticket.pk)
    for problem in refused:
        form.add_error("screenshots", problem)
    context = {
        "start": start,
        "form": form,
        "details": details,
        "category": category,
        "kept": kept,
    }
    return render(
        request, "web/tickets/report_details.html", context, status=422 if posted else 200
    )


def _open(
    user: User,
    start: ReportStartForm,
    form: ReportForm,
    details: CategoryQuestionsForm,
    uploads: list[PendingUpload],
) -> Ticket:
    data: dict[str, Any] = form.cleaned_data
    return open_ticket(
        actor=user,
        institution=_institution(user),
        requester=data.get("requester") or user,
        module=start.cleaned_data["module"],
        category=start.cleaned_data["category"],
        title=data["title"],
        description=data["description"],
        action_attempted=data["action_attempted"],
        error_seen=data["error_seen"],
        affected_workflow=data["affected_workflow"],
        operational_impact=data["operational_impact"],
        urgency=data["urgency"],
        impact=data["impact"],
        channel=Channel.PORTAL,
        category_details=details.details(),
        uploads=uploads,
    )


def _tell_reference(request: HttpRequest, ticket: Ticket, refused: list[str]) -> None:
    messages.success(
        request,
        f"Thank you. Your issue is reported as {ticket.reference}. "
        "Quote this reference whenever you contact support.",
        extra_tags="reference",
    )
    for problem in refused:
        messages.error(
            request,
            f"A file could not be added: {problem}. "
            "Your issue is reported without it; you can send another file with a reply below.",
        )


CORRECTION = "Correction to my report:"


def _report(ticket: Ticket) -> list[tuple[str, str | SafeString | Moment]]:
    """What the requester reported, under the questions they answered on the report form."""
    questions = ReportForm.base_fields

    def chosen(name: str, value: str) -> str | SafeString:
        choices: list[tuple[str, str | SafeString]] = getattr(questions[name], "choices", [])
        return dict(choices).get(value, value)

    return [
        (str(questions["action_attempted"].label), ticket.action_attempted or "—"),
        (str(questions["error_seen"].label), ticket.error_seen or "—"),
        (str(questions["description"].label), ticket.description),
        *readable_answers(ticket),
        (str(questions["urgency"].label), chosen("urgency", ticket.urgency)),
        (str(questions["impact"].label), chosen("impact", ticket.impact)),
        (
            str(questions["affected_workflow"].label),
            chosen("affected_workflow", ticket.affected_workflow),
        ),
        (str(questions["operational_impact"].label), ticket.operational_impact or "—"),
    ]


@dataclass(frozen=True)
class Asked:
    """What the desk needs from a requester whose ticket waits on them."""

    reason: str
    message: TicketEvent | None


def _asked(ticket: Ticket, events: list[TicketEvent]) -> Asked | None:
    """The reason support gave for waiting, and its last public message to the requester."""
    if ticket.status != Status.WAITING_ON_REQUESTER:
        return None
    waiting = [
        event
        for event in events
        if event.kind == EventKind.STATUS_CHANGED and event.new_value == ticket.status
    ]
    replies = [
        event
        for event in events
        if event.kind == EventKind.PUBLIC_REPLY and event.actor and event.actor.is_support_staff
    ]
    return Asked(
        reason=waiting[-1].reason if waiting else "", message=replies[-1] if replies else None
    )


def page_response(
    request: HttpRequest,
    user: User,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    correction_form: MessageForm | None = None,
    files_form: FilesForm | None = None,
    kept: list[PendingUpload] | None = None,
    refused: list[str] | None = None,
    watchers: WatchersPanel | None = None,
    status: int = 200,
) -> HttpResponse:
    """The request's page; with ``status`` 422, the form given shows what went wrong."""
    events = list(with_shown_messages(timeline(user, ticket)))
    context = {
        "ticket": ticket,
        "report": _report(ticket),
        "correction_form": correction_form or MessageForm(prefix="correction"),
        "events": events,
        "asked": _asked(ticket, events),
        "attachments": ticket_attachments(user, ticket),
        "reply_form": reply_form or ReplyForm(prefix="reply"),
        "files_form": files_form or ReplyFilesForm(prefix="files"),
        "kept": kept or [],
        "refused": refused or [],
        "can_confirm": access.can_set_status(user, ticket, Status.CLOSED),
        "can_reopen": can_still_reopen(ticket)
        and access.can_set_status(user, ticket, Status.IN_PROGRESS),
        "is_closed": ticket.status == Status.CLOSED,
        "links": links_panel(user, ticket),
        "watchers": watchers or watchers_panel(user, ticket),
        "workflow": workflow_panel(ticket),
        **portal_escalation(user, ticket),
    }
    return render(request, "web/tickets/portal_ticket.html", context, status=status)


@portal_view
def ticket_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return page_response(request, user, get_visible_ticket(user, pk))


@portal_view
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply with its files in one submit, or a correction to the report; to a merged
    ticket, both go to the ticket it was merged into."""
    user = signed_in_user(request)
    ticket = reply_destination(get_visible_ticket(user, pk))
    if "correction-body" in request.POST:
        return _correct(request, user, ticket)
    return _send(request, user, ticket)


@portal_view
@require_POST
def add_files(request: HttpRequest, pk: int) -> HttpResponse:
    """Files alone: the reply form with no message."""
    user = signed_in_user(request)
    return _send(request, user, reply_destination(get_visible_ticket(user, pk)))


def _send(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """Nothing is sent unless every file is accepted; the accepted ones are kept for the
    next try, with the message as typed."""
    form = ReplyForm(request.POST, prefix="reply")
    files = ReplyFilesForm(request.POST, prefix="files")
    kept, refused = kept_uploads(request, user, files.add_prefix("attachments"))
    if form.is_valid() and files.is_valid() and not refused:
        body = form.cleaned_data["body"]
        if not body and not kept:
            form.add_error("body", "Write a message or add a file.")
        else:
            try:
                if body:
                    add_public_reply(ticket=ticket, actor=user, body=body, uploads=kept)
                else:
                    add_uploads(ticket=ticket, actor=user, uploads=kept)
            except ValidationFailed as exc:
                show_service_errors(exc, form, files)
            else:
                sent = "Your reply was sent" if body else "Your files were added"
                messages.success(request, f"{sent} to the support team.")
                return redirect("web:portal-ticket", pk=ticket.pk)
    for problem in refused:
        files.add_error("attachments", problem)
    return page_response(
        request,
        user,
        ticket,
        reply_form=form,
        files_form=files,
        kept=kept,
        refused=refused,
        status=422,
    )


def _correct(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    form = MessageForm(request.POST, prefix="correction")
    if form.is_valid():
        given = form.cleaned_data["body"]
        # An empty correction stays empty, so the service refuses it as it refuses an
        # empty reply, instead of sending the heading alone.
        body = f"{CORRECTION}\n\n{given}" if given.strip() else ""
        try:
            add_public_reply(ticket=ticket, actor=user, body=body)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Your correction was sent to the support team.")
            return redirect("web:portal-ticket", pk=ticket.pk)
    return page_response(request, user, ticket, correction_form=form, status=422)


@portal_view
@require_POST
def confirm_fixed(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    change_status(
        ticket=ticket, actor=user, status=Status.CLOSED, reason="The requester confirmed the fix."
    )
    messages.success(request, f"Thank you for confirming. {ticket.reference} is now closed.")
    return redirect("web:portal-ticket", pk=ticket.pk)


@portal_view
@require_POST
def not_fixed(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopens the ticket; what is still wrong, when given, goes to the support team."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    report_not_fixed(ticket=ticket, actor=user, body=request.POST.get("reopen-body", ""))
    messages.success(request, f"{ticket.reference} is open again; support will pick it up.")
    return redirect("web:portal-ticket", pk=ticket.pk)
