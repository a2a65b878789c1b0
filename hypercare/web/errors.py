"""Domain refusals turned into web answers, in this one place for every web desk view.

NotFound is a 404, NotAllowed a 403, InvalidTransition a 409 and an uncaught
ValidationFailed a 422, each in the product's own pages; an HTMX request gets the message
as an alert fragment in the page it came from instead.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.urls import URLPattern, path

from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed

View = Callable[..., HttpResponseBase]

TITLES = {
    403: "You can't do that",
    404: "We couldn't find that",
    409: "That can't be done right now",
    405: "This address takes a form",
    422: "Some details need attention",
}
# A form's address opened as a page (a reload, a bookmark): say so on a page, not blank.
FORM_ONLY = "This address answers a form. Go back to the page it is on and use its button."


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def domain_errors(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except NotFound as exc:
            if is_htmx(request):
                return refusal(request, 404, exc.message)
            raise Http404(exc.message) from exc
        except NotAllowed as exc:
            return refusal(request, 403, exc.message)
        except InvalidTransition as exc:
            return refusal(request, 409, exc.message)
        except ValidationFailed as exc:
            return refusal(request, 422, exc.message, errors=exc.errors)
        if response.status_code == 405 and not is_htmx(request):
            page = refusal(request, 405, FORM_ONLY)
            page["Allow"] = response["Allow"]
            return page
        return response

    return wrapper


def page(route: str, view: View, name: str) -> URLPattern:
    """A web desk URL: its view answers domain refusals the same way as every other."""
    return path(route, domain_errors(view), name=name)


def refusal(
    request: HttpRequest, status: int, message: str, errors: dict[str, str] | None = None
) -> HttpResponse:
    if is_htmx(request):
        response = render(
            request, "web/_alert.html", {"level": "error", "message": message}, status=status
        )
        response["HX-Retarget"] = "#alerts"
        response["HX-Reswap"] = "innerHTML"
        return response
    context = {"title": TITLES[status], "message": message, "errors": errors or {}}
    template = "403.html" if status == 403 else "web/refusal.html"
    return render(request, template, context, status=status)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"title": TITLES[403]}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"title": TITLES[404]}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: whatever broke must not break the error page too."""
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a stale or foreign page: say what to do, in the product's style."""
    message = (
        "This form was open too long or came from another site, so it was not sent. "
        "Go back, reload the page and try again."
    )
    return render(
        request, "403.html", {"title": "Please try again", "message": message}, status=403
    )
