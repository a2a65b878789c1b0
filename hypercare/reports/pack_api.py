"""Review pack endpoints: ask for a pack, follow its build, write its notes, download its
files, and schedule packs by mail; thin adapters over ``reports.services``."""

from datetime import datetime, time
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, Page, PageQuery, actor, errors, paginate
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.lib.text import body_text
from hypercare.orgs.models import Institution
from hypercare.reports import packs, services
from hypercare.reports.choices import PackStatus
from hypercare.reports.models import PackSchedule, ReviewPack
from hypercare.reports.selectors import readable_institutions

router = Router(tags=["review packs"])
NO_INSTITUTION = "No such institution, or you may not read its figures."
BUILD_REFUSED = services.BUILD_REFUSED
NOTES_REFUSED = services.NOTES_REFUSED

KindIn = Literal["weekly", "monthly", "quarterly"]
FormatIn = Literal["html", "pdf", "xlsx"]


class PackIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: KindIn
    institution_id: DbId | None = Field(None, description="Empty: all institutions.")
    notes: Annotated[str, body_text(max_length=services.NOTES_MAX)] = Field(
        "", description="Post-live review notes; a support manager's only."
    )


class NotesIn(Schema):
    model_config = ConfigDict(extra="forbid")
    notes: Annotated[str, body_text(max_length=services.NOTES_MAX)]


class PackOut(Schema):
    id: int
    kind: str
    institution_id: int | None = Field(description="Null: all institutions.")
    status: str = Field(description="`queued`, `building`, `ready` or `failed`.")
    progress: int = Field(description="Percent built.")
    step: str = Field(description="What the build is doing now.")
    built_by: UserRef
    requested_at: datetime
    finished_at: datetime | None
    period_start: datetime | None
    period_end: datetime | None
    notes: str
    error: str
    files: dict[str, str] = Field(description="Each format's download address, once ready.")


class ScheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: KindIn
    institution_id: DbId | None = Field(None, description="Empty: all institutions.")
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday.")
    at: time = Field(description="Time of day in the institution's time zone.")
    recipients: list[DbId] = Field(description="People's ids: the institution's, or staff.")


class ScheduleOut(Schema):
    id: int
    kind: str
    institution_id: int | None
    weekday: int
    at: time
    recipients: list[UserRef]
    is_active: bool
    next_run_at: datetime


def _pack_out(pack: ReviewPack) -> dict[str, Any]:
    ready = pack.status == PackStatus.READY
    return {
        **{name: getattr(pack, name) for name in PackOut.model_fields if name != "files"},
        "files": {
            kind: f"/api/v1/reports/packs/{pack.pk}/files/{kind}"
            for kind in ("html", "pdf", "xlsx")
            if ready
        },
    }


def _schedule_out(schedule: PackSchedule) -> dict[str, Any]:
    return {
        **{name: getattr(schedule, name) for name in ScheduleOut.model_fields},
        "recipients": list(schedule.recipients.all()),
    }


def _institution(user: User, pk: int | None) -> Institution | None:
    if pk is None:
        return None
    found = readable_institutions(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NO_INSTITUTION)
    return found


@router.get("/reports/packs", response={200: Page[PackOut], **errors(401, 422)})
def list_packs(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """The packs you may read, newest first: every one for support managers, your
    institution's for its admin, and those mailed to you."""
    page = paginate(packs.visible_packs(actor(request)), paging)
    return {**page, "results": [_pack_out(pack) for pack in page["results"]]}


@router.post(
    "/reports/packs",
    response={
        201: PackOut,
        **errors(401, 422, forbidden=BUILD_REFUSED, not_found=NO_INSTITUTION),
    },
)
def ask_for_pack(request: HttpRequest, payload: PackIn) -> Status[dict[str, Any]]:
    """Queue a pack; a worker builds it (follow ``status`` and ``progress``)."""
    user = actor(request)
    pack = services.request_pack(
        actor=user,
        kind=payload.kind,
        institution=_institution(user, payload.institution_id),
        notes=payload.notes,
    )
    return Status(201, _pack_out(packs.get_pack(user, pack.pk)))


@router.get(
    "/reports/packs/{pack_id}",
    response={200: PackOut, **errors(401, 422, not_found=packs.NO_PACK)},
)
def read_pack(request: HttpRequest, pack_id: DbId) -> dict[str, Any]:
    return _pack_out(packs.get_pack(actor(request), pack_id))


@router.put(
    "/reports/packs/{pack_id}/notes",
    response={
        200: PackOut,
        **errors(401, 422, forbidden=NOTES_REFUSED, not_found=packs.NO_PACK),
    },
)
def write_notes(request: HttpRequest, pack_id: DbId, payload: NotesIn) -> dict[str, Any]:
    """Keep the post-live review notes with the pack; a built pack's files are drawn
    again with them."""
    user = actor(request)
    pack = services.write_pack_notes(
        pack=packs.get_pack(user, pack_id), actor=user, notes=payload.notes
    )
    return _pack_out(packs.get_pack(user, pack.pk))


@router.get(
    "/reports/packs/{pack_id}/files/{kind}",
    response={200: None, **errors(401, 422, not_found=packs.NO_FILE)},
)
def download_pack(request: HttpRequest, pack_id: DbId, kind: FormatIn) -> FileResponse:
    """A built pack's HTML page, PDF or spreadsheet, as a download."""
    found = packs.pack_file(actor(request), pack_id, kind)
    response = FileResponse(
        found.path.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@router.get("/reports/pack-schedules", response={200: list[ScheduleOut], **errors(401)})
def list_schedules(request: HttpRequest) -> list[dict[str, Any]]:
    """The schedules you may change: every one for support managers, your institution's
    for its admin."""
    return [_schedule_out(found) for found in packs.visible_schedules(actor(request))]


@router.post(
    "/reports/pack-schedules",
    response={
        201: ScheduleOut,
        **errors(401, 422, forbidden=BUILD_REFUSED, not_found=NO_INSTITUTION),
    },
)
def schedule_packs(request: HttpRequest, payload: ScheduleIn) -> Status[dict[str, Any]]:
    """Mail a pack kind to named people on a schedule. A recipient outside the
    institution is refused by name (422), unless support staff."""
    user = actor(request)
    institution = _institution(user, payload.institution_id)
    if not access.can_build_pack(user, payload.institution_id):
        raise NotAllowed(BUILD_REFUSED)
    people = list(packs.pack_recipients(user).filter(pk__in=payload.recipients))
    unknown = set(payload.recipients) - {person.pk for person in people}
    if unknown:
        raise ValidationFailed({"recipients": f"no such person: {min(unknown)}"})
    schedule = services.create_pack_schedule(
        actor=user,
        kind=payload.kind,
        institution=institution,
        weekday=payload.weekday,
        at=payload.at,
        recipients=people,
    )
    return Status(201, _schedule_out(packs.get_schedule(user, schedule.pk)))


@router.post(
    "/reports/pack-schedules/{schedule_id}/stop",
    response={
        200: ScheduleOut,
        **errors(
            401,
            422,
            forbidden=BUILD_REFUSED,
            not_found=packs.NO_SCHEDULE,
            conflict="The schedule is already stopped.",
        ),
    },
)
def stop_schedule(request: HttpRequest, schedule_id: DbId) -> dict[str, Any]:
    user = actor(request)
    services.stop_pack_schedule(schedule=packs.get_schedule(user, schedule_id), actor=user)
    return _schedule_out(packs.get_schedule(user, schedule_id))
