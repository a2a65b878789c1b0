"""Durations as people write them: ``4 h``, ``2 d``, ``1 d 4 h``, ``15 min``.

SLA targets are stored in minutes; they are entered and shown in these words. A day is
24 hours of the time the target counts: around the clock, or business hours in a calendar
(so ``1 d`` of business hours is 24 business hours, as ``3 days`` is in the design).
"""

import re
from itertools import pairwise

MINUTES = {"d": 24 * 60, "h": 60, "min": 1}
EXAMPLE = "write it in days, hours and minutes, e.g. 4 h, 2 d, 1 d 4 h or 30 min"
_UNIT_NAMES = {
    "d": "d",
    "day": "d",
    "days": "d",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "m": "min",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
}
_WORD = re.compile(r"(\d+)\s*([a-z]+)")


def parse_duration(text: str) -> int:
    """Minutes in ``text``; each unit at most once, largest first. ValueError if unreadable."""
    cleaned = text.strip().lower()
    parts = _WORD.findall(cleaned)
    if not parts or _WORD.sub("", cleaned).strip(" ,"):
        raise ValueError(EXAMPLE)
    units = [_UNIT_NAMES.get(word, "") for _, word in parts]
    if "" in units:
        raise ValueError(EXAMPLE)
    ranks = [list(MINUTES).index(unit) for unit in units]
    if any(later <= earlier for earlier, later in pairwise(ranks)):
        raise ValueError(EXAMPLE)
    return sum(int(number) * MINUTES[unit] for (number, _), unit in zip(parts, units, strict=True))


def format_duration(minutes: int) -> str:
    """``4 h``, ``2 d``, ``1 d 4 h 30 min``: what ``parse_duration`` reads back."""
    if minutes == 0:
        return "0 min"
    parts = []
    rest = minutes
    for unit, size in MINUTES.items():
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts)
