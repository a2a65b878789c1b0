"""Read queries for releases, scoped by the access policy."""

from django.db.models import Count, F, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.notes import NoteGroup, by_module
from hypercare.tickets.selectors import visible_tickets


def visible_releases(user: User) -> QuerySet[Release]:
    """Every release, newest first, for anyone signed in: a release is product-wide."""
    return Release.objects.filter(access.release_scope(user))


def get_visible_release(user: User, pk: int) -> Release:
    """The release with ``ticket_count``: the tickets planned for it that ``user`` may see.

    Counting through the user's ticket scope keeps other institutions' work out of it.
    """
    planned = Count("tickets", filter=Q(tickets__in=visible_tickets(user).values("pk")))
    release = visible_releases(user).annotate(ticket_count=planned).filter(pk=pk).first()
    if release is None:
        raise NotFound("No such release.")
    return release


def release_list(user: User) -> QuerySet[Release]:
    """The releases page: those not shipped first, the soonest planned first, then the
    shipped ones, the latest first; each with ``ticket_count`` as ``get_visible_release``
    counts it."""
    planned = Count("tickets", filter=Q(tickets__in=visible_tickets(user).values("pk")))
    return (
        visible_releases(user)
        .annotate(ticket_count=planned)
        .order_by(
            F("shipped_at").desc(nulls_first=True),
            F("planned_date").asc(nulls_last=True),
            "version",
        )
    )


def plannable_releases() -> QuerySet[Release]:
    """The releases a ticket may be planned for: not shipped, the soonest planned first."""
    return Release.objects.filter(shipped_at__isnull=True).order_by(
        F("planned_date").asc(nulls_last=True), "version"
    )


def notes_for(user: User, release: Release) -> list[NoteGroup]:
    """The release's note items ``user`` may read, by module: all of them for support
    staff, those concerning their own institution for its people (never another's)."""
    return by_module(release.note_items.filter(access.release_note_item_scope(user)))


def get_visible_note_item(user: User, pk: int) -> ReleaseNoteItem:
    """One note item ``user`` may read, with its release."""
    found = (
        ReleaseNoteItem.objects.filter(access.release_note_item_scope(user), pk=pk)
        .select_related("release")
        .first()
    )
    if found is None:
        raise NotFound("No such release note item.")
    return found
