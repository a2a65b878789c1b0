"""Reading a calendar's stored working hours (``{"mon": [["09:00", "17:30"]], ...}``)."""

from datetime import time
from typing import Any

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Shift = tuple[time, time]


def parse_working_hours(raw: Any) -> dict[int, list[Shift]]:
    """Shifts per weekday (0 = Monday). Raises ValueError naming the faulty day."""
    if not isinstance(raw, dict):
        raise ValueError("must map weekdays (mon..sun) to lists of [start, end] times")
    unknown = sorted(set(raw) - set(WEEKDAY_KEYS))
    if unknown:
        raise ValueError(f"unknown weekdays {unknown}; use {', '.join(WEEKDAY_KEYS)}")
    return {
        index: [_shift(key, pair) for pair in raw.get(key) or []]
        for index, key in enumerate(WEEKDAY_KEYS)
    }


def _shift(day: str, pair: Any) -> Shift:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise ValueError(f"{day}: each shift is a [start, end] pair")
    return _time(day, pair[0]), _time(day, pair[1])


def _time(day: str, text: Any) -> time:
    if text in ("24:00", "00:00"):
        return time(0)
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"{day}: {text!r} is not a time like 09:00") from None
