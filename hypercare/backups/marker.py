"""The mark of a restore under way: a file in the data directory, gone when it finishes.

A restore replaces the database and the files one after the other; if it stops between
them, the installation must not pass for whole. ``hypercare check`` and ``/readyz`` read
this marker and fail while it is there, naming the archive.
"""

import json

from django.conf import settings

from hypercare.lib import clock

NAME = "restore-in-progress"


def begin(*, archive: str) -> None:
    path = settings.DATA_DIR / NAME
    path.write_text(json.dumps({"archive": archive, "started_at": clock.now().isoformat()}))


def finish() -> None:
    (settings.DATA_DIR / NAME).unlink(missing_ok=True)


def current() -> str:
    """What the unfinished restore was, or '' when none is under way."""
    path = settings.DATA_DIR / NAME
    if not path.exists():
        return ""
    try:
        started = json.loads(path.read_text())
        return f"restore of {started['archive']} started {started['started_at']}"
    except (ValueError, KeyError, TypeError):
        return f"restore marked by {path}"
