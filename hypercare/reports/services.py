"""Write use cases of review packs: asking for one, building it (a worker's job), the
post-live review notes, and the schedules that mail packs.

A pack is built outside the request: ``request_pack`` queues it, and the build job claims
each queued pack with a conditional update (queued → building, with a lease), so two
workers never build one pack, and a pack whose worker died is taken again once its lease
has run out. The schedule job claims a due run the same way, by moving ``next_run_at``
on, and queues a pack whose build mails it through the notifications outbox.
"""

import logging
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import DomainError, InvalidTransition
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.orgs.models import Institution
from hypercare.reports.choices import PACK_MONTHS_APART, PackKind, PackStatus, Weekday
from hypercare.reports.models import PackSchedule, ReviewPack
from hypercare.reports.pack_content import FIGURES_SHARE, Progress, pack_content
from hypercare.reports.pack_files import pack_html, pack_pdf, pack_xlsx
from hypercare.tickets.services.attachments import attachment_path
from hypercare.tickets.services.common import require

logger = logging.getLogger(__name__)

BUILD_REFUSED = (
    "Support managers build review packs; an institution's admin, of their own institution."
)
NOTES_REFUSED = "Only a support manager writes the post-live review notes."
NOTES_MAX = 20000
# A building pack whose worker has not finished by then is taken again by another.
BUILD_LEASE = timedelta(minutes=15)
# Packs built, or schedules run, per run of a job.
BATCH = 5
FAILED = "The pack could not be built; ask again, or tell the desk's administrator."
NOT_READY = "The pack is not built yet."


def pack_zone(institution: Institution | None) -> str:
    """A pack reads its period in its institution's time zone; the desk's for all."""
    return institution.time_zone if institution is not None else settings.TIME_ZONE


def request_pack(
    *, actor: User, kind: str, institution: Institution | None, notes: str = ""
) -> ReviewPack:
    """Queue a pack of ``kind`` for one institution (or all, ``None``) in ``actor``'s name;
    the build job makes its files. Notes given now are kept with it."""
    require(access.can_build_pack(actor, institution.pk if institution else None), BUILD_REFUSED)
    problems = FieldErrors()
    problems.choice("kind", kind, PackKind.values)
    cleaned = problems.text("notes", notes, NOTES_MAX, required=False)
    if cleaned and not access.can_write_pack_notes(actor):
        problems.add("notes", NOTES_REFUSED)
    problems.check()
    at = clock.now()
    with use_case():
        return ReviewPack.objects.create(
            kind=kind,
            institution=institution,
            built_by=actor,
            requested_at=at,
            time_zone=pack_zone(institution),
            notes=cleaned,
            notes_by=actor if cleaned else None,
            notes_at=at if cleaned else None,
        )


def write_pack_notes(*, pack: ReviewPack, actor: User, notes: str) -> ReviewPack:
    """Keep the manager's post-live review notes with the pack, before or after it is
    built; a built pack's files are drawn again from its stored figures with them."""
    require(access.can_write_pack_notes(actor), NOTES_REFUSED)
    problems = FieldErrors()
    cleaned = problems.text("notes", notes, NOTES_MAX, required=False)
    problems.check()
    drawn: list[str] = []
    try:
        with use_case():
            locked = (
                ReviewPack.objects.select_for_update(of=("self",))
                .select_related("institution", "built_by")
                .get(pk=pack.pk)
            )
            locked.notes, locked.notes_by, locked.notes_at = cleaned, actor, clock.now()
            fields = ["notes", "notes_by", "notes_at"]
            if locked.status == PackStatus.READY:
                old = _file_names(locked)
                with timezone.override(ZoneInfo(locked.time_zone)):
                    _store_files(locked)
                drawn = _file_names(locked)
                fields += ["html_name", "pdf_name", "xlsx_name"]
                transaction.on_commit(lambda: _remove(old))
            locked.save(update_fields=fields)
    except BaseException:
        # The files drawn for a write that did not commit belong to nothing.
        _remove(drawn)
        raise
    return locked


