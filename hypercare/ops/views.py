"""The operator's endpoints: plain text for probes and Prometheus, not desk pages.

They sit outside the sign-in (a probe has no account) and show no desk data: the probes
name checks and say ``ok`` or ``failing``, and ``/metrics`` answers only a bearer token or
an allow-listed address, never a session.
"""

import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hypercare.lib.addresses import is_listed
from hypercare.ops.metrics import scrape_registry
from hypercare.ops.selectors import readiness

TEXT = "text/plain; charset=utf-8"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. It touches nothing, so a slow database does not get
    a healthy process restarted."""
    return HttpResponse("ok\n", content_type=TEXT)


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks = readiness()
    body = "".join(f"{check.name}: {'ok' if check.ok else 'failing'}\n" for check in checks)
    ready = all(check.ok for check in checks)
    return HttpResponse(body, content_type=TEXT, status=200 if ready else 503)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    refusal = _metrics_refusal(request)
    if refusal:
        return refusal
    try:
        figures = generate_latest(scrape_registry())
    except DatabaseError:
        return HttpResponse("database: failing\n", content_type=TEXT, status=503)
    return HttpResponse(figures, content_type=CONTENT_TYPE_LATEST)


def _metrics_refusal(request: HttpRequest) -> HttpResponse | None:
    """Why this client may not read the metrics, or None. Off (404) unless a token or an
    allow-list is set; a listed address needs no token."""
    token: str = settings.HYPERCARE_METRICS_TOKEN
    allowed = settings.HYPERCARE_METRICS_ALLOW
    if not token and not allowed:
        raise Http404
    if is_listed(request.META.get("REMOTE_ADDR", ""), allowed):
        return None
    if not token:
        return HttpResponse("forbidden\n", content_type=TEXT, status=403)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        refusal = HttpResponse("token required\n", content_type=TEXT, status=401)
        refusal["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refusal
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return HttpResponse("forbidden\n", content_type=TEXT, status=403)
    return None
