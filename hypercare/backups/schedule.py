"""Scheduled backups: one a day into ``HYPERCARE_BACKUP_DIR``, older ones thinned out.

The job runs every hour in whichever engine runs the jobs; it takes a backup when the
folder has none from today (UTC), so a missed hour or a restarted worker only delays it.
Two workers at once are kept apart by a lock on the folder (``flock``, released if a
worker dies), and the loser finds today's archive when its turn comes.

Retention keeps the newest archive of each of the last ``HYPERCARE_BACKUP_KEEP_DAILY``
days that have one, and of each of the last ``HYPERCARE_BACKUP_KEEP_WEEKLY`` ISO weeks;
every other archive in the folder goes, hand-made ones included.
"""

import fcntl
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings

from hypercare.backups.archive import archive_time, create_backup
from hypercare.lib import clock

LOCK_NAME = ".backup.lock"


def take_scheduled_backup() -> dict[str, int]:
    """Take today's backup if none is there yet, then prune past the retention."""
    if not settings.HYPERCARE_BACKUP_SCHEDULE:
        return {"taken": 0, "pruned": 0}
    folder = Path(settings.HYPERCARE_BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_NAME).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return {"taken": 0, "pruned": 0}
        taken = 0
        if not any(time.date() == clock.now().date() for time in archives(folder).values()):
            create_backup(destination=folder)
            taken = 1
        return {"taken": taken, "pruned": prune(folder)}


def archives(folder: Path) -> dict[Path, datetime]:
    """The complete archives in ``folder``, by when each was taken."""
    if not folder.is_dir():
        return {}
    found = {path: archive_time(path.name) for path in folder.iterdir()}
    return {path: time for path, time in found.items() if time is not None}


def last_backup(folder: Path) -> datetime | None:
    return max(archives(folder).values(), default=None)


def prune(folder: Path) -> int:
    found = archives(folder)
    keep = kept(
        found.values(),
        daily=settings.HYPERCARE_BACKUP_KEEP_DAILY,
        weekly=settings.HYPERCARE_BACKUP_KEEP_WEEKLY,
    )
    removed = [path for path, time in found.items() if time not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return len(removed)


def kept(times: Iterable[datetime], *, daily: int, weekly: int) -> set[datetime]:
    """The newest time of each of the last ``daily`` days and ``weekly`` ISO weeks."""
    newest_of_day: dict[object, datetime] = {}
    newest_of_week: dict[object, datetime] = {}
    for time in sorted(times, reverse=True):
        newest_of_day.setdefault(time.date(), time)
        newest_of_week.setdefault(time.isocalendar()[:2], time)
    return {*list(newest_of_day.values())[:daily], *list(newest_of_week.values())[:weekly]}
