"""A change planned for a release: its item in the notes, and its history when shipped.

Shipping is the releases' use case; releases know nothing of changes. ``ChangesConfig``
registers ``changes_in`` as an item source of the notes and ``record_changes_shipped``
as a shipping step, as problems do for their fixes.
"""

from collections.abc import Iterator

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes import events
from hypercare.changes.choices import CLOSED_WITHOUT_WORK, ChangeEventKind
from hypercare.changes.models import ChangeRequest
from hypercare.changes.services.common import WORK_REFUSED, lock
from hypercare.errors import InvalidTransition
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.releases.models import Release
from hypercare.releases.sources import Shipment, SourcedItem
from hypercare.tickets.services.common import require


def plan_change_release(
    *, change: ChangeRequest, actor: User, release: Release | None
) -> ChangeRequest:
    """Plan the change for a release not shipped yet, move it to another, or (None) take
    it off. The release is locked before the change, the order shipping takes them in."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    with use_case():
        if release is not None:
            release = Release.objects.select_for_update().get(pk=release.pk)
        change = lock(change)
        if change.release == release:
            return change
        if change.status in CLOSED_WITHOUT_WORK:
            raise InvalidTransition(f"The change is {change.get_status_display().lower()}.")
        if change.release is not None and change.release.is_shipped:
            raise InvalidTransition(f"The change shipped in release {change.release.version}.")
        if release is not None and release.is_shipped:
            raise InvalidTransition(f"Release {release.version} has shipped; choose a later one.")
        at = clock.now()
        change.release = release
        change.updated_at = at
        change.save(update_fields=["release", "updated_at"])
        version = release.version if release else ""
        events.record(change, ChangeEventKind.RELEASE_PLANNED, actor, at, value=version)
    return change


def record_changes_shipped(shipment: Shipment) -> None:
    """Shipping's step for changes: each change planned for the release records that it
    shipped, in its history."""
    changes = ChangeRequest.objects.filter(release=shipment.release).exclude(
        status__in=CLOSED_WITHOUT_WORK
    )
    for change in changes.order_by("pk"):
        events.record(
            change,
            ChangeEventKind.SHIPPED,
            shipment.actor,
            shipment.at,
            value=shipment.release.version,
        )


def changes_in(release: Release) -> Iterator[SourcedItem]:
    """The release notes' items for its changes: the title under each affected module,
    concerning that module's institution only, so each institution reads its own."""
    changes = (
        ChangeRequest.objects.filter(release=release)
        .exclude(status__in=CLOSED_WITHOUT_WORK)
        .prefetch_related("modules")
        .order_by("pk")
    )
    for change in changes:
        modules = sorted(change.modules.all(), key=lambda module: (module.code, module.pk))
        for module in modules:
            yield SourcedItem(
                key=f"{change.pk}:{module.pk}",
                module=module.code,
                reference=change.reference,
                text=change.title,
                institution_ids=frozenset({module.institution_id}),
            )
