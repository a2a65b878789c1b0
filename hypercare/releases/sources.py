"""What a release resolves, from every domain that knows: note items and shipping steps.

Release notes list what a release resolves: the tickets planned for it (this app), the
problems fixed in it (the problems app), later change requests. Releases cannot import
those domains (they import releases), so each registers an item source from its
``AppConfig.ready``, like the timeline's event kinds::

    from hypercare.releases import sources
    sources.register("problem", problem_items)

A source is a function of the release, read inside the compiling transaction, that
answers one ``SourcedItem`` per record the release resolves. Compiling asks every source
and merges the answers into the release's ``ReleaseNoteItem`` rows (``services``).

A domain whose records a shipped release settles (a problem "fixed in release X" is
resolved) registers a shipping step the same way, ``sources.on_shipping(resolve_fixed)``:
``ship_release`` calls each with the ``Shipment`` (the locked release, the actor, the
shipping time and the tickets already told "fixed in release X"), inside its
transaction, after the tickets have shipped and before the notes are mailed. An
explicit list rather than a Django signal: the steps run in order, in the same
transaction, and a failing step rolls the shipping back.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured

from hypercare.accounts.models import User
from hypercare.releases.models import Release
from hypercare.tickets.models import Ticket


@dataclass(frozen=True)
class SourcedItem:
    """One thing the release resolves, as its source words it.

    ``key`` names the record within its source (its primary key); ``module`` is a
    ``ModuleCode`` value or empty; ``institution_ids`` are the institutions it concerns,
    the only ones that will read ``reference`` and ``text``.
    """

    key: str
    module: str
    reference: str
    text: str
    institution_ids: frozenset[int]


@dataclass(frozen=True)
class Shipment:
    """A release being shipped: by whom, when, and the tickets whose requesters were
    told "fixed in release X" already."""

    release: Release
    actor: User
    at: datetime
    told: frozenset[int]


ItemSource = Callable[[Release], Iterable[SourcedItem]]
ShippingStep = Callable[[Shipment], None]
TICKET_SOURCE = "ticket"

_sources: dict[str, ItemSource] = {}
_shipping_steps: list[ShippingStep] = []


def register(name: str, source: ItemSource) -> None:
    """Add a domain's item source under ``name``, the ``source`` of its items."""
    if _sources.setdefault(name, source) is not source:
        raise ImproperlyConfigured(f"release item source {name!r} is registered twice")


def registered() -> dict[str, ItemSource]:
    """Every item source by name, in the order they were registered."""
    return dict(_sources)


def on_shipping(step: ShippingStep) -> None:
    """Add a domain's step to every release's shipping (once, however often called)."""
    if step not in _shipping_steps:
        _shipping_steps.append(step)


def shipping_steps() -> list[ShippingStep]:
    return list(_shipping_steps)


def planned_tickets(release: Release) -> Iterable[SourcedItem]:
    """The tickets planned for the release, each concerning its own institution."""
    tickets = Ticket.objects.filter(release=release).select_related("module").order_by("pk")
    for ticket in tickets:
        yield SourcedItem(
            key=str(ticket.pk),
            module=ticket.module.code,
            reference=ticket.reference,
            text=ticket.title,
            institution_ids=frozenset({ticket.institution_id}),
        )
