"""The workspace's ticket page: read everything, answer, and change the ticket in place.

The page composes several domains: the ticket's properties and conversation here, the
SLA panel (``web.sla``), the escalation panel (``web.escalations``) and the release plan
(``web.releases``), whose own views answer with this page's panel helpers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_agents
from hypercare.errors import ConfirmationNeeded, InvalidTransition, NotFound, ValidationFailed
from hypercare.knowledge.selectors import training_gap_of
from hypercare.lib import clock
from hypercare.links.selectors import reply_destination
from hypercare.mail.selectors import with_shown_messages
from hypercare.orgs.selectors import teams, visible_modules
from hypercare.releases.selectors import plannable_releases
from hypercare.tickets.category_details import readable_answers
from hypercare.tickets.choices import ALLOWED_TRANSITIONS, Category
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import (
    Ownership,
    get_usable_saved_reply,
    get_visible_ticket,
    ownership_history,
    previous_owner,
    saved_reply_text,
    ticket_attachments,
    time_on_ticket,
    timeline,
    usable_saved_replies,
)
from hypercare.tickets.services import workflow
from hypercare.tickets.services.conversation import (
    add_internal_note,
    add_public_reply,
    time_entry_rule,
)
from hypercare.tickets.services.handover import HandOverNote, teams_at_tiers
from hypercare.tickets.services.workflow import WORKED_TIERS
from hypercare.web.errors import is_htmx
from hypercare.web.escalations.panel import (
    DeEscalationPrompt,
    de_escalation_prompt,
    escalation_panel,
)
from hypercare.web.feedback.panel import idea_panel
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, ticket_page_part, workspace_view
from hypercare.web.integrations.panel import integration_panel
from hypercare.web.knowledge.forms import TrainingGapForm
from hypercare.web.links.panel import links_panel
from hypercare.web.releases.forms import ReleaseForm
from hypercare.web.sla.panel import sla_panel
from hypercare.web.tags.panel import tags_panel
from hypercare.web.tickets.actions import likely_action
from hypercare.web.tickets.attachments import attach_files
from hypercare.web.tickets.desk_forms import (
    AssigneeForm,
    CategoryForm,
    ModuleForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TierForm,
)
from hypercare.web.tickets.forms import (
    CategoryQuestionsForm,
    DeskFilesForm,
    MessageForm,
    initial_answers,
)
from hypercare.web.tickets.workflow_panel import workflow_panel
from hypercare.web.watchers.panel import watchers_panel


@dataclass
class Panel:
    """The forms of the ticket's side panel, one per property that can change in place."""

    status: StatusForm
    priority: PriorityForm
    category: CategoryForm
    details: CategoryQuestionsForm
    module: ModuleForm
    assignee: AssigneeForm
    tier: TierForm
    release: ReleaseForm
    # The section shown open: the one whose form was posted, else the likely next action.
    open: str = ""
    previous_owner: Ownership | None = None
    de_escalation: DeEscalationPrompt | None = None
    take_question: str = ""


def panel_for(
    user: User, ticket: Ticket, *, data: Any = None, open: str = "", category: str = ""
) -> Panel:
    """Fresh forms showing the ticket as it is, or the one form ``open`` bound to ``data``."""

    def bound(name: str) -> Any:
        return data if open == name else None

    def ids(name: str) -> str:
        # Each form's ids carry its name: five forms have a "reason", one label each.
        return f"id_{name}-%s"

    chosen = category if category in Category.values else ticket.category
    answers = ticket.category_details if chosen == ticket.category else {}
    modules = visible_modules(user).filter(institution=ticket.institution_id, is_active=True)
    return Panel(
        status=StatusForm(
            bound("status"), auto_id=ids("status"), allowed=ALLOWED_TRANSITIONS[ticket.status]
        ),
        priority=PriorityForm(
            bound("priority"), auto_id=ids("priority"), initial={"priority": ticket.priority}
        ),
        category=CategoryForm(
            bound("category"), auto_id=ids("category"), initial={"category": chosen}
        ),
        details=CategoryQuestionsForm(
            bound("category"),
            category=chosen,
            institution=ticket.institution,
            viewer=user,
            initial=initial_answers(chosen, answers),
        ),
        module=ModuleForm(
            bound("module"),
            auto_id=ids("module"),
            modules=modules,
            initial={"module": ticket.module},
        ),
        assignee=AssigneeForm(
            bound("assignee"),
            auto_id=ids("assignee"),
            agents=support_agents(),
            initial={"assignee": ticket.assignee},
        ),
        tier=TierForm(
            bound("tier"),
            auto_id=ids("tier"),
            teams=teams(),
            routes=teams_at_tiers(ticket, WORKED_TIERS),
            initial={"tier": ticket.tier},
        ),
        release=ReleaseForm(
            bound("release"),
            auto_id=ids("release"),
            releases=plannable_releases(),
            initial={"release": ticket.release},
        ),
        open=open or likely_action(ticket),
        previous_owner=previous_owner(ownership_history(ticket)),
        de_escalation=de_escalation_prompt(user, ticket),
    )