def build_queued_packs() -> dict[str, int]:
    """Build the packs waiting, oldest first, each claimed by this run alone."""
    at = clock.now()
    waiting = (
        ReviewPack.objects.filter(
            Q(status=PackStatus.QUEUED) | Q(status=PackStatus.BUILDING, lease_until__lt=at)
        )
        .order_by("requested_at", "pk")
        .values_list("pk", "status", "lease_until")[:BATCH]
    )
    counts = {"built": 0, "failed": 0}
    for pk, status, lease in list(waiting):
        token = secrets.token_hex(16)
        claimed = ReviewPack.objects.filter(pk=pk, status=status, lease_until=lease).update(
            status=PackStatus.BUILDING,
            claim=token,
            started_at=at,
            lease_until=at + BUILD_LEASE,
            progress=0,
            step="Starting",
        )
        if claimed == 1:
            counts["built" if _build(pk, token) else "failed"] += 1
    return counts


def _build(pk: int, token: str) -> bool:
    pack = ReviewPack.objects.select_related("institution", "built_by", "schedule").get(pk=pk)

    def progress(step: str, percent: int) -> None:
        ReviewPack.objects.filter(pk=pk, claim=token).update(step=step, progress=percent)

    try:
        with timezone.override(ZoneInfo(pack.time_zone)):
            require(access.can_build_pack(pack.built_by, pack.institution_id), BUILD_REFUSED)
            pack.content = pack_content(
                user=pack.built_by, kind=pack.kind, institution=pack.institution, progress=progress
            )
            pack.period_start = datetime.fromisoformat(pack.content["start"])
            pack.period_end = datetime.fromisoformat(pack.content["end"])
            # Notes written while the figures were counted are the ones drawn.
            pack.notes = ReviewPack.objects.values_list("notes", flat=True).get(pk=pk)
            _store_files(pack, progress)
    except DomainError as refused:
        # The person it is built for may no longer read the figures (a role taken away).
        return _fail(pk, token, str(refused))
    except Exception:
        logger.exception("Review pack %s could not be built", pk)
        return _fail(pk, token, FAILED)
    with use_case():
        done = ReviewPack.objects.filter(pk=pk, claim=token, status=PackStatus.BUILDING).update(
            status=PackStatus.READY,
            progress=100,
            step="",
            content=pack.content,
            period_start=pack.period_start,
            period_end=pack.period_end,
            html_name=pack.html_name,
            pdf_name=pack.pdf_name,
            xlsx_name=pack.xlsx_name,
            finished_at=clock.now(),
            lease_until=None,
        )
        if done and pack.schedule is not None:
            _mail(pack, pack.schedule)
    if not done:
        _remove(_file_names(pack))
    return bool(done)


def _fail(pk: int, token: str, error: str) -> bool:
    ReviewPack.objects.filter(pk=pk, claim=token).update(
        status=PackStatus.FAILED, error=error, finished_at=clock.now(), lease_until=None
    )
    return False


def _store_files(pack: ReviewPack, progress: Progress | None = None) -> None:
    """Draw the three files and write them beside the attachments, named at random."""
    step = progress or (lambda _step, _percent: None)
    step("Drawing the HTML page", FIGURES_SHARE + 5)
    html = pack_html(pack)
    step("Printing the PDF", FIGURES_SHARE + 10)
    pdf = pack_pdf(html)
    step("Writing the spreadsheet", FIGURES_SHARE + 30)
    xlsx = pack_xlsx(pack)
    pack.html_name = _write(html.encode(), "html")
    pack.pdf_name = _write(pdf, "pdf")
    pack.xlsx_name = _write(xlsx, "xlsx")


def _write(content: bytes, suffix: str) -> str:
    name = f"{secrets.token_hex(16)}.{suffix}"
    path = attachment_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def _file_names(pack: ReviewPack) -> list[str]:
    return [name for name in (pack.html_name, pack.pdf_name, pack.xlsx_name) if name]


def _remove(names: Sequence[str]) -> None:
    for name in names:
        Path(attachment_path(name)).unlink(missing_ok=True)


def _mail(pack: ReviewPack, schedule: PackSchedule) -> None:
    """Mail the built pack to the schedule's recipients who may still receive it."""
    recipients = [
        person
        for person in schedule.recipients.all()
        if access.can_receive_pack(person, schedule.institution_id)
    ]
    pack.sent_to.add(*recipients)
    notify(
        event=NotificationEvent.REVIEW_PACK,
        ticket=None,
        recipients=recipients,
        cause=f"pack:{pack.pk}",
        context={
            "pack": pack,
            "pack_link": f"{settings.SITE_URL}/reports/packs/{pack.pk}/",
            "pdf_link": f"{settings.SITE_URL}/reports/packs/{pack.pk}/pdf/",
        },
    )


