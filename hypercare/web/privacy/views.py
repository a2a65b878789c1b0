"""Data protection's pages: find a person, export their data, anonymise them; an
institution's retention; the register. Thin over ``privacy.services`` and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.privacy import selectors
from hypercare.privacy.services.anonymise import anonymise_person, is_anonymised
from hypercare.privacy.services.export import export_personal_data
from hypercare.privacy.services.retention import set_retention
from hypercare.tickets.models import Attachment, Ticket
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user
from hypercare.web.pages import page_of
from hypercare.web.privacy.forms import AnonymiseForm, RegisterFilterForm, RetentionForm

PAGES_REFUSED = "Data protection is for support managers and institution admins."


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """The people whose data you handle, searched by name, username or email."""
    user = signed_in_user(request)
    if not access.handles_personal_data(user):
        raise NotAllowed(PAGES_REFUSED)
    text = request.GET.get("q", "")[:200]
    context = {
        "page": page_of(request, selectors.subjects(user, text)),
        "q": text,
        "institutions": selectors.retention_institutions(user),
        "reads_register": access.can_read_privacy_register(user),
    }
    return render(request, "web/privacy/people.html", context)


@login_required
def person(request: HttpRequest, pk: int, form: AnonymiseForm | None = None) -> HttpResponse:
    """What the desk holds about one person, and the two actions on it."""
    user = signed_in_user(request)
    subject = selectors.get_subject(user, pk)
    context = {
        "subject": subject,
        "anonymised": is_anonymised(subject),
        "tickets": Ticket.objects.filter(requester=subject).count(),
        "files": Attachment.objects.filter(uploaded_by=subject).count(),
        "form": form or AnonymiseForm(),
    }
    status = 200 if form is None else 422
    return render(request, "web/privacy/person.html", context, status=status)


@require_POST
@login_required
def export(request: HttpRequest, pk: int) -> FileResponse:
    """The person's ZIP, as a download."""
    user = signed_in_user(request)
    found = export_personal_data(subject=selectors.get_subject(user, pk), actor=user)
    response = FileResponse(
        found.file, as_attachment=True, filename=found.filename, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    subject = selectors.get_subject(user, pk)
    form = AnonymiseForm(request.POST)
    if form.is_valid():
        try:
            anonymise_person(
                subject=subject, actor=user, confirmation=form.cleaned_data["confirmation"]
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "The person is anonymised; their tickets stay.")
            return redirect("web:privacy-person", pk)
    return person(request, pk, form=form)


@login_required
def retention(request: HttpRequest, institution_pk: int) -> HttpResponse:
    """The institution's retention of closed tickets' files, with what the next run removes."""
    user = signed_in_user(request)
    institution = selectors.get_retention_institution(user, institution_pk)
    status = 200
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                set_retention(
                    institution=institution, months=form.cleaned_data["months"], actor=user
                )
            except ValidationFailed as exc:
                show_service_errors(exc, form)
            else:
                messages.success(request, "Retention saved.")
                return redirect("web:privacy-retention", institution.pk)
        status = 422
    else:
        months = selectors.retention_months(institution)
        form = RetentionForm(initial={"months": months})
    context = {
        "institution": institution,
        "form": form,
        "preview": selectors.retention_preview(institution, clock.now()),
    }
    return render(request, "web/privacy/retention.html", context, status=status)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The data-protection register, newest first: system admins only."""
    user = signed_in_user(request)
    form = RegisterFilterForm(request.GET)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    entries = selectors.register_entries(user, action)
    context = {"form": form, "page": page_of(request, entries)}
    return render(request, "web/privacy/register.html", context)
