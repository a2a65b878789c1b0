"""Releases: creating one, planning tickets' fixes for it, shipping it.

Shipping is when the "next release" resolution target of each planned ticket is met.
It writes a ``shipped`` event on each ticket's timeline and re-plans the ticket's clocks
from that timeline (``hypercare.sla.clocks`` reads the event), so the clocks stay a
function of the timeline and a later re-plan reaches the same verdict.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import Notice, notify_many
from hypercare.releases import events, shipping
from hypercare.releases.models import VERSION_MAX, Release
from hypercare.sla.services import replan_ticket
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import lock, require

NOTES_MAX = 50_000
MANAGE_REFUSED = "Only support managers and system admins create and ship releases."
PLAN_REFUSED = "Only support staff plan tickets for releases."
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


def ship_release(*, release: Release, actor: User) -> Release:
    """Ship ``release`` now: every ticket planned for it ships, its requester side is told.

    Each ticket gets a public ``shipped`` event and its clocks re-planned, which meets a
    resolution clock waiting for the next release; a target with a due time goes on as
    before. The tickets are locked, in key order, so no other change re-plans them
    half-way. A release ships once. Then the steps other apps add to shipping run in the
    same transaction (``releases.shipping``: problems fixed in the release resolve).
    """
    require(access.can_manage_releases(actor), MANAGE_REFUSED)
    with use_case():
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.is_shipped:
            raise InvalidTransition(f"Release {release.version} has already shipped.")
        at = clock.now()
        release.shipped_at = at
        release.save(update_fields=["shipped_at"])
        tickets = list(
            Ticket.objects.select_for_update(of=("self",))
            .select_related("institution", "requester", "reported_by")
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
                [ticket.requester, ticket.reported_by],
                f"event:{event.pk}",
                {"version": release.version},
            )
            for ticket, event in zip(tickets, shipped, strict=True)
        ]
        notify_many(event=NotificationEvent.TICKET_SHIPPED, notices=notices)
        told = frozenset(ticket.pk for ticket in tickets)
        shipping.run_steps(shipping.Shipment(release=release, actor=actor, at=at, told=told))
    return release
