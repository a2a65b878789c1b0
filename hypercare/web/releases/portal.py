"""Releases on the portal: what each release fixes for the reader's institution."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hypercare.releases.selectors import get_visible_release, notes_for, release_list
from hypercare.tickets.selectors import visible_tickets
from hypercare.web.guards import portal_view, signed_in_user
from hypercare.web.releases.views import notes_export


@portal_view
def releases(request: HttpRequest) -> HttpResponse:
    """Every release, the coming ones first, with how many of the reader's tickets."""
    user = signed_in_user(request)
    return render(request, "web/releases/portal_releases.html", {"releases": release_list(user)})


@portal_view
def release_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One release's notes: the general notes and the items of the reader's institution
    only, and the reader's own tickets in it."""
    user = signed_in_user(request)
    release = get_visible_release(user, pk)
    context = {
        "release": release,
        "groups": notes_for(user, release),
        "tickets": visible_tickets(user).filter(release=release).order_by("pk"),
    }
    return render(request, "web/releases/portal_release.html", context)


@portal_view
def portal_notes_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return notes_export(user, get_visible_release(user, pk))
