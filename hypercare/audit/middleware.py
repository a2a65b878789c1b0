"""Every request's changes are recorded as made by its signed-in person, through its door."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from hypercare.audit.context import serving


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(request):
            return self.get_response(request)
