"""The REST API under /api/v1/: one NinjaAPI, one error format, one place for auth.

Every error answer has the same shape::

    {"code": "validation_failed", "message": "...",
     "errors": [{"field": "category_details.transaction_reference", "message": "..."}]}

and each operation declares the error answers it gives (``common.errors``), so the
OpenAPI document names every status code a client will meet.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer
from ninja.security import SessionAuth as DjangoSessionAuth

from hypercare.accounts.api import router as accounts_router
from hypercare.accounts.models import User
from hypercare.accounts.services import authenticate_token
from hypercare.api.common import UNKNOWN_FIELD, ErrorCode, describe_errors
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.lib.validation import schema_problem
from hypercare.orgs.api import router as orgs_router
from hypercare.tickets.api import router as tickets_router

# Ninja's own location markers: where in the request a field came from.
_LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie", "payload", "filters"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hc_...`` with a personal access token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return authenticate_token(token)


class SessionAuth(DjangoSessionAuth):
    """The signed-in browser session. Its CSRF token is checked on writes only once
    someone is signed in: a caller without any credentials is told 401, not 403."""

    def __call__(self, request: HttpRequest) -> Any | None:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def error_body(code: ErrorCode, message: str, errors: list[dict[str, str]] | None = None) -> Any:
    return {"code": code, "message": message, "errors": errors or []}


class HypercareAPI(NinjaAPI):
    """Ninja's API, whose OpenAPI document says when each error answer happens."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        describe_errors(document)
        return document


api = HypercareAPI(
    title="Hypercare API",
    version="1",
    description="The support desk for ERP systems after go-live. Authenticate with a "
    "personal access token (`Authorization: Bearer hc_...`) or a signed-in session.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


def _answer(request: HttpRequest, status: int, body: Any) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    return _request_refused(request, [_field_error(error) for error in exc.errors])


def _request_refused(request: HttpRequest, errors: list[dict[str, str]]) -> HttpResponse:
    return _answer(request, 422, error_body("validation_failed", "The request is invalid.", errors))


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    location = [str(part) for part in error.get("loc", ())]
    while location and location[0] in _LOCATIONS:
        location.pop(0)
    message = schema_problem(error)
    if error.get("type") == "extra_forbidden":
        message = UNKNOWN_FIELD
    elif error.get("type") == "missing":
        message = "is required"
    return {"field": ".".join(location) or "body", "message": message}


@api.exception_handler(ValidationFailed)
def validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    errors = [{"field": field, "message": problem} for field, problem in exc.errors.items()]
    return _answer(request, 422, error_body("validation_failed", exc.message, errors))


@api.exception_handler(NotAllowed)
def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return _answer(request, 403, error_body("forbidden", exc.message))


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _answer(request, 404, error_body("not_found", exc.message))


@api.exception_handler(Http404)
def http_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _answer(request, 404, error_body("not_found", "Not found."))


@api.exception_handler(InvalidTransition)
def invalid_transition(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
    return _answer(request, 409, error_body("conflict", exc.message))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _answer(request, 401, error_body("unauthorized", "Sign in or send a valid API token."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # Ninja's one 400: a body it cannot parse. Input is refused alike, however bad.
        unreadable = [{"field": "body", "message": "is not valid JSON"}]
        return _request_refused(request, unreadable)
    return _answer(request, exc.status_code, error_body("error", str(exc)))


api.add_router("/", tickets_router)
api.add_router("/", "hypercare.tickets.watchers_api.router")
api.add_router("/", orgs_router)
api.add_router("/", accounts_router)
api.add_router("/", "hypercare.accounts.people_api.router")
api.add_router("/", "hypercare.notifications.api.router")
api.add_router("/", "hypercare.escalations.api.router")
api.add_router("/", "hypercare.incidents.api.router")
api.add_router("/", "hypercare.releases.api.router")
api.add_router("/", "hypercare.problems.api.router")
api.add_router("/", "hypercare.sla.api.router")
api.add_router("/", "hypercare.mail.api.router")
api.add_router("/", "hypercare.links.api.router")
api.add_router("/", "hypercare.tags.api.router")
api.add_router("/", "hypercare.tickets.saved_views_api.router")
api.add_router("/", "hypercare.macros.api.router")
api.add_router("/", "hypercare.integrations.api.router")
api.add_router("/", "hypercare.feedback.api.router")
api.add_router("/", "hypercare.knowledge.api.router")
api.add_router("/", "hypercare.corrections.api.router")

api.add_router("/", "hypercare.access_requests.api.router")

api.add_router("/", "hypercare.changes.api.router")

api.add_router("/", "hypercare.approvals.api.router")
api.add_router("/", "hypercare.surveys.api.router")
api.add_router("/", "hypercare.reports.api.router")
api.add_router("/", "hypercare.reports.pack_api.router")
api.add_router("/", "hypercare.handover.api.router")
api.add_router("/", "hypercare.adoption.api.router")
api.add_router("/", "hypercare.security.api.router")
api.add_router("/", "hypercare.audit.api.router")
api.add_router("/", "hypercare.privacy.api.router")
api.add_router("/", "hypercare.sso.api.router")
