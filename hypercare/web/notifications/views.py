"""A person's notification centre: the bell in every page's header and the list behind it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hypercare.notifications.selectors import own_notifications, shown_notifications, unread_count
from hypercare.notifications.services import mark_all_notifications_read, mark_notification_read
from hypercare.web.errors import is_htmx
from hypercare.web.guards import signed_in_user
from hypercare.web.pages import page_of

# htmx stops polling when answered 286: a tab left open after signing out stops asking,
# rather than drawing the sign-in page where the bell was.
STOP_POLLING = 286


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    unread_only = request.GET.get("show") == "unread"
    page = page_of(request, own_notifications(user, unread=True if unread_only else None))
    rows = shown_notifications(user, list(page.object_list))
    context = {"page": page, "rows": rows, "unread_only": unread_only}
    return render(request, "web/notifications/list.html", context)


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, which every page polls; opened on its own, the list."""
    if not is_htmx(request):
        return redirect("web:notifications")
    if not request.user.is_authenticated:
        return HttpResponse(status=STOP_POLLING)
    context = {"unread": unread_count(signed_in_user(request))}
    return render(request, "web/notifications/_bell.html", context)


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to its ticket, when the person may still see one."""
    user = signed_in_user(request)
    notification = mark_notification_read(user=user, pk=pk)
    row = shown_notifications(user, [notification])[0]
    if row.ticket_id is None:
        return redirect("web:notifications")
    return redirect("web:ticket-link", row.ticket_id)


@login_required
@require_POST
def read_notification(request: HttpRequest, pk: int) -> HttpResponse:
    mark_notification_read(user=signed_in_user(request), pk=pk)
    return redirect("web:notifications")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    marked = mark_all_notifications_read(user=signed_in_user(request))
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    return redirect("web:notifications")
