"""The review pack pages: ask for a pack, watch it build (the status part reloads itself
through HTMX while it builds), write its notes, download its files, and schedule packs
by mail. ``reports.services`` judges every write and ``access.review_pack_scope`` every
read, files included."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.reports import packs, services
from hypercare.reports.choices import PackStatus
from hypercare.reports.models import ReviewPack
from hypercare.reports.selectors import readable_institutions
from hypercare.web.errors import is_htmx
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user
from hypercare.web.pages import page_of
from hypercare.web.reports.pack_forms import NotesForm, PackForm, ScheduleForm

# How often the page asks how far a building pack has got.
POLL_SECONDS = 2


def _pack_form(user: User, data: object = None) -> PackForm | None:
    if not access.can_read_reports(user):
        return None
    return PackForm(
        data,
        institutions=readable_institutions(user),
        notes=access.can_write_pack_notes(user),
    )


def _list(request: HttpRequest, form: PackForm | None, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    context = {"form": form, "page": page_of(request, packs.visible_packs(user))}
    return render(request, "web/reports/packs.html", context, status=status)


@login_required
def pack_list(request: HttpRequest) -> HttpResponse:
    """The packs the reader may read, with the form to build one."""
    return _list(request, _pack_form(signed_in_user(request)))


@login_required
@require_POST
def build(request: HttpRequest) -> HttpResponse:
    """Queue a pack and open its page, which shows the build's progress."""
    user = signed_in_user(request)
    form = _pack_form(user, request.POST)
    if form is None:
        return _list(request, None, status=403)
    if form.is_valid():
        try:
            pack = services.request_pack(
                actor=user,
                kind=form.cleaned_data["kind"],
                institution=form.cleaned_data["institution"],
                notes=form.cleaned_data.get("notes", ""),
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "The pack is being built.")
            return redirect("web:report-pack", pack.pk)
    return _list(request, form, status=422)


def _pack_context(user: User, pack: ReviewPack, notes: NotesForm | None) -> dict[str, object]:
    if notes is None and access.can_write_pack_notes(user):
        notes = NotesForm(initial={"notes": pack.notes})
    return {
        "pack": pack,
        "notes_form": notes,
        "building": pack.status in (PackStatus.QUEUED, PackStatus.BUILDING),
        "poll_seconds": POLL_SECONDS,
    }


@login_required
def pack_page(request: HttpRequest, pack_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    pack = packs.get_pack(user, pack_pk)
    return render(request, "web/reports/pack.html", _pack_context(user, pack, None))


@login_required
def pack_status(request: HttpRequest, pack_pk: int) -> HttpResponse:
    """The status part alone, which the page reloads while the pack builds; opened on its
    own (a reload, a shared link), the whole pack page."""
    user = signed_in_user(request)
    pack = packs.get_pack(user, pack_pk)
    if not is_htmx(request):
        return redirect("web:report-pack", pack.pk)
    return render(request, "web/reports/_pack_status.html", _pack_context(user, pack, None))


@login_required
@require_POST
def write_notes(request: HttpRequest, pack_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    pack = packs.get_pack(user, pack_pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            services.write_pack_notes(pack=pack, actor=user, notes=form.cleaned_data["notes"])
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Notes kept with the pack.")
            return redirect("web:report-pack", pack.pk)
    context = _pack_context(user, pack, form)
    return render(request, "web/reports/pack.html", context, status=422)


@login_required
def download(request: HttpRequest, pack_pk: int, kind: str) -> FileResponse:
    """A built pack's file, for a reader of the pack only."""
    found = packs.pack_file(signed_in_user(request), pack_pk, kind)
    response = FileResponse(
        found.path.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _schedule_form(user: User, data: object = None) -> ScheduleForm | None:
    if not access.can_read_reports(user):
        return None
    return ScheduleForm(
        data, institutions=readable_institutions(user), people=packs.pack_recipients(user)
    )


def _schedules(request: HttpRequest, form: ScheduleForm | None, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    context = {"form": form, "schedules": packs.visible_schedules(user)}
    return render(request, "web/reports/pack_schedules.html", context, status=status)


@login_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    return _schedules(request, _schedule_form(signed_in_user(request)))


@login_required
@require_POST
def schedule(request: HttpRequest) -> HttpResponse:
    """Mail a pack kind to named people; a refused recipient shows on the field."""
    user = signed_in_user(request)
    form = _schedule_form(user, request.POST)
    if form is None:
        return _schedules(request, None, status=403)
    if form.is_valid():
        try:
            services.create_pack_schedule(
                actor=user,
                kind=form.cleaned_data["kind"],
                institution=form.cleaned_data["institution"],
                weekday=form.cleaned_data["weekday"],
                at=form.cleaned_data["at"],
                recipients=list(form.cleaned_data["recipients"]),
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Schedule saved.")
            return redirect("web:report-pack-schedules")
    return _schedules(request, form, status=422)


@login_required
@require_POST
def stop_schedule(request: HttpRequest, schedule_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    services.stop_pack_schedule(schedule=packs.get_schedule(user, schedule_pk), actor=user)
    messages.success(request, "Schedule stopped.")
    return redirect("web:report-pack-schedules")
