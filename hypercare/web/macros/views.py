"""Macros on the workspace: the list where support managers keep them, applying one
from a ticket's page, and applying one to the tickets ticked in a queue. A refused step
is a domain refusal, answered by ``page`` like any other, its message naming the step."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.macros import services
from hypercare.macros.selectors import get_visible_macro, visible_macros
from hypercare.orgs.selectors import teams
from hypercare.tickets.selectors import (
    get_visible_ticket,
    usable_saved_replies,
    visible_tickets_among,
)
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.macros.forms import (
    NO_MACRO,
    ApplyMacroForm,
    BulkMacroForm,
    MacroForm,
    tag_names,
)
from hypercare.web.pages import safe_next


def _form(user: User, data: object = None) -> MacroForm:
    return MacroForm(data, teams=teams(), replies=usable_saved_replies(user))


@workspace_view
def macro_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    manages = access.can_manage_macros(user)
    form = _form(user, request.POST or None) if manages else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            macro = services.create_macro(
                actor=user,
                steps=services.MacroSteps(
                    name=data["name"],
                    description=data["description"],
                    status=data["status"],
                    priority=data["priority"],
                    team=data["team"],
                    tags_to_add=tag_names(data["tags_to_add"]),
                    tags_to_remove=tag_names(data["tags_to_remove"]),
                    saved_reply=data["saved_reply"],
                    note=data["note"],
                ),
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Macro “{macro.name}” saved.")
            return redirect("web:macros")
    context = {"macros": visible_macros(user), "manages": manages, "form": form}
    status = 422 if request.method == "POST" else 200
    return render(request, "web/macros/macros.html", context, status=status)


@workspace_view
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    macro = get_visible_macro(user, pk)
    services.delete_macro(actor=user, macro=macro)
    messages.success(request, f"Macro “{macro.name}” deleted.")
    return redirect("web:macros")


@workspace_view
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = ApplyMacroForm(request.POST, macros=visible_macros(user))
    if not form.is_valid():
        raise ValidationFailed({"macro": NO_MACRO})
    macro = form.cleaned_data["macro"]
    done = services.apply_macro(ticket=ticket, actor=user, macro=macro)
    messages.success(request, f"Macro “{macro.name}” applied: {'; '.join(done)}.")
    return redirect("web:desk-ticket", pk=ticket.pk)


@workspace_view
@require_POST
def bulk_apply(request: HttpRequest) -> HttpResponse:
    """Apply the macro to each ticked ticket; each says whether it took, and why not."""
    user = signed_in_user(request)
    back = safe_next(request, request.POST.get("next")) or reverse("web:desk")
    form = BulkMacroForm(request.POST, macros=visible_macros(user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    macro = form.cleaned_data["macro"]
    tickets = visible_tickets_among(user, form.cleaned_data["ticket"])
    outcome = services.bulk_apply_macro(tickets=tickets, actor=user, macro=macro)
    for ticket in outcome.changed:
        messages.success(request, f"{ticket.reference}: macro “{macro.name}” applied.")
    for ticket, reason in outcome.refused:
        messages.warning(request, f"{ticket.reference} was not changed: {reason}")
    return redirect(back)