def _context(user: User, ticket: Ticket, panel: Panel, **extra: Any) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "panel": panel,
        "events": with_shown_messages(timeline(user, ticket)),
        "attachments": ticket_attachments(user, ticket),
        "answers": readable_answers(ticket),
        "saved_replies": usable_saved_replies(user),
        "reply_form": _message_form("reply", ticket),
        "note_form": _message_form("note", ticket),
        "files_form": DeskFilesForm(prefix="files"),
        "escalation": escalation_panel(user, ticket),
        "workflow": workflow_panel(ticket),
        "time_spent": time_on_ticket(user, ticket),
        **extra,
    }


def page_response(
    request: HttpRequest, user: User, ticket: Ticket, panel: Panel, status: int = 200, **extra: Any
) -> HttpResponse:
    """The whole ticket page; with ``status`` 422, a form on it shows what went wrong."""
    links = extra.pop("links", None) or links_panel(user, ticket)
    extra.setdefault("integration", integration_panel(user, ticket))
    extra.setdefault("watchers", watchers_panel(user, ticket))
    extra.setdefault("tags", tags_panel(user, ticket))
    extra.setdefault("idea_panel", idea_panel(user, ticket))
    extra.setdefault("gap", training_gap_of(ticket))
    extra.setdefault("gap_form", TrainingGapForm(auto_id="id_gap-%s"))
    sla = sla_panel(user, ticket, clock.now())
    context = _context(user, ticket, panel, sla=sla, links=links, **extra)
    return render(request, "web/tickets/desk_ticket.html", context, status=status)


@workspace_view
def ticket_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    category = request.GET.get("category", "")
    panel = panel_for(user, ticket, category=category, open="category" if category else "")
    extra: dict[str, Any] = {}
    saved_reply = request.GET.get("saved_reply", "")
    if saved_reply.isdigit():
        text = saved_reply_text(user, get_usable_saved_reply(user, int(saved_reply)), ticket)
        extra["reply_form"] = ReplyForm(
            prefix="reply",
            ticket=ticket,
            time_entry=time_entry_rule(ticket),
            initial={"body": text},
        )
    return page_response(request, user, ticket, panel, **extra)


