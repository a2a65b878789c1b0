"""The one clock of the application.

Every "now" goes through here so tests can move time with ``time_machine`` and so a
reader can find every place that depends on the current time.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen_at: ContextVar[datetime | None] = ContextVar("frozen_at", default=None)


def now() -> datetime:
    return _frozen_at.get() or timezone.now()


@contextmanager
def frozen_at(at: datetime) -> Iterator[None]:
    """Make ``now()`` answer ``at`` inside the block, in this thread only.

    Only the demo loader uses it, to back-date a ticket's history while still going
    through the services. Tests move time with ``time_machine`` instead.
    """
    token = _frozen_at.set(at)
    try:
        yield
    finally:
        _frozen_at.reset(token)
