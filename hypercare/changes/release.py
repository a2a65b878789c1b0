"""A change planned for a release: its item in the notes, and its history when shipped.

Only an implemented change is in a release: it is planned for one, listed in its notes
and shipped only once it is implemented (not rolled back, rejected, cancelled or still
on its way). Shipping is the releases' use case; releases know nothing of changes.
``ChangesConfig`` registers ``changes_in`` as an item source of the notes and
``record_changes_shipped`` as a shipping step, as problems do for their fixes.
"""

from collections.abc import Iterator

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes import events
from hypercare.changes.choices import ChangeEventKind, ChangeStatus
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
    """Plan the implemented change for a release not shipped yet, move it to another, or
    (None) take it off, whatever its status. The release is locked before the change, the
    order shipping takes them in."""
    require(access.can_work_changes(actor), WORK_REFUSED)
    with use_case():
        if release is not None:
            release = Release.objects.select_for_update().get(pk=release.pk)
        change = lock(change)
        if change.release == release:
            return change
        if change.release is not None and change.release.is_shipped:
            raise InvalidTransition(f"The change shipped in release {change.release.version}.")
        if release is not None and release.is_shipped:
            raise InvalidTransition(f"Release {release.version} has shipped; choose a later one.")
        if release is not None and change.status != ChangeStatus.IMPLEMENTED:
            raise InvalidTransition(_not_implemented([change]))
        at = clock.now()
        change.release = release
        change.updated_at = at
        change.save(update_fields=["release", "updated_at"])
        version = release.version if release else ""
        events.record(change, ChangeEventKind.RELEASE_PLANNED, actor, at, value=version)
    return change


def _not_implemented(changes: list[ChangeRequest]) -> str:
    named = ", ".join(f"{c.reference} is {c.get_status_display().lower()}" for c in changes)
    return f"Only an implemented change is in a release: {named}."


def record_changes_shipped(shipment: Shipment) -> None:
    """Shipping's step for changes: each change planned for the release records that it
    shipped, in its history. A change on it not implemented (planned before this rule
    held) refuses the shipping, naming it: take it off the release, or implement it."""
    changes = list(ChangeRequest.objects.filter(release=shipment.release).order_by("pk"))
    pending = [change for change in changes if change.status != ChangeStatus.IMPLEMENTED]
    if pending:
        them = "it" if len(pending) == 1 else "them"
        raise InvalidTransition(
            f"{_not_implemented(pending)} Take {them} off release "
            f"{shipment.release.version} before shipping."
        )
    for change in changes:
        events.record(
            change,
            ChangeEventKind.SHIPPED,
            shipment.actor,
            shipment.at,
            value=shipment.release.version,
        )


def changes_in(release: Release) -> Iterator[SourcedItem]:
    """The release notes' items for its implemented changes: the title under each
    affected module, concerning that module's institution only, so each institution
    reads its own."""
    changes = (
        ChangeRequest.objects.filter(release=release, status=ChangeStatus.IMPLEMENTED)
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
