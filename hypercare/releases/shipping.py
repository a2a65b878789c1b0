"""Steps other apps add to shipping a release, run inside ``ship_release``'s transaction.

Releases know nothing of the apps that build on them (problems resolve when their fix
ships). Such an app registers a step from its ``AppConfig.ready``; shipping calls each
with what it shipped, after its own tickets' events and notices, so a step can leave out
the tickets shipping has already told. An explicit list rather than a Django signal: the
steps are named here and run in order, inside the same transaction, and a failing step
rolls the shipping back.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hypercare.accounts.models import User
from hypercare.releases.models import Release


@dataclass(frozen=True)
class Shipment:
    """A release just shipped: by whom, when, and the tickets whose requesters were told."""

    release: Release
    actor: User
    at: datetime
    told: frozenset[int]


ShippingStep = Callable[[Shipment], None]
_steps: list[ShippingStep] = []


def on_shipping(step: ShippingStep) -> None:
    """Add ``step`` to every shipping from now on (once, however often it is added)."""
    if step not in _steps:
        _steps.append(step)


def run_steps(shipment: Shipment) -> None:
    for step in _steps:
        step(shipment)
