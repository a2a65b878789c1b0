"""The handover record's pages: on the workspace for support staff (every institution),
in the portal for the institution's admins and key users (their own). The handover
services judge every write and ``access.handover_scope`` every read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.handover import selectors, services
from hypercare.handover.choices import Side
from hypercare.handover.content import HandoverText, gaps
from hypercare.handover.selectors import Handover
from hypercare.orgs.models import Institution
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import is_portal_user, portal_view, signed_in_user, workspace_view
from hypercare.web.handover.forms import HandoverForm

SIGNED = {Side.INSTITUTION: "Signed for the institution.", Side.DESK: "Signed for the desk."}


def _page_name(user: User) -> str:
    return "web:portal-handover" if is_portal_user(user) else "web:handover"


def _signable(user: User, handover: Handover) -> list[tuple[str, str]]:
    """The sides ``user`` may sign the current version for, not signed yet."""
    version = handover.version
    if version is None:
        return []
    sides = []
    institution_id = handover.institution.pk
    if version.institution_signed_at is None and access.can_sign_handover_for_institution(
        user, institution_id
    ):
        sides.append((Side.INSTITUTION.value, "Sign for the institution"))
    if version.desk_signed_at is None and access.can_sign_handover_for_desk(user):
        sides.append((Side.DESK.value, "Sign for the desk"))
    return sides


def _context(user: User, institution: Institution, form: HandoverForm | None) -> dict[str, object]:
    handover = selectors.current_handover(institution)
    can_edit = access.can_edit_handover(user, institution.pk)
    if form is None and can_edit:
        text = HandoverText.of(handover.content)
        form = HandoverForm(initial=HandoverForm.initial_of(text, handover.number))
    return {
        "institution": institution,
        "handover": handover,
        "content": handover.content,
        "gaps": gaps(handover.content),
        "form": form if can_edit else None,
        "sides": _signable(user, handover),
        "history": selectors.handover_history(institution),
        "page_name": _page_name(user),
    }


def _show(request: HttpRequest, institution_pk: int, template: str) -> HttpResponse:
    user = signed_in_user(request)
    institution = selectors.get_handover_institution(user, institution_pk)
    return render(request, template, _context(user, institution, None))


@workspace_view
def handovers(request: HttpRequest) -> HttpResponse:
    """Every institution with how far its handover is (support staff)."""
    user = signed_in_user(request)
    rows = selectors.handover_overview(user)
    return render(request, "web/handover/handovers.html", {"rows": rows})


@workspace_view
def handover(request: HttpRequest, institution_pk: int) -> HttpResponse:
    return _show(request, institution_pk, "web/handover/handover.html")


@portal_view
def portal_handover(request: HttpRequest, institution_pk: int) -> HttpResponse:
    return _show(request, institution_pk, "web/handover/handover.html")


@login_required
@require_POST
def save(request: HttpRequest, institution_pk: int) -> HttpResponse:
    """Save a new version with the page's text; a refused answer shows on its field."""
    user = signed_in_user(request)
    institution = selectors.get_handover_institution(user, institution_pk)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            services.save_handover(
                institution=institution,
                actor=user,
                text=HandoverForm.text_of(form.cleaned_data),
                read_version=form.cleaned_data["read_version"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Handover record saved as a new version.")
            return redirect(_page_name(user), institution.pk)
    context = _context(user, institution, form)
    return render(request, "web/handover/handover.html", context, status=422)


@login_required
@require_POST
def sign(request: HttpRequest, institution_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    institution = selectors.get_handover_institution(user, institution_pk)
    side = request.POST.get("side", "")
    if side not in Side.values:
        raise ValidationFailed({"side": "Choose a side"})
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise ValidationFailed({"version": "name the version you read"}) from None
    services.sign_handover(institution=institution, actor=user, side=Side(side), version=version)
    messages.success(request, SIGNED[Side(side)])
    return redirect(_page_name(user), institution.pk)


@login_required
def versions(request: HttpRequest, institution_pk: int) -> HttpResponse:
    """Every version with its sign-offs; ``?version=N`` shows that one's content."""
    user = signed_in_user(request)
    institution = selectors.get_handover_institution(user, institution_pk)
    found = list(selectors.handover_versions(institution))
    shown = None
    if "version" in request.GET:
        try:
            number = int(request.GET["version"])
        except ValueError:
            raise NotFound(selectors.NO_VERSION) from None
        shown = selectors.handover_version(institution, number)
    context = {
        "institution": institution,
        "versions": found,
        "shown": shown,
        "gaps": gaps(shown.content) if shown else [],
        "page_name": _page_name(user),
    }
    return render(request, "web/handover/versions.html", context)
