"""Business-time arithmetic throughput: ``python -m bench.business_time``.

Times ``add_business_minutes`` and ``business_minutes_between`` over business calendars as
institutions use them (a London office with English bank holidays, a Karnataka split shift
with Indian holidays, a New York split shift with US holidays), for the SLA targets of the
design (15 minutes to 3 days) and starts spread over two years, DST changes included. 24x7
calendars are left out: they are plain subtraction. Prints JSON; the target is at least
50 000 calculations per second for each function.

"cold" is the first pass over fresh calendars, which also works out each date's open
periods; "warm" repeats the same work, as a long-running worker does. Each figure is the
best of three runs. "new_calendar_each_call"
builds the calendar anew for every calculation (outside the target): it shows why callers
should build one calendar per policy and reuse it.
"""

import argparse
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from hypercare.sla.business_time import (
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
    public_holidays,
)

TARGET_PER_S = 50_000
YEARS = range(2025, 2028)
# First-response and resolution targets of the design's priority table, in minutes.
TARGET_MINUTES = (15, 4 * 60, 2 * 60, 24 * 60, 8 * 60, 3 * 24 * 60)
FIRST_START = datetime(2025, 1, 1, tzinfo=UTC)
START_SPREAD_S = 2 * 365 * 86_400
REPEATS = 3


def calendars() -> list[BusinessCalendar]:
    weekdays = range(5)
    office = [(clock(9), clock(17, 30))]
    return [
        BusinessCalendar.from_hours(
            "Europe/London", dict.fromkeys(weekdays, office), public_holidays("GB", "ENG", YEARS)
        ),
        BusinessCalendar.from_hours(
            "Asia/Kolkata",
            dict.fromkeys(range(6), [(clock(9, 30), clock(13)), (clock(14), clock(18, 30))]),
            public_holidays("IN", "KA", YEARS),
        ),
        BusinessCalendar.from_hours(
            "America/New_York",
            dict.fromkeys(weekdays, [(clock(8), clock(12)), (clock(13), clock(17))]),
            public_holidays("US", None, YEARS),
        ),
    ]


def rate(count: int, run: Callable[[], object]) -> int:
    """Calculations per second in the fastest of ``REPEATS`` runs: the slower runs lost time
    to other processes on the machine (the advice of ``timeit``)."""
    fastest = math.inf
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - started)
    return round(count / fastest)


def copies(models: Sequence[BusinessCalendar]) -> list[BusinessCalendar]:
    """The same calendars without their memoised open periods."""
    return [
        BusinessCalendar(model.time_zone, model.weekly_hours, model.closed_dates)
        for model in models
    ]


def measure(samples: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    models = calendars()
    picks = [rng.randrange(len(models)) for _ in range(samples)]
    starts = [
        FIRST_START + timedelta(seconds=rng.randrange(START_SPREAD_S)) for _ in range(samples)
    ]
    minutes = [rng.choice(TARGET_MINUTES) for _ in range(samples)]
    ends = [start + timedelta(minutes=rng.randrange(10 * 24 * 60)) for start in starts]
    few = max(1, samples // 20)

    def add_all(pool: Sequence[BusinessCalendar]) -> None:
        for pick, start, amount in zip(picks, starts, minutes, strict=True):
            add_business_minutes(pool[pick], start, amount)

    def add_each_with_a_new_calendar() -> None:
        # A twentieth of the samples: this way is slow, and only its order of size matters.
        for pick, start, amount in zip(picks[:few], starts[:few], minutes[:few], strict=True):
            add_business_minutes(copies([models[pick]])[0], start, amount)

    def between_all(pool: Sequence[BusinessCalendar]) -> None:
        for pick, start, end in zip(picks, starts, ends, strict=True):
            business_minutes_between(pool[pick], start, end)

    warm = copies(models)
    add_all(warm)
    figures = {
        "add_business_minutes": {
            "cold_per_s": rate(samples, lambda: add_all(copies(models))),
            "warm_per_s": rate(samples, lambda: add_all(warm)),
            "new_calendar_each_call_per_s": rate(few, add_each_with_a_new_calendar),
        },
        "business_minutes_between": {
            "cold_per_s": rate(samples, lambda: between_all(copies(models))),
            "warm_per_s": rate(samples, lambda: between_all(warm)),
        },
    }
    return {
        "samples": samples,
        "repeats": REPEATS,
        "target_per_s": TARGET_PER_S,
        **figures,
        "meets_target": all(
            figure["cold_per_s"] >= TARGET_PER_S and figure["warm_per_s"] >= TARGET_PER_S
            for figure in figures.values()
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.samples, args.seed), indent=2))


if __name__ == "__main__":
    main()