@workspace_view
@ticket_page_part
def timeline_part(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    context = _context(user, ticket, panel_for(user, ticket))
    return render(request, "web/tickets/_desk_timeline.html", context)


@workspace_view
def category_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """The questions of the category being chosen, so they can be answered before saving."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    category = request.GET.get("category", "")
    if not is_htmx(request):
        return redirect(f"{ticket_url(ticket)}?category={category}#change-category")
    panel = panel_for(user, ticket, category=category)
    return render(request, "web/tickets/_category_questions.html", {"panel": panel})


@workspace_view
def saved_reply(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    """A saved reply's text filled in for this ticket, for the composer to insert."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    text = saved_reply_text(user, get_usable_saved_reply(user, reply_pk), ticket)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def ticket_url(ticket: Ticket) -> str:
    return reverse("web:desk-ticket", args=[ticket.pk])


@workspace_view
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _message(request, pk, "reply")


@workspace_view
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _message(request, pk, "note")


def _message(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Send a reply or add a note. HTMX swaps only this composer's form, so a draft in the
    other one is kept; a plain form post goes back to the page."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = _message_form(kind, ticket, request.POST)
    if form.is_valid():
        body = form.cleaned_data["body"]
        minutes = form.cleaned_data.get("minutes")
        try:
            if kind == "reply" and (survivor := reply_destination(ticket)) != ticket:
                add_public_reply(ticket=survivor, actor=user, body=body, minutes=minutes)
                return _sent_to_survivor(request, ticket, survivor)
            if kind == "reply":
                add_public_reply(
                    ticket=ticket,
                    actor=user,
                    body=body,
                    status=form.cleaned_data["status"],
                    seen_event_id=form.cleaned_data["seen_event_id"],
                    confirmed=form.cleaned_data["confirmed"],
                    minutes=minutes,
                )
            else:
                add_internal_note(ticket=ticket, actor=user, body=body, minutes=minutes)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        except InvalidTransition as exc:
            if isinstance(exc, ConfirmationNeeded) and isinstance(form, ReplyForm):
                form.ask_to_confirm(exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            sent = "Reply sent to the requester." if kind == "reply" else "Internal note added."
            messages.success(request, sent)
            if is_htmx(request):
                return _sent_response(request, user, ticket, kind)
            return redirect("web:desk-ticket", pk=ticket.pk)
    if is_htmx(request):
        context = {"ticket": ticket, "kind": kind, "form": form}
        return render(request, "web/tickets/_message_form.html", context, status=422)
    extra = {f"{kind}_form": form, "composer": kind}
    return page_response(request, user, ticket, panel_for(user, ticket), status=422, **extra)


def _sent_to_survivor(request: HttpRequest, ticket: Ticket, survivor: Ticket) -> HttpResponse:
    """A reply to a merged ticket went to the ticket it was merged into: on to that one
    (the status chosen with it is not carried over: it was chosen for a closed ticket)."""
    done = f"{ticket.reference} was merged into {survivor.reference}: the reply went there."
    messages.success(request, done)
    return go_to_ticket(request, survivor)


def go_to_ticket(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """On to another ticket's page: HTMX follows the header, a plain form post redirects."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = ticket_url(ticket)
        return response
    return redirect("web:desk-ticket", pk=ticket.pk)


def _message_form(kind: str, ticket: Ticket, data: Any = None) -> MessageForm:
    rule = time_entry_rule(ticket)
    if kind == "reply":
        return ReplyForm(data, prefix=kind, ticket=ticket, time_entry=rule)
    return NoteForm(data, prefix=kind, time_entry=rule)


def _sent_response(request: HttpRequest, user: User, ticket: Ticket, kind: str) -> HttpResponse:
    """A fresh, empty composer that tells the browser to forget the draft, with the
    ticket's panel and the alert swapped in beside it; the timeline reloads itself."""
    ticket = get_visible_ticket(user, ticket.pk)
    context = {
        "ticket": ticket,
        "kind": kind,
        "form": _message_form(kind, ticket),
        "sent": True,
        "panel": panel_for(user, ticket),
        "oob": True,
    }
    response = render(request, "web/tickets/_message_sent.html", context)
    response["HX-Trigger"] = "ticket-changed"
    return response


@workspace_view
@require_POST
def add_files(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach files. HTMX swaps only the files panel (the timeline reloads itself), so
    drafts in the composers stay; a plain form post goes back to the page."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = DeskFilesForm(request.POST, request.FILES, prefix="files")
    if form.is_valid():
        internal = form.cleaned_data["internal"]
        problems = attach_files(
            ticket, user, form.cleaned_data["attachments"], is_internal=internal
        )
        if not problems:
            messages.success(request, "Files added.")
            if is_htmx(request):
                response = _files_response(request, user, ticket, DeskFilesForm(prefix="files"))
                response["HX-Trigger"] = "ticket-changed"
                return response
            return redirect("web:desk-ticket", pk=ticket.pk)
        for problem in problems:
            form.add_error("attachments", problem)
    if is_htmx(request):
        return _files_response(request, user, ticket, form, status=422)
    panel = panel_for(user, ticket)
    return page_response(request, user, ticket, panel, status=422, files_form=form)


def _files_response(
    request: HttpRequest, user: User, ticket: Ticket, form: DeskFilesForm, status: int = 200
) -> HttpResponse:
    context = {
        "ticket": ticket,
        "attachments": ticket_attachments(user, ticket),
        "files_form": form,
        "alerts_oob": True,
    }
    return render(request, "web/tickets/_desk_files.html", context, status=status)


Change = Callable[[User, Ticket, Panel], Ticket]


def _change_status(user: User, ticket: Ticket, panel: Panel) -> Ticket:
    data = panel.status.cleaned_data
    return workflow.change_status(
        ticket=ticket, actor=user, status=data["status"], reason=data["reason"]
    )


def _change_priority(user: User, ticket: Ticket, panel: Panel) -> Ticket:
    data = panel.priority.cleaned_data
    return workflow.change_priority(
        ticket=ticket,
        actor=user,
        priority=data["priority"],
        reason=data["reason"],
        reason_is_public=not data["reason_internal"],
    )


def _change_category(user: User, ticket: Ticket, panel: Panel) -> Ticket:
    return workflow.change_category(
        ticket=ticket,
        actor=user,
        category=panel.category.cleaned_data["category"],
        category_details=panel.details.details(),
        reason=panel.category.cleaned_data["reason"],
        confirmed=panel.category.cleaned_data["confirm"],
    )


def _change_module(user: User, ticket: Ticket, panel: Panel) -> Ticket:
    data = panel.module.cleaned_data
    return workflow.change_module(
        ticket=ticket, actor=user, module=data["module"], reason=data["reason"]
    )


def _change_assignee(user: User, ticket: Ticket, panel: Panel) -> Ticket:
    data = panel.assignee.cleaned_data
    return workflow.assign_ticket(
        ticket=ticket, actor=user, assignee=data["assignee"], reason=data["reason"]
    )


def _change_tier(user: User, ticket: Ticket, panel: Panel) -> Ticket:
    data = panel.tier.cleaned_data
    handover = HandOverNote(data["tried"], data["findings"], data["needed"])
    return workflow.change_tier(
        ticket=ticket,
        actor=user,
        tier=data["tier"],
        handover=handover,
        note=data["note"],
        note_is_public=data["note_public"],
        team=data["team"],
    )


CHANGES: dict[str, Change] = {
    "status": _change_status,
    "priority": _change_priority,
    "category": _change_category,
    "module": _change_module,
    "assignee": _change_assignee,
    "tier": _change_tier,
}


@workspace_view
@require_POST
def change(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """Change one property. HTMX gets the refreshed panel; a plain form post the page."""
    if field not in CHANGES:
        raise NotFound("A ticket has no such property.")
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    category = request.POST.get("category", "") if field == "category" else ""
    panel = panel_for(user, ticket, data=request.POST, open=field, category=category)
    bound_forms = [getattr(panel, field)] + ([panel.details] if field == "category" else [])
    if all([form.is_valid() for form in bound_forms]):
        try:
            ticket = CHANGES[field](user, ticket, panel)
        except ValidationFailed as exc:
            show_service_errors(exc, *bound_forms)
        except ConfirmationNeeded as exc:
            bound_forms[0].add_error("confirm", exc.message)
        else:
            return changed_response(request, user, ticket)
    return refused_response(request, user, ticket, panel)


@workspace_view
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """Become the owner; a ticket above the agent's tier is taken only once confirmed."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    confirmed = request.POST.get("confirm") == "yes"
    try:
        ticket = workflow.take_ticket(ticket=ticket, actor=user, confirmed=confirmed)
    except ConfirmationNeeded as exc:
        panel = panel_for(user, ticket)
        panel.take_question = exc.message
        if is_htmx(request):
            return _panel_response(request, user, ticket, panel, status=409)
        return page_response(request, user, ticket, panel, status=409)
    return changed_response(request, user, ticket)


def changed_response(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """After an in-place change: HTMX gets the fresh panel (and the page refreshes its
    other parts on ``ticket-changed``); a plain form post goes back to the page."""
    ticket = get_visible_ticket(user, ticket.pk)
    if not is_htmx(request):
        messages.success(request, "Ticket updated.")
        return redirect("web:desk-ticket", pk=ticket.pk)
    response = _panel_response(request, user, ticket, panel_for(user, ticket))
    response["HX-Trigger"] = "ticket-changed"
    return response


def side_panel_changed(
    request: HttpRequest, ticket: Ticket, template: str, panel: dict[str, Any], done: str
) -> HttpResponse:
    """After a side panel's form (links, integration) did its work: HTMX gets that panel
    again (and the page refreshes its other parts on ``ticket-changed``); a plain form
    post goes back to the page, saying ``done``. ``panel`` is the panel's one context
    entry ({"links": ...})."""
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("web:desk-ticket", pk=ticket.pk)
    response = render(request, template, {"ticket": ticket, **panel})
    response["HX-Trigger"] = "ticket-changed"
    return response


def side_panel_refused(
    request: HttpRequest, user: User, ticket: Ticket, template: str, panel: dict[str, Any]
) -> HttpResponse:
    """A side panel's form refused: HTMX gets the panel with the form's errors; a plain
    form post, the whole page with that panel in it."""
    if is_htmx(request):
        return render(request, template, {"ticket": ticket, **panel}, status=422)
    return page_response(request, user, ticket, panel_for(user, ticket), status=422, **panel)


def refused_response(
    request: HttpRequest, user: User, ticket: Ticket, panel: Panel
) -> HttpResponse:
    """An in-place change that did not pass: the panel (or page) with the form's errors."""
    if is_htmx(request):
        return _panel_response(request, user, ticket, panel, status=422)
    return page_response(request, user, ticket, panel, status=422)


def _panel_response(
    request: HttpRequest, user: User, ticket: Ticket, panel: Panel, status: int = 200
) -> HttpResponse:
    context = {"ticket": ticket, "panel": panel, "oob": True}
    return render(request, "web/tickets/_properties.html", context, status=status)
