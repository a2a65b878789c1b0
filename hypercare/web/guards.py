"""Who may open which side of the web desk: the portal or the workspace."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

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
