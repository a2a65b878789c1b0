"""Releases: creating one, planning tickets' fixes for it, wording its notes, shipping it.

Release notes are a draft until the release ships: the general notes the manager writes
(``Release.notes``) and one item per thing the release resolves, compiled from every
registered item source (``sources``) and worded by the manager. Compiling again adds
what was planned since, drops what was taken off and keeps the manager's wording.

Shipping is when the "next release" resolution target of each planned ticket is met.
It writes a ``shipped`` event on each ticket's timeline and re-plans the ticket's clocks
from that timeline (``hypercare.sla.clocks`` reads the event), so the clocks stay a
function of the timeline and a later re-plan reaches the same verdict.
"""

from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import Notice, notify_many
from hypercare.releases import events, sources
from hypercare.releases.models import ITEM_TEXT_MAX, VERSION_MAX, Release, ReleaseNoteItem
from hypercare.releases.notes import by_module
from hypercare.sla.services import replan_ticket
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import lock, require

NOTES_MAX = 50_000
MANAGE_REFUSED = "Only support managers and system admins create and ship releases."
PLAN_REFUSED = "Only support staff plan tickets for releases."
NOTES_REFUSED = "Only support managers and system admins word release notes."
VERSION_TAKEN = "is already taken"


def create_release(
    *, actor: User, version: str, planned_date: date | None = None, notes: str = ""
) -> Release:
    """A new release, not shipped yet. Versions are unique whatever their case."""
    require(access.can_manage_releases(actor), MANAGE_REFUSED)
    errors = FieldErrors()
    release = Release(
        version=errors.line("version", version, VERSION_MAX),
        planned_date=planned_date,
        notes=errors.text("notes", notes, NOTES_MAX, required=False),
    )
    _check(release, errors)
    try:
        with use_case():
            release.save()
    except IntegrityError:
        # Another manager took the version between the check and the insert.
        raise ValidationFailed({"version": VERSION_TAKEN}) from None
    return release


def _check(release: Release, errors: FieldErrors) -> None:
    """The model's own rules (the admin runs the same), then the case-blind uniqueness."""
    try:
        release.full_clean(validate_unique=False)
    except ValidationError as exc:
        for name, problems in exc.message_dict.items():
            errors.add(name, " ".join(problems))
    taken = Release.objects.filter(version__iexact=release.version)
    if "version" not in errors.errors and taken.exists():
        errors.add("version", VERSION_TAKEN)
    errors.check()


def plan_for_release(*, ticket: Ticket, actor: User, release: Release | None) -> Ticket:
    """Plan the ticket's fix for ``release``, move it to another, or (None) take it off.

    A shipped release takes no more tickets, and a ticket whose release has shipped
    stays with it: its fix is out and its timeline says so. The release is locked before
    the ticket, the order shipping takes them in, so the two queue and never deadlock.
    """
    require(access.can_plan_release(actor), PLAN_REFUSED)
    with use_case():
        if release is not None:
            release = Release.objects.select_for_update().get(pk=release.pk)
        ticket = lock(ticket)
        current = ticket.release
        if current == release:
            return ticket
        if current is not None and current.is_shipped:
            raise InvalidTransition(f"This ticket shipped in release {current.version}.")
        if release is not None and release.is_shipped:
            raise InvalidTransition(
                f"Release {release.version} has shipped; plan the ticket for a later one."
            )
        at = clock.now()
        ticket.release = release
        ticket.updated_at = at
        ticket.save(update_fields=["release", "updated_at"])
        events.record_release_planned(
            ticket,
            actor,
            at,
            current.version if current else "",
            release.version if release else "",
        )
    return ticket


def carry_release_plan_over(*, duplicate: Ticket, survivor: Ticket, actor: User) -> Release | None:
    """The duplicate's release plan, as ``duplicate`` is merged into ``survivor`` (a step
    of ``merge_tickets``, composed into its transaction; it runs before the merge locks
    the tickets, so the release is locked first, as planning and shipping lock them).

    The fix planned for the duplicate is the survivor's fix: the survivor is planned for
    that release when it has none. Either way the duplicate leaves the release, so its
    notes do not list a closed ticket; its timeline keeps the plan as history. A plan
    whose release has shipped stays: that fix is out. The answer is the release the
    duplicate left, or None.
    """
    require(access.can_plan_release(actor), PLAN_REFUSED)
    with use_case():
        release = (
            Release.objects.select_for_update()
            .filter(tickets=duplicate, shipped_at__isnull=True)
            .first()
        )
        if release is None:
            return None
        if Ticket.objects.filter(pk=survivor.pk, release__isnull=True).exists():
            plan_for_release(ticket=survivor, actor=actor, release=release)
        plan_for_release(ticket=duplicate, actor=actor, release=None)
    return release


def compile_release_notes(*, release: Release, actor: User) -> Release:
    """Compile the release's note items again from every item source; the general notes
    and the lines the manager worded stay as they are. Only before it ships."""
    require(access.can_manage_releases(actor), NOTES_REFUSED)
    with use_case():
        release = _unshipped(release)
        _compile(release, clock.now())
    return release


def edit_release_notes(*, release: Release, actor: User, notes: str) -> Release:
    """Word the general notes, which every institution reads. Only before it ships."""
    require(access.can_manage_releases(actor), NOTES_REFUSED)
    errors = FieldErrors()
    notes = errors.text("notes", notes, NOTES_MAX, required=False)
    errors.check()
    with use_case():
        release = _unshipped(release)
        release.notes = notes
        release.save(update_fields=["notes"])
    return release


