"""Single sign-on with an institution's identity provider: finding it by the address the
person types, sending them there, signing them in when they come back; and the page of
its settings."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hypercare import access
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.orgs.selectors import get_visible_institution, visible_institutions
from hypercare.sso import oidc, selectors, services
from hypercare.sso.models import IdentityProvider
from hypercare.web.forms import SignInForm, show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.pages import safe_next
from hypercare.web.security.sign_in import begin_session
from hypercare.web.sso.forms import ProviderForm

logger = logging.getLogger(__name__)
NEXT = "sso_next"


def _provider(slug: str) -> IdentityProvider:
    provider = selectors.enabled_provider(slug)
    if provider is None:
        raise NotFound("This institution has no single sign-on. Sign in with your password.")
    return provider


def callback_url(request: HttpRequest, slug: str) -> str:
    """The redirect URI to register at the institution's identity provider."""
    return request.build_absolute_uri(reverse("web:sso-callback", args=[slug]))


@require_POST
def discover(request: HttpRequest) -> HttpResponse:
    """The sign-in page's "use my institution's account": the address names the provider."""
    email = request.POST.get("email", "").strip()
    next_url = safe_next(request, request.POST.get("next")) or ""
    provider = selectors.provider_for_email(email) if "@" in email else None
    if provider is None:
        context = {
            "form": SignInForm(),
            "next": next_url,
            "sso_email": email,
            "sso_error": "No institution signs in with its own account from this address. "
            "Sign in with your password.",
        }
        return render(request, "web/auth/sign_in.html", context, status=422)
    url = reverse("web:sso-login", args=[provider.institution.slug])
    return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


@require_GET
def login(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider(slug)
    request.session[NEXT] = safe_next(request, request.GET.get("next")) or ""
    try:
        return oidc.start(request, provider, callback_url(request, slug))
    except NotAllowed as exc:
        return _refused(request, provider, exc)


@require_GET
def callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider(slug)
    try:
        claims = oidc.finish(request, provider)
        user = services.account_for_claims(provider=provider, claims=claims)
    except NotAllowed as exc:
        return _refused(request, provider, exc)
    next_url = request.session.pop(NEXT, "") or None
    # The institution's provider is trusted for the second factor: no code is asked.
    answer = begin_session(
        request, user, next_url=next_url, via_identity_provider=True, backend=services.BACKEND
    )
    request.session[services.SIGNED_IN_WITH] = services.SSO
    return answer


def _refused(request: HttpRequest, provider: IdentityProvider, exc: NotAllowed) -> HttpResponse:
    logger.info("Single sign-on with %s refused: %s", provider.institution.slug, exc.message)
    context = {"provider": provider, "message": exc.message}
    return render(request, "web/sso/refused.html", context, status=403)


@login_required
def settings_page(request: HttpRequest, institution_pk: int) -> HttpResponse:
    """An institution's single sign-on settings: desk managers change them, the
    institution's admins read them; the secret is shown to nobody."""
    user = signed_in_user(request)
    institution = get_visible_institution(user, institution_pk)
    provider = selectors.visible_providers(user).filter(institution=institution).first()
    if not access.can_configure_sso(user):
        if provider is None:
            raise NotFound("No single sign-on is set up for this institution.")
        if request.method == "POST":
            raise NotAllowed("Only support managers and system admins set up single sign-on.")
        return render(
            request, "web/sso/settings.html", {"institution": institution, "provider": provider}
        )
    form = ProviderForm(request.POST or None, initial=ProviderForm.initial_of(provider))
    if request.method == "POST" and form.is_valid():
        try:
            services.configure_provider(
                actor=user, institution=institution, settings=form.settings()
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Single sign-on of {institution} is saved.")
            return redirect("web:sso-settings", institution_pk=institution.pk)
    context: dict[str, object] = {"institution": institution, "provider": provider, "form": form}
    return render(request, "web/sso/settings.html", context, status=422 if form.errors else 200)


@workspace_view
def providers_page(request: HttpRequest) -> HttpResponse:
    """Every institution with whether it signs in through its own provider (managers)."""
    user = signed_in_user(request)
    if not access.can_configure_sso(user):
        raise NotAllowed("Only support managers and system admins set up single sign-on.")
    providers = {p.institution_id: p for p in selectors.visible_providers(user)}
    rows = [(i, providers.get(i.pk)) for i in visible_institutions(user)]
    return render(request, "web/sso/providers.html", {"rows": rows})
