"""Sign-in security pages: the second sign-in step, enrolment, and the person's own
sessions, tokens and authenticator; the institutions' two-factor rule."""

from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
from hypercare.accounts.selectors import user_tokens
from hypercare.accounts.services import revoke_token
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.security.choices import SecondFactorStep
from hypercare.security.models import TwoFactorDevice
from hypercare.security.selectors import (
    confirmed_device,
    open_sessions,
    policy_institutions,
    recovery_codes_left,
    two_factor_required,
)
from hypercare.security.services import two_factor
from hypercare.security.services.sessions import end_session, end_sessions_of
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user
from hypercare.web.pages import client_ip
from hypercare.web.security.forms import CodeForm, PolicyForm, ProofForm
from hypercare.web.security.sign_in import finish_session, pending_user


@sensitive_post_parameters("code")
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second sign-in step of a person with an authenticator."""
    user = pending_user(request, SecondFactorStep.CODE)
    if user is None:
        return redirect("web:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify_second_factor(
                user=user, code=form.cleaned_data["code"], ip_address=client_ip(request)
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
            status = 422
        except NotAllowed as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            return redirect(finish_session(request, user) or "web:home")
    return render(request, "web/security/sign_in_code.html", {"form": form}, status=status)


@sensitive_post_parameters("code")
def enrol(request: HttpRequest) -> HttpResponse:
    """Setting up an authenticator: from the profile, or right after the password for a
    person who must use one and has none yet (nothing else opens for them until then)."""
    if request.user.is_authenticated:
        user: User | None = signed_in_user(request)
    else:
        user = pending_user(request, SecondFactorStep.ENROL)
    if user is None:
        return redirect("web:login")
    device = two_factor.begin_enrolment(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(user=user, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            next_url = "" if request.user.is_authenticated else finish_session(request, user)
            return _recovery_codes_page(request, codes, next_url)
    context = {"form": form, "qr": _qr_svg(device), "secret": device.secret}
    status = 422 if form.errors else 200
    return render(request, "web/security/enrol.html", context, status=status)


def _qr_svg(device: TwoFactorDevice) -> SafeString:
    """The QR code as inline SVG drawn here: no image service, no script."""
    image = qrcode.make(
        two_factor.provisioning_uri(device), image_factory=qrcode.image.svg.SvgPathImage
    )
    # The SVG is made here from the device's own address: nothing a person typed.
    svg: str = image.to_string(encoding="unicode")
    return mark_safe(svg)  # noqa: S308


def _recovery_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    context = {"codes": codes, "next": next_url}
    return render(request, "web/security/recovery_codes.html", context)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The person's own sign-in security: authenticator, open sessions, API tokens."""
    return _overview(request, signed_in_user(request))


def _overview(
    request: HttpRequest, user: User, proof: ProofForm | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "device": confirmed_device(user),
        "required": two_factor_required(user),
        "codes_left": recovery_codes_left(user),
        "sessions": open_sessions(user),
        "current_session": request.session.session_key,
        "tokens": user_tokens(user),
        "proof": proof or ProofForm(),
        "sets_policies": policy_institutions(user).exists(),
    }
    return render(request, "web/security/overview.html", context, status=status)


@login_required
@require_POST
@sensitive_post_parameters("proof")
def disable(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ProofForm(request.POST)
    if not form.is_valid():
        return _overview(request, user, form, 422)
    try:
        two_factor.disable_two_factor(
            user=user, proof=form.cleaned_data["proof"], ip_address=client_ip(request)
        )
    except ValidationFailed as exc:
        show_service_errors(exc, form)
        return _overview(request, user, form, 422)
    if two_factor_required(user):
        # Signed out, so the next sign-in sets up the new authenticator before anything.
        logout(request)
        return redirect_to_login(reverse("web:security"))
    messages.success(request, "Two-factor authentication is off.")
    return redirect("web:security")


@login_required
@require_POST
@sensitive_post_parameters("proof")
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ProofForm(request.POST)
    if not form.is_valid():
        return _overview(request, user, form, 422)
    try:
        codes = two_factor.regenerate_recovery_codes(
            user=user, proof=form.cleaned_data["proof"], ip_address=client_ip(request)
        )
    except ValidationFailed as exc:
        show_service_errors(exc, form)
        return _overview(request, user, form, 422)
    return _recovery_codes_page(request, codes, "")


@login_required
@require_POST
def end_one_session(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ended = end_session(session_id=pk, actor=user)
    if ended.session_key == request.session.session_key:
        return redirect("web:login")
    messages.success(request, "That session is signed out.")
    return redirect("web:security")


@login_required
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    count = end_sessions_of(person=user, actor=user, keep_session_key=request.session.session_key)
    messages.success(request, f"Signed out everywhere else ({count} sessions).")
    return redirect("web:security")


@login_required
@require_POST
def revoke_own_token(request: HttpRequest, pk: int) -> HttpResponse:
    revoke_token(token_id=pk, actor=signed_in_user(request))
    messages.success(request, "The token is revoked; it no longer opens the API.")
    return redirect("web:security")


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    """The institutions whose two-factor rule this person sets, each with its switch."""
    user = signed_in_user(request)
    institutions = list(policy_institutions(user))
    if not institutions:
        raise NotAllowed("Only an institution's admin or a support manager sets this.")
    rows = [
        (
            institution,
            PolicyForm(initial={"required": _required(institution)}, prefix=f"i{institution.pk}"),
        )
        for institution in institutions
    ]
    return render(request, "web/security/policies.html", {"rows": rows})


def _required(institution: Any) -> bool:
    policy = getattr(institution, "two_factor_policy", None)
    return bool(policy and policy.required)


@login_required
@require_POST
def set_policy(request: HttpRequest, institution_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    form = PolicyForm(request.POST, prefix=f"i{institution_pk}")
    form.is_valid()
    required = bool(form.cleaned_data.get("required"))
    policy = two_factor.set_two_factor_policy(
        institution_id=institution_pk, required=required, actor=user
    )
    state = "now requires" if policy.required else "no longer requires"
    messages.success(request, f"{policy.institution} {state} two-factor authentication.")
    return redirect("web:security-policies")
