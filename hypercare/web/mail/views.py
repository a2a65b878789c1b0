"""The mail quarantine in the workspace: the list, one message, its raw download, and
what a manager does with it. Whoever may not see the quarantine finds none of these
pages (404), as if no message existed."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.mail import quarantine, selectors
from hypercare.mail.api import raw_download
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage
from hypercare.orgs.selectors import visible_institutions
from hypercare.web.forms import named_ticket, show_service_errors
from hypercare.web.guards import signed_in_user
from hypercare.web.mail.forms import AttachForm, DiscardForm, OpenTicketForm, QuarantineFilterForm

PAGE_SIZE = 50


def _manager(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.can_manage_quarantine(user):
        raise NotFound(selectors.NO_MESSAGE)
    return user


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """The messages that were not turned into work, newest first, filtered and paged."""
    user = _manager(request)
    form = QuarantineFilterForm(request.GET or None, mailboxes=selectors.mailboxes())
    filters = selectors.QuarantineFilters()
    if form.is_valid():
        mailbox = form.cleaned_data["mailbox"]
        filters = selectors.QuarantineFilters(
            reason=form.cleaned_data["reason"], mailbox=mailbox.pk if mailbox else None
        )
    found = selectors.quarantine(user, filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": filters != selectors.QuarantineFilters()}
    return render(request, "web/mail/quarantine.html", context)


@login_required
def message_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One message as read, its attachments, what people did, and the actions."""
    user = _manager(request)
    return _message_page(request, user, pk, {}, status=200)


def _message_page(
    request: HttpRequest, user: User, pk: int, forms_: dict[str, forms.Form], status: int
) -> HttpResponse:
    detail = selectors.message_detail(user, pk)
    context = {
        "detail": detail,
        "message": detail.message,
        "quarantined": detail.message.status == InboundStatus.QUARANTINED,
        **{_form_name(name): spec.form(user, None) for name, spec in ACTIONS.items()},
        **{_form_name(name): form for name, form in forms_.items()},
    }
    return render(request, "web/mail/message.html", context, status=status)


def _form_name(action: str) -> str:
    return f"{action.replace('-', '_')}_form"


@login_required
def message_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as it arrived, as a file to save."""
    message = selectors.get_visible_message(_manager(request), pk)
    return raw_download(bytes(message.raw), selectors.raw_file_name(message))


FormFactory = Callable[[User, Any], forms.Form]
Apply = Callable[[User, InboundMessage, Any], InboundMessage]


@dataclass(frozen=True)
class Action:
    """One thing a manager does with a message: its form, its service call, what to say."""

    form: FormFactory
    apply: Apply
    done: str


def _retry(user: User, message: InboundMessage, form: Any) -> InboundMessage:
    return quarantine.retry_message(message=message, actor=user)


def _attach(user: User, message: InboundMessage, form: Any) -> InboundMessage:
    ticket = named_ticket(user, form, "ticket")
    return quarantine.attach_message(message=message, actor=user, ticket=ticket)


def _open_ticket_form(user: User, data: Any) -> forms.Form:
    institutions = visible_institutions(user).order_by("name")
    return OpenTicketForm(data, institutions=institutions, people=selectors.requesters(user))


def _plain(form_class: type[forms.Form]) -> FormFactory:
    def build(user: User, data: Any) -> forms.Form:
        return form_class(data)

    return build


def _open_ticket(user: User, message: InboundMessage, form: Any) -> InboundMessage:
    return quarantine.open_ticket_from_message(
        message=message,
        actor=user,
        institution=form.cleaned_data["institution"],
        requester=form.cleaned_data["requester"],
    )


def _discard(user: User, message: InboundMessage, form: Any) -> InboundMessage:
    return quarantine.discard_message(
        message=message, actor=user, reason=form.cleaned_data["reason"]
    )


ACTIONS: dict[str, Action] = {
    "retry": Action(_plain(forms.Form), _retry, "The message was processed again."),
    "attach": Action(_plain(AttachForm), _attach, "The message is on the ticket."),
    "open-ticket": Action(_open_ticket_form, _open_ticket, "A ticket is open for the message."),
    "discard": Action(_plain(DiscardForm), _discard, "The message is discarded."),
}


@login_required
@require_POST
def message_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action on the message; its form comes back with errors by its fields."""
    user = _manager(request)
    if action not in ACTIONS:
        raise NotFound("There is no such action on a message.")
    message = selectors.get_visible_message(user, pk)
    spec = ACTIONS[action]
    form = spec.form(user, request.POST)
    if form.is_valid():
        try:
            spec.apply(user, message, form)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, spec.done)
            return redirect("web:mail-message", pk=pk)
    return _message_page(request, user, pk, {action: form}, status=422)
