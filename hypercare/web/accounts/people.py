"""An institution admin's People pages: their institution's people and invitations, one
person's roles and whether they may sign in, a CSV of people to invite; and the page an
invitation's link opens, for the invitee."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.invitation_csv import read_invitation_csv
from hypercare.accounts.invitations import (
    UNUSABLE,
    CheckedInvitation,
    InvitationDetails,
    accept_invitation,
    check_invitations,
    invitation_for_token,
    invitation_state,
    invite_people,
    invite_person,
    resend_invitation,
    revoke_invitation,
)
from hypercare.accounts.models import User
from hypercare.accounts.people import NO_SUCH_PERSON, set_institution_roles, set_person_active
from hypercare.accounts.selectors import administered_people, pending_invitations
from hypercare.errors import InvalidTransition, NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.web.accounts.forms import (
    AcceptInvitationForm,
    BulkInviteForm,
    InviteForm,
    RolesForm,
)
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user
from hypercare.web.pages import page_of

NOT_HERE = "This page is for your institution's admins."


def _admin(request: HttpRequest) -> User:
    """The signed-in institution admin; the People pages do not exist for anyone else."""
    user = signed_in_user(request)
    if not access.can_administer_people(user):
        raise NotFound(NOT_HERE)
    return user


@portal_view
def people(request: HttpRequest) -> HttpResponse:
    """The institution's people with their roles and last sign-in, the invitations not
    yet used, and the form to invite someone."""
    admin = _admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_person(actor=admin, details=InvitationDetails(**form.cleaned_data))
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect("web:portal-people")
    context = {
        "page": page_of(request, administered_people(admin)),
        "invitations": pending_invitations(admin),
        "form": form,
        "now": clock.now(),
    }
    return render(request, "web/accounts/people.html", context, status=422 if form.errors else 200)


@portal_view
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: their institution roles to change, and deactivating or reactivating."""
    admin = _admin(request)
    found = administered_people(admin).filter(pk=pk).first()
    if found is None:
        raise NotFound(NO_SUCH_PERSON)
    form = RolesForm(request.POST or None, initial={"roles": sorted(found.roles)})
    if request.method == "POST" and form.is_valid():
        try:
            set_institution_roles(person_id=pk, roles=form.cleaned_data["roles"], actor=admin)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{found.display_name}'s roles are saved.")
            return redirect("web:portal-person", pk)
    context = {"person": found, "form": form}
    return render(request, "web/accounts/person.html", context, status=422 if form.errors else 200)


@portal_view
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    active = request.POST.get("active") == "yes"
    changed = set_person_active(person_id=pk, active=active, actor=_admin(request))
    done = "can sign in again" if active else "can no longer sign in"
    messages.success(request, f"{changed.display_name} {done}.")
    return redirect("web:portal-person", pk)


@portal_view
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = resend_invitation(invitation_id=pk, actor=_admin(request))
    messages.success(request, f"A new link is on its way to {invitation.email}.")
    return redirect("web:portal-people")


@portal_view
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = revoke_invitation(invitation_id=pk, actor=_admin(request))
    messages.success(request, f"The invitation to {invitation.email} is revoked.")
    return redirect("web:portal-people")


@portal_view
def bulk_invite(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, see each row checked, then confirm: the valid rows are invited in
    one go. The file's text rides along in the confirming form, checked again then."""
    admin = _admin(request)
    form = BulkInviteForm(request.POST or None, request.FILES or None)
    text = request.POST.get("csv", "")
    if request.method != "POST":
        return _bulk_page(request, form)
    if text and request.POST.get("confirm"):
        return _bulk_send(request, admin, text)
    if not form.is_valid():
        return _bulk_page(request, form, status=422)
    content = form.cleaned_data["file"].read()
    try:
        rows = check_invitations(actor=admin, people=read_invitation_csv(content))
    except ValidationFailed as exc:
        show_service_errors(exc, form)
        return _bulk_page(request, form, status=422)
    return _bulk_page(request, form, rows=rows, text=content.decode("utf-8-sig"))


def _bulk_send(request: HttpRequest, admin: User, text: str) -> HttpResponse:
    try:
        rows = check_invitations(actor=admin, people=read_invitation_csv(text.encode()))
        valid = [row.details for row in rows if not row.errors]
        if not valid:
            raise ValidationFailed({"file": "lists nobody who can be invited"})
        invite_people(actor=admin, people=valid)
    except ValidationFailed as exc:
        # Something changed since the preview (someone invited meanwhile): say so, and
        # nothing was written.
        problems = [f"{key}: {problem}" for key, problem in exc.errors.items()]
        return _bulk_page(request, BulkInviteForm(), problems=problems, status=422)
    messages.success(request, f"Invitations are on their way to {len(valid)} people.")
    return redirect("web:portal-people")


def _bulk_page(
    request: HttpRequest,
    form: BulkInviteForm,
    *,
    rows: list[CheckedInvitation] | None = None,
    text: str = "",
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    valid = sum(1 for row in rows or [] if not row.errors)
    context = {"form": form, "rows": rows, "csv": text, "valid": valid, "problems": problems}
    return render(request, "web/accounts/bulk_invite.html", context, status=status)


@sensitive_post_parameters("password", "password_again")
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: name and password, and the account exists. A link that cannot
    be used says why, on a page like any other, for anyone who follows it."""
    invitation = invitation_for_token(token)
    state = invitation_state(invitation, clock.now())
    if invitation is None or state != "open":
        context: dict[str, object] = {"state": state, "message": UNUSABLE[state]}
        return render(request, "web/accounts/invitation.html", context)
    initial = {"first_name": invitation.first_name, "last_name": invitation.last_name}
    form = AcceptInvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ("first_name", "last_name", "password")}
        try:
            accept_invitation(token=token, **values)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        except InvalidTransition as exc:
            return render(request, "web/accounts/invitation.html", {"message": exc.message})
        else:
            messages.success(request, "Your account is ready: sign in with your email.")
            return redirect("web:login")
    context = {"state": state, "invitation": invitation, "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/accounts/invitation.html", context, status=status)
