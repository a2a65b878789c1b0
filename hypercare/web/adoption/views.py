"""Adoption blockers among the reports, and the desk's page to upload an institution's
ERP usage figures as a CSV file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hypercare import access
from hypercare.adoption import selectors
from hypercare.adoption.services import record_module_usage
from hypercare.adoption.usage_file import FIRST_LINE, read_usage_file
from hypercare.errors import ValidationFailed
from hypercare.reports.selectors import PERIODS, report_filters
from hypercare.web.adoption.forms import UsageUploadForm
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.reports.views import FILTERS, DashboardFilterForm, _linker

RECEIVED_SHOWN = 30


@login_required
def adoption_page(request: HttpRequest) -> HttpResponse:
    """Modules asked about again and again, and live modules nobody uses."""
    user = signed_in_user(request)
    wanted = {name: request.GET.get(name, "") for name in FILTERS}
    found = selectors.adoption(user, report_filters(user, **wanted))
    link = _linker(user)
    context = {
        "form": DashboardFilterForm(initial={**wanted, "period": found.filters.period}, user=user),
        "found": found,
        "period_label": PERIODS[found.filters.period][0],
        "questions": [{"row": row, "href": link(row.questions)} for row in found.questions],
        "drill_in_desk": access.can_manage_desk(user),
        "uploads": access.can_record_module_usage(user),
    }
    return render(request, "web/adoption/adoption.html", context)


@workspace_view
def usage_upload(request: HttpRequest, institution_pk: int) -> HttpResponse:
    """Upload a CSV of the institution's usage; a bad line is named with its field."""
    user = signed_in_user(request)
    institution = selectors.usage_institution(user, institution_pk)
    form = UsageUploadForm()
    status = 200
    if request.method == "POST":
        form = UsageUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                recorded = record_module_usage(
                    institution=institution,
                    rows=read_usage_file(form.cleaned_data["file"].read()),
                    actor=user,
                    first_row=FIRST_LINE,
                )
            except ValidationFailed as exc:
                for problem in _by_line(exc):
                    form.add_error("file", problem)
            else:
                messages.success(
                    request,
                    f"Usage recorded: {recorded.created} new module days, "
                    f"{recorded.updated} replaced.",
                )
                return redirect("web:module-usage", institution.pk)
        status = 422
    context = {
        "institution": institution,
        "form": form,
        "received": selectors.usage_received(user, institution)[:RECEIVED_SHOWN],
    }
    return render(request, "web/adoption/usage_upload.html", context, status=status)


def _by_line(exc: ValidationFailed) -> list[str]:
    """Each complaint as the file's line and field: ``3.day`` is "Line 3, day: ..."."""
    problems = []
    for key, message in exc.errors.items():
        line, _, field = key.partition(".")
        if not line.isdigit():
            problems.append(message)
        elif field:
            problems.append(f"Line {line}, {field.replace('_', ' ')}: {message}")
        else:
            problems.append(f"Line {line}: {message}")
    return problems