# Schedules ------------------------------------------------------------------------------


def next_run(*, kind: str, weekday: int, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first run strictly after ``after``: the next ``weekday`` at ``at`` for a weekly
    check; the first ``weekday`` of the next month (monthly review) or of the next quarter
    (January, April, July, October: business review) otherwise. In ``zone``'s wall time."""
    months = PACK_MONTHS_APART[PackKind(kind)]
    local = after.astimezone(zone).date()
    if months == 0:
        day = local + timedelta(days=(weekday - local.weekday()) % 7)
        moment = datetime.combine(day, at, tzinfo=zone)
        return moment if moment > after else moment + timedelta(days=7)
    year, month = local.year, local.month
    while True:
        if (month - 1) % months == 0:
            moment = datetime.combine(_first(year, month, weekday), at, tzinfo=zone)
            if moment > after:
                return moment
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _first(year: int, month: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def create_pack_schedule(
    *,
    actor: User,
    kind: str,
    institution: Institution | None,
    weekday: int,
    at: time,
    recipients: Sequence[User],
) -> PackSchedule:
    """Mail a pack kind to named people on a schedule. A recipient outside the
    institution is refused by name, unless they are support staff; for all institutions,
    only support staff may receive it."""
    require(access.can_build_pack(actor, institution.pk if institution else None), BUILD_REFUSED)
    problems = FieldErrors()
    problems.choice("kind", kind, PackKind.values)
    if weekday not in Weekday.values:
        problems.add("weekday", "Choose a weekday")
    if not recipients:
        problems.add("recipients", "Name at least one recipient")
    outside = [
        person.display_name
        for person in recipients
        if not access.can_receive_pack(person, institution.pk if institution else None)
    ]
    if outside:
        scope = institution.name if institution else "the support desk"
        problems.add(
            "recipients",
            f"{', '.join(outside)}: not of {scope}; only its people and support staff "
            "may receive its packs",
        )
    problems.check()
    now = clock.now()
    zone = ZoneInfo(pack_zone(institution))
    with use_case():
        schedule = PackSchedule.objects.create(
            kind=kind,
            institution=institution,
            weekday=weekday,
            at=at,
            created_by=actor,
            created_at=now,
            next_run_at=next_run(kind=kind, weekday=weekday, at=at, zone=zone, after=now),
        )
        schedule.recipients.set(recipients)
    return schedule


def stop_pack_schedule(*, schedule: PackSchedule, actor: User) -> PackSchedule:
    """Stop a schedule; the packs it sent stay."""
    require(access.can_build_pack(actor, schedule.institution_id), BUILD_REFUSED)
    with use_case():
        stopped = PackSchedule.objects.filter(pk=schedule.pk, is_active=True).update(
            is_active=False
        )
        if not stopped:
            raise InvalidTransition("The schedule is already stopped.")
    schedule.is_active = False
    return schedule


def run_due_schedules() -> dict[str, int]:
    """Queue a pack for each schedule that has come due, once: the run is claimed by
    moving ``next_run_at`` on only if no other worker has moved it already."""
    at = clock.now()
    due = (
        PackSchedule.objects.filter(is_active=True, next_run_at__lte=at)
        .select_related("institution")
        .order_by("next_run_at", "pk")[:BATCH]
    )
    queued = 0
    for schedule in list(due):
        zone = ZoneInfo(pack_zone(schedule.institution))
        upcoming = next_run(
            kind=schedule.kind, weekday=schedule.weekday, at=schedule.at, zone=zone, after=at
        )
        with use_case():
            claimed = PackSchedule.objects.filter(
                pk=schedule.pk, next_run_at=schedule.next_run_at
            ).update(next_run_at=upcoming)
            if claimed != 1:
                continue
            ReviewPack.objects.create(
                kind=schedule.kind,
                institution=schedule.institution,
                built_by=schedule.created_by,
                schedule=schedule,
                requested_at=at,
                time_zone=str(zone),
            )
        queued += 1
    return {"packs_queued": queued}
