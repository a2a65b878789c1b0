"""What every request and answer of the desk gets on its way: the client's real address,
the viewer's time zone, a content policy."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hypercare.lib.addresses import client_address

# Only the desk's own files may run or style a page: no inline script or style, no other
# site, no plugins, no framing. Images may also be data: (the favicon) or blob: (previews
# of screenshots before they are sent).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Every answer without a policy of its own gets the desk's (a file download keeps its
    stricter one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class ClientAddressMiddleware:
    """Behind the reverse proxies of ``HYPERCARE_TRUSTED_PROXIES``, ``REMOTE_ADDR`` becomes
    the client's address from ``X-Forwarded-For``, so sign-in lockouts, password reset
    limits and the metrics allow-list count clients, not the proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = settings.HYPERCARE_TRUSTED_PROXIES
        if trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                trusted,
            )
        return self.get_response(request)


class ViewerTimeZoneMiddleware:
    """Pages show times in the signed-in person's zone (their own, else their institution's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            timezone.activate(ZoneInfo(user.viewing_time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
