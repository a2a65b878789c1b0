"""The configuration audit on the desk: system admins read and filter every change to the
desk's setup. Whoever else asks finds no page (404), as if there were none."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hypercare import access
from hypercare.audit import selectors
from hypercare.errors import NotFound, ValidationFailed
from hypercare.web.audit.forms import AuditFilterForm
from hypercare.web.guards import signed_in_user

PAGE_SIZE = 50


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """Every change, newest first, filtered and paged; the service's refusal of a filter
    shows on its field."""
    user = signed_in_user(request)
    if not access.can_read_audit(user):
        raise NotFound(selectors.NO_AUDIT)
    form = AuditFilterForm(
        request.GET or None,
        record_types=selectors.record_types(),
        actors=selectors.audit_actors(user),
    )
    filters = selectors.AuditFilters()
    if form.is_valid():
        data = form.cleaned_data
        actor = data["actor"]
        filters = selectors.AuditFilters(
            area=data["area"],
            record_type=data["record_type"],
            actor=actor.pk if actor else None,
            since=data["since"],
            until=data["until"],
            text=data["text"].strip(),
        )
    try:
        entries = selectors.audit_entries(user, filters)
    except ValidationFailed as exc:
        for name, problem in exc.errors.items():
            form.add_error(name, problem)
        entries = selectors.audit_entries(user, selectors.AuditFilters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": filters != selectors.AuditFilters()}
    return render(request, "web/audit/list.html", context)
