"""Who may open which side of the web desk: the portal or the workspace."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed

View = Callable[..., HttpResponseBase]


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise NotAllowed("Please sign in.")
    return user


def is_portal_user(user: User) -> bool:
    return not access.is_agent(user) and user.is_institution_user


def workspace_view(view: View) -> View:
    """Support staff only; anyone else is sent to their own side of the desk."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access.is_agent(signed_in_user(request)):
            return redirect("web:home")
        return view(request, *args, **kwargs)

    return wrapper


def portal_view(view: View) -> View:
    """Institution users only; support staff are sent to the workspace."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_portal_user(signed_in_user(request)):
            return redirect("web:home")
        return view(request, *args, **kwargs)

    return wrapper


def ticket_page_part(view: View) -> View:
    """A part of the desk's ticket page that HTMX refreshes in place. Opened on its own
    (a reload, a shared link) it comes inside the desk's frame, titled and linking to the
    whole ticket, so it is a page like any other."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, pk, *args, **kwargs)
        if request.headers.get("HX-Request") == "true" or not isinstance(response, HttpResponse):
            return response
        if response.status_code != 200:
            return response
        # The part was rendered, and escaped, by the desk's own template.
        part = SafeString(response.content.decode())
        return render(request, "web/part_page.html", {"part": part, "ticket_pk": pk})

    return wrapper
