"""The ITIL priority matrix and the status lifecycle table."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hypercare.tickets.choices import (
    ALLOWED_TRANSITIONS,
    OPEN_STATUSES,
    PRIORITY_ORDER,
    Level,
    Priority,
    Status,
    priority_for,
)

# From least to most severe, so "raising" a level means moving right.
LEVELS_RISING = (Level.LOW, Level.MEDIUM, Level.HIGH)
levels = st.sampled_from(LEVELS_RISING)


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [
        (Level.HIGH, Level.HIGH, Priority.CRITICAL),
        (Level.HIGH, Level.MEDIUM, Priority.HIGH),
        (Level.HIGH, Level.LOW, Priority.MEDIUM),
        (Level.MEDIUM, Level.HIGH, Priority.HIGH),
        (Level.MEDIUM, Level.MEDIUM, Priority.MEDIUM),
        (Level.MEDIUM, Level.LOW, Priority.LOW),
        (Level.LOW, Level.HIGH, Priority.MEDIUM),
        (Level.LOW, Level.MEDIUM, Priority.LOW),
        (Level.LOW, Level.LOW, Priority.LOW),
    ],
)
def test_priority_follows_the_itil_matrix(impact: str, urgency: str, expected: str) -> None:
    assert priority_for(impact=impact, urgency=urgency) == expected


@given(impact=levels, urgency=levels)
def test_priority_for_is_total_over_levels(impact: str, urgency: str) -> None:
    assert priority_for(impact=impact, urgency=urgency) in Priority.values


@given(impact=levels, urgency=levels, impact_step=st.integers(0, 2), urgency_step=st.integers(0, 2))
def test_raising_impact_or_urgency_never_lowers_priority(
    impact: str, urgency: str, impact_step: int, urgency_step: int
) -> None:
    raised_impact = LEVELS_RISING[min(LEVELS_RISING.index(impact) + impact_step, 2)]
    raised_urgency = LEVELS_RISING[min(LEVELS_RISING.index(urgency) + urgency_step, 2)]
    before = priority_for(impact=impact, urgency=urgency)
    after = priority_for(impact=raised_impact, urgency=raised_urgency)
    # PRIORITY_ORDER runs from most to least urgent: a smaller index is a higher priority.
    assert PRIORITY_ORDER.index(after) <= PRIORITY_ORDER.index(before)


def test_rising_levels_cover_every_level() -> None:
    assert sorted(LEVELS_RISING) == sorted(Level.values)


def test_priority_order_lists_every_priority_most_urgent_first() -> None:
    assert PRIORITY_ORDER == (Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW)
    assert set(PRIORITY_ORDER) == set(Priority.values)


def test_every_status_has_a_transition_entry() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(Status.values)
    for targets in ALLOWED_TRANSITIONS.values():
        assert targets <= set(Status.values)


def test_no_status_transitions_to_itself() -> None:
    assert all(status not in targets for status, targets in ALLOWED_TRANSITIONS.items())


def test_closed_is_final_and_reachable_from_every_status() -> None:
    assert ALLOWED_TRANSITIONS[Status.CLOSED] == frozenset()
    for start in Status.values:
        reached, frontier = {start}, [start]
        while frontier:
            for target in ALLOWED_TRANSITIONS[frontier.pop()]:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
        assert Status.CLOSED in reached, start


def test_only_resolved_tickets_can_be_closed() -> None:
    closers = {
        status for status, targets in ALLOWED_TRANSITIONS.items() if Status.CLOSED in targets
    }
    assert closers == {Status.RESOLVED}


def test_open_statuses_leave_out_resolved_and_closed() -> None:
    assert set(OPEN_STATUSES) == set(Status.values) - {Status.RESOLVED, Status.CLOSED}
