"""The Django admin, entered through the desk's own sign-in page.

The admin's login form would be a second door for password guessing, outside the lockout
that ``accounts.services.sign_in`` keeps; so its login sends people to ``/login/``, keeping
where they were going, and never checks a password itself.
"""

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class HypercareAdminSite(AdminSite):
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
        if self.has_permission(request):
            return HttpResponseRedirect(index)
        if request.user.is_authenticated:
            # The desk would send them straight back here: refuse instead of going round.
            raise PermissionDenied
        return redirect_to_login(next_url, login_url=reverse("web:login"))
