from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hypercare.web.approvals.sections import waiting_for
from hypercare.web.guards import portal_view, signed_in_user


@portal_view
def approvals(request: HttpRequest) -> HttpResponse:
    """Everything waiting for the signed-in approver's decision, oldest first in
    each section; empty sections say so."""
    sections = waiting_for(signed_in_user(request))
    waiting = sum(len(section.items) for section in sections)
    return render(
        request, "web/approvals/approvals.html", {"sections": sections, "waiting": waiting}
    )
