from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

# Codes belong to a 30-second step: time stands still in these tests unless moved.
START = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def still_time() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
