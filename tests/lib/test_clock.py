from datetime import UTC, datetime

import pytest
import time_machine

from hypercare.lib import clock


def test_frozen_clock_answers_the_given_moment_inside_the_block_only() -> None:
    moment = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), tick=False):
        with clock.frozen_at(moment):
            assert clock.now() == moment
        assert clock.now() == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_frozen_clock_lets_go_when_the_block_fails() -> None:
    moment = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    with pytest.raises(RuntimeError), clock.frozen_at(moment):
        raise RuntimeError("a service refused")
    assert clock.now() != moment
