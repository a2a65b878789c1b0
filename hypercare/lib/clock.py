"""The one clock of the application.

Every "now" goes through here so tests can move time with ``time_machine`` and so a
reader can find every place that depends on the current time.
"""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
