"""A person's own profile, for staff and institution users alike."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
from hypercare.accounts.services import update_profile
from hypercare.errors import ValidationFailed
from hypercare.lib import clock
from hypercare.notifications.selectors import receivable_preferences
from hypercare.notifications.services import set_notification_channels
from hypercare.web.accounts.forms import NotificationsForm, ProfileForm
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ProfileForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(user=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("web:profile")
    notifications = NotificationsForm(preferences=receivable_preferences(user))
    return _page(request, user, form, notifications)


@login_required
@require_POST
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = NotificationsForm(request.POST, preferences=receivable_preferences(user))
    if form.is_valid():
        set_notification_channels(user=user, channels=form.cleaned_data)
        messages.success(request, "Your notification choices are saved.")
        return redirect("web:profile")
    return _page(request, user, ProfileForm(user=user), form)


def _page(
    request: HttpRequest, user: User, form: ProfileForm, notifications: NotificationsForm
) -> HttpResponse:
    context = {
        "form": form,
        "notifications": notifications,
        "zone": user.viewing_time_zone,
        "now": clock.now(),
    }
    status = 422 if form.errors or notifications.errors else 200
    return render(request, "web/accounts/profile.html", context, status=status)
