"""Reads of review packs and their schedules, each scoped by the access policy: a pack
outside a reader's scope does not exist for them, on its page, its files and the API."""

from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.selectors import PEOPLE_ORDER
from hypercare.errors import NotFound
from hypercare.reports.choices import PackFormat, PackStatus
from hypercare.reports.models import PackSchedule, ReviewPack
from hypercare.reports.pack_files import HTML, PDF, XLSX
from hypercare.tickets.services.attachments import attachment_path

NO_PACK = "No such review pack, or you may not read it."
NO_FILE = "No such review pack, or it is not built yet."
NO_SCHEDULE = "No such pack schedule, or you may not change it."
PACKS_FOR = "Review packs are for support managers and institution admins."


def visible_packs(user: User) -> QuerySet[ReviewPack]:
    """The packs ``user`` reads, newest first, with who built them and for whom."""
    return ReviewPack.objects.filter(access.review_pack_scope(user)).select_related(
        "institution", "built_by", "notes_by"
    )


def get_pack(user: User, pk: int) -> ReviewPack:
    found = visible_packs(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NO_PACK)
    return found


@dataclass(frozen=True)
class PackFile:
    path: Path
    filename: str
    content_type: str


_FILES = {
    PackFormat.HTML: ("html_name", HTML),
    PackFormat.PDF: ("pdf_name", PDF),
    PackFormat.XLSX: ("xlsx_name", XLSX),
}


def pack_file(user: User, pk: int, kind: str) -> PackFile:
    """One of a built pack's files, if ``user`` reads the pack."""
    pack = get_pack(user, pk)
    if kind not in _FILES or pack.status != PackStatus.READY:
        raise NotFound(NO_FILE)
    field, content_type = _FILES[PackFormat(kind)]
    day = pack.period_end.date().isoformat() if pack.period_end else ""
    return PackFile(
        path=attachment_path(getattr(pack, field)),
        filename=f"{pack.kind}-pack-{pack.institution_id or 'all'}-{day}.{kind}",
        content_type=content_type,
    )


def visible_schedules(user: User) -> QuerySet[PackSchedule]:
    return (
        PackSchedule.objects.filter(access.pack_schedule_scope(user))
        .select_related("institution", "created_by")
        .prefetch_related("recipients")
    )


def get_schedule(user: User, pk: int) -> PackSchedule:
    found = visible_schedules(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NO_SCHEDULE)
    return found


def pack_recipients(user: User) -> QuerySet[User]:
    """The people ``user`` may name as a schedule's recipients: the desk's people, and
    those of the institutions whose packs they build (the service checks each one
    against the schedule's institution)."""
    people = User.objects.filter(is_active=True).order_by(*PEOPLE_ORDER)
    if access.can_manage_desk(user):
        return people
    if not access.can_read_reports(user):
        return people.none()
    return people.filter(Q(institution__isnull=True) | Q(institution_id=user.institution_id))
