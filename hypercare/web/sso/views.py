"""Single sign-on with an institution's identity provider: finding it by the address the
person types, sending them there, and signing them in when they come back."""

import logging
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hypercare.errors import NotAllowed, NotFound
from hypercare.sso import oidc, selectors, services
from hypercare.sso.models import IdentityProvider
from hypercare.web.forms import SignInForm
from hypercare.web.pages import safe_next

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
    next_url = request.session.pop(NEXT, "")
    services.complete_sign_in(request=request, user=user)
    return redirect(next_url or "web:home")


def _refused(request: HttpRequest, provider: IdentityProvider, exc: NotAllowed) -> HttpResponse:
    logger.info("Single sign-on with %s refused: %s", provider.institution.slug, exc.message)
    context = {"provider": provider, "message": exc.message}
    return render(request, "web/sso/refused.html", context, status=403)