def edit_note_item(*, item: ReleaseNoteItem, actor: User, text: str) -> ReleaseNoteItem:
    """Word one item of the notes; compiling again keeps the wording. A ticket's item
    gets an internal event on its timeline saying how its fix is announced."""
    require(access.can_manage_releases(actor), NOTES_REFUSED)
    errors = FieldErrors()
    text = errors.line("text", text, ITEM_TEXT_MAX)
    errors.check()
    with use_case():
        release = _unshipped(item.release)
        locked = ReleaseNoteItem.objects.select_for_update().filter(pk=item.pk).first()
        if locked is None:  # compiled away since it was read: the ticket left the release
            raise NotFound("No such release note item.")
        item = locked
        item.text, item.edited = text, True
        item.save(update_fields=["text", "edited"])
        ticket = (
            Ticket.objects.filter(pk=item.key).first()
            if item.source == sources.TICKET_SOURCE
            else None
        )
        if ticket is not None:
            events.record_note_worded(ticket, actor, clock.now(), release.version, text)
    return item


def _unshipped(release: Release, refusal: str = "has shipped; its notes are final") -> Release:
    """The release's row, locked; refused once it has shipped."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.is_shipped:
        raise InvalidTransition(f"Release {release.version} {refusal}.")
    return release


def _compile(release: Release, at: datetime) -> None:
    """Merge every source's items into the release's: new ones added, gone ones removed,
    the manager's wording kept."""
    existing = {(item.source, item.key): item for item in release.note_items.all()}
    kept: list[int] = []
    for name, source in sources.registered().items():
        for sourced in source(release):
            item = existing.get((name, sourced.key)) or ReleaseNoteItem(
                release=release, source=name, key=sourced.key
            )
            item.module, item.reference = sourced.module, sourced.reference
            if not item.edited:
                item.text = sourced.text[:ITEM_TEXT_MAX]
            item.save()
            item.institutions.set(sourced.institution_ids)
            kept.append(item.pk)
    release.note_items.exclude(pk__in=kept).delete()
    release.notes_compiled_at = at
    release.save(update_fields=["notes_compiled_at"])


def ship_release(*, release: Release, actor: User) -> Release:
    """Ship ``release`` now: its notes are compiled a last time and become final, every
    ticket planned for it ships, the domains' shipping steps run, and the affected
    institutions' admins get the notes.

    A release ships once. All of it is one transaction: the notifications are queued
    only if the release did ship.
    """
    require(access.can_manage_releases(actor), MANAGE_REFUSED)
    with use_case():
        release = _unshipped(release, "has already shipped")
        at = clock.now()
        release.shipped_at = at
        release.save(update_fields=["shipped_at"])
        _compile(release, at)
        told = _ship_tickets(release, actor, at)
        shipment = sources.Shipment(release=release, actor=actor, at=at, told=told)
        for step in sources.shipping_steps():
            step(shipment)
        _announce(release)
    return release


def _ship_tickets(release: Release, actor: User, at: datetime) -> frozenset[int]:
    """Each planned ticket gets a public ``shipped`` event and its clocks re-planned,
    which meets a resolution clock waiting for the next release (a target with a due
    time goes on as before), and its requester side is told "fixed in release X". The
    tickets are locked, in key order, so no other change re-plans them half-way. The
    tickets told, so a shipping step tells no one twice."""
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .select_related("institution", "requester", "reported_by")
        .prefetch_related("participants__user")
        .filter(release=release)
        .order_by("pk")
    )
    shipped = events.record_shipped(tickets, actor, at, release.version)
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(updated_at=at)
    for ticket in tickets:
        ticket.updated_at = at
        replan_ticket(ticket, at=at)
    notices = [
        Notice(
            ticket,
            # Its requester side (tickets' notices.requester_side), prefetched for the
            # whole release rather than asked per ticket.
            [
                ticket.requester,
                ticket.reported_by,
                *(follower.user for follower in ticket.participants.all()),
            ],
            f"event:{event.pk}",
            {"version": release.version},
        )
        for ticket, event in zip(tickets, shipped, strict=True)
    ]
    notify_many(event=NotificationEvent.TICKET_SHIPPED, notices=notices)
    return frozenset(ticket.pk for ticket in tickets)


def _announce(release: Release) -> None:
    """Mail the notes to the admins of each institution an item concerns: the general
    notes and that institution's items only, never another's."""
    items_of: defaultdict[int, list[ReleaseNoteItem]] = defaultdict(list)
    for item in release.note_items.prefetch_related("institutions"):
        for institution in item.institutions.all():
            items_of[institution.pk].append(item)
    admins_of: defaultdict[int, list[User]] = defaultdict(list)
    admins = User.objects.filter(
        institution_id__in=items_of, is_active=True, role_grants__role=Role.INSTITUTION_ADMIN
    ).distinct()
    for admin in admins:
        admins_of[admin.institution_id or 0].append(admin)
    link = f"{settings.SITE_URL}/portal/releases/{release.pk}/"
    notices = [
        Notice(
            None,
            admins_of[institution_id],
            f"release:{release.pk}",
            {"release": release, "groups": by_module(items), "link": link},
        )
        for institution_id, items in items_of.items()
    ]
    notify_many(event=NotificationEvent.RELEASE_NOTES, notices=notices)
