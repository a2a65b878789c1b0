"""Planning the clocks from a timeline: worked examples, then the laws the replay obeys."""

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from hypercare.sla.business_time import (
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
)
from hypercare.sla.choices import ClockState
from hypercare.sla.clocks import Change, ClockPlan, Plan, Target, plan_clocks
from hypercare.tickets.choices import Status

HOUR = 60
DAY = 24 * HOUR
# The design's targets, around the clock (the default policy).
TARGETS = {
    "critical": Target(15, 4 * HOUR, business_hours=False),
    "high": Target(2 * HOUR, 24 * HOUR, business_hours=False),
    "medium": Target(8 * HOUR, 3 * DAY, business_hours=False),
    "low": Target(2 * DAY, None, business_hours=False),
}
ALWAYS = BusinessCalendar.always_open()
LONDON = ZoneInfo("Europe/London")
LONDON_OFFICE = BusinessCalendar.from_hours(
    "Europe/London", dict.fromkeys(range(5), [(time(9), time(17, 30))])
)
# Monday 3 March 2025, 09:00 UTC (and London).
T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def status(hours: float, new: str) -> Change:
    return Change(at=at(hours), status=new)


def priority(hours: float, new: str) -> Change:
    return Change(at=at(hours), priority=new)


def shipped(hours: float) -> Change:
    return Change(at=at(hours), shipped=True)


def plan(
    *changes: Change,
    responded: datetime | None = None,
    created_with: str = "medium",
    targets: Mapping[str, Target] = TARGETS,
    calendar: BusinessCalendar = ALWAYS,
    third_party_pauses: bool = False,
    created_at: datetime = T0,
) -> Plan:
    return plan_clocks(
        created_at=created_at,
        priority_at_creation=created_with,
        changes=changes,
        first_responded_at=responded,
        targets=targets,
        business_calendar=calendar,
        pause_on_third_party=third_party_pauses,
        warning_percent=75,
    )


def office_targets(first_response: int, resolution: int | None) -> dict[str, Target]:
    return {"medium": Target(first_response, resolution, business_hours=True)}


# Worked examples ---------------------------------------------------------------------------


def test_both_clocks_run_from_creation_with_warnings_at_75_percent() -> None:
    result = plan()

    assert result.first_response.state == ClockState.RUNNING
    assert result.first_response.due_at == at(8)
    assert result.first_response.warn_at == at(6)
    assert result.resolution.state == ClockState.RUNNING
    assert result.resolution.due_at == at(72)
    assert result.resolution.warn_at == at(54)


def test_the_first_reply_from_support_meets_the_first_response() -> None:
    result = plan(responded=at(1))

    assert result.first_response.state == ClockState.MET
    assert result.first_response.stopped_at == at(1)
    assert result.first_response.warn_at is None
    assert result.resolution.state == ClockState.RUNNING


def test_a_first_reply_after_the_due_time_breaches_the_first_response() -> None:
    result = plan(responded=at(8) + timedelta(minutes=1))

    assert result.first_response.state == ClockState.BREACHED
    assert result.first_response.due_at == at(8)


def test_resolving_without_any_reply_stops_the_first_response_too() -> None:
    result = plan(status(2, Status.IN_PROGRESS), status(3, Status.RESOLVED))

    assert result.first_response.state == ClockState.MET
    assert result.first_response.stopped_at == at(3)


def test_waiting_on_the_requester_pauses_the_resolution_clock() -> None:
    result = plan(status(1, Status.WAITING_ON_REQUESTER))

    assert result.resolution.state == ClockState.PAUSED
    assert result.resolution.due_at is None
    # The first response is not paused by waiting on the requester.
    assert result.first_response.state == ClockState.RUNNING
    assert result.first_response.due_at == at(8)


def test_resuming_moves_the_resolution_due_time_by_the_time_paused() -> None:
    result = plan(status(1, Status.WAITING_ON_REQUESTER), status(5, Status.IN_PROGRESS))

    assert result.resolution.state == ClockState.RUNNING
    assert result.resolution.due_at == at(72 + 4)
    assert result.resolution.warn_at == at(54 + 4)
    assert result.paused_minutes == 4 * HOUR


def test_waiting_on_a_third_party_counts_unless_the_policy_pauses_it() -> None:
    changes = (status(1, Status.WAITING_ON_THIRD_PARTY), status(5, Status.IN_PROGRESS))

    counted = plan(*changes)
    paused = plan(*changes, third_party_pauses=True)
    still_waiting = plan(changes[0], third_party_pauses=True)

    assert counted.resolution.due_at == at(72)
    assert counted.paused_minutes == 0
    assert paused.resolution.due_at == at(72 + 4)
    assert paused.paused_minutes == 4 * HOUR
    assert still_waiting.resolution.state == ClockState.PAUSED


def test_a_priority_change_replans_from_creation_keeping_the_time_spent() -> None:
    # 1 h worked, 2 h waiting, then raised to high at hour 3: high's 24 h count from
    # creation, less the 2 h paused.
    result = plan(
        status(1, Status.WAITING_ON_REQUESTER),
        status(3, Status.IN_PROGRESS),
        priority(3, "high"),
    )

    assert result.priority == "high"
    assert result.resolution.due_at == at(24 + 2)
    assert result.first_response.due_at == at(2)


def test_raising_the_priority_late_leaves_the_clock_already_overdue() -> None:
    result = plan(priority(5, "critical"))

    # The sweep records the breach: the plan only says where the due time lies.
    assert result.resolution.state == ClockState.RUNNING
    assert result.resolution.due_at == at(4)


def test_lowering_the_priority_moves_the_due_times_later() -> None:
    result = plan(priority(1, "high"), priority(2, "medium"), created_with="high")

    assert result.first_response.due_at == at(8)
    assert result.resolution.due_at == at(72)


def test_a_first_response_keeps_the_verdict_of_the_priority_it_was_given_under() -> None:
    # Answered after 1 h as medium (8 h); raising it to critical (15 min) later must not
    # turn that answer into a breach.
    result = plan(priority(2, "critical"), responded=at(1))

    assert result.first_response.state == ClockState.MET
    assert result.first_response.due_at == at(8)
    assert result.resolution.due_at == at(4)


def test_resolving_before_the_due_time_meets_the_resolution() -> None:
    result = plan(status(1, Status.IN_PROGRESS), status(70, Status.RESOLVED), responded=at(1))

    assert result.resolution.state == ClockState.MET
    assert result.resolution.stopped_at == at(70)
    assert result.resolution.due_at == at(72)


def test_resolving_exactly_at_the_due_time_meets_the_resolution() -> None:
    result = plan(status(72, Status.RESOLVED), responded=at(1))

    assert result.resolution.state == ClockState.MET


def test_resolving_after_the_due_time_breaches_the_resolution() -> None:
    result = plan(status(1, Status.IN_PROGRESS), status(73, Status.RESOLVED), responded=at(1))

    assert result.resolution.state == ClockState.BREACHED
    assert result.resolution.due_at == at(72)
    assert result.resolution.stopped_at == at(73)


def test_closing_keeps_the_clock_stopped() -> None:
    result = plan(status(10, Status.RESOLVED), status(30, Status.CLOSED), responded=at(1))

    assert result.resolution.state == ClockState.MET
    assert result.resolution.stopped_at == at(10)


def test_reopening_resumes_the_clock_where_it_stopped() -> None:
    # 10 h counted, resolved for 20 h, reopened: 62 h left from hour 30.
    result = plan(
        status(10, Status.RESOLVED),
        status(30, Status.IN_PROGRESS),
        responded=at(1),
    )

    assert result.resolution.state == ClockState.RUNNING
    assert result.resolution.due_at == at(72 + 20)


def test_a_next_release_target_is_open_with_no_due_time() -> None:
    result = plan(created_with="low")

    assert result.resolution.state == ClockState.NEXT_RELEASE
    assert result.resolution.due_at is None
    assert result.first_response.due_at == at(48)
    assert any("next release" in step for step in result.steps)


def test_a_next_release_ticket_raised_to_medium_gets_a_due_time_from_creation() -> None:
    result = plan(priority(5, "medium"), created_with="low")

    assert result.resolution.state == ClockState.RUNNING
    assert result.resolution.due_at == at(72)


def test_shipping_meets_a_next_release_target() -> None:
    result = plan(status(1, Status.IN_PROGRESS), shipped(30), created_with="low")

    assert result.resolution.state == ClockState.MET
    assert result.resolution.stopped_at == at(30)
    assert result.resolution.due_at is None
    assert result.steps[-1] == (
        "Resolution: met by shipping in a release at Tue 4 Mar 2025, 15:00 UTC; "
        "the target was the next release."
    )


def test_a_resolved_ticket_waits_for_the_release_and_is_met_when_it_ships() -> None:
    resolved = (status(2, Status.RESOLVED),)

    waiting = plan(*resolved, created_with="low")
    met = plan(*resolved, shipped(200), created_with="low")

    assert waiting.resolution.state == ClockState.NEXT_RELEASE
    assert met.resolution.state == ClockState.MET
    assert met.resolution.stopped_at == at(200)


def test_shipping_does_not_stop_a_target_with_a_due_time() -> None:
    without = plan(status(1, Status.IN_PROGRESS))
    with_ship = plan(status(1, Status.IN_PROGRESS), shipped(5))

    assert with_ship.resolution == without.resolution
    assert with_ship.resolution.state == ClockState.RUNNING
    assert with_ship.first_response == without.first_response
    assert (
        "Mon 3 Mar 2025, 14:00 UTC: shipped in a release; the medium target has a due time, "
        "so shipping does not stop the clock."
    ) in with_ship.steps


def test_shipping_does_not_answer_the_first_response() -> None:
    result = plan(shipped(1), created_with="low")

    assert result.first_response.state == ClockState.RUNNING
    assert result.first_response.due_at == at(48)


def test_raising_the_priority_after_shipping_keeps_the_met_verdict() -> None:
    result = plan(shipped(5), priority(6, "high"), created_with="low")

    assert result.resolution.state == ClockState.MET
    assert result.resolution.stopped_at == at(5)


def test_lowering_to_next_release_after_shipping_is_met_at_the_shipping() -> None:
    # Re-planned from creation with the new target: the ticket has already shipped.
    result = plan(shipped(5), priority(6, "low"), created_with="medium")

    assert result.resolution.state == ClockState.MET
    assert result.resolution.stopped_at == at(5)


def test_raising_the_priority_before_shipping_leaves_shipping_no_say() -> None:
    result = plan(priority(2, "medium"), shipped(5), created_with="low")

    assert result.resolution.state == ClockState.RUNNING
    assert result.resolution.due_at == at(72)


def test_only_the_first_shipping_counts() -> None:
    result = plan(shipped(40), shipped(10), created_with="low")

    assert result.resolution.stopped_at == at(10)


def test_a_priority_without_a_target_has_no_clocks() -> None:
    result = plan(targets={"critical": TARGETS["critical"]})

    assert result.first_response.state == ClockState.NO_TARGET
    assert result.resolution.state == ClockState.NO_TARGET
    assert result.first_response.due_at is None


def test_business_hours_targets_count_only_office_hours() -> None:
    # Created Friday 16:30 London: 1 h on Friday, 1 h on Monday morning.
    friday = datetime(2025, 6, 6, 16, 30, tzinfo=LONDON)

    result = plan(
        targets=office_targets(2 * HOUR, 17 * HOUR), calendar=LONDON_OFFICE, created_at=friday
    )

    assert result.first_response.due_at == datetime(2025, 6, 9, 10, 0, tzinfo=LONDON)
    assert result.resolution.due_at == datetime(2025, 6, 10, 16, 30, tzinfo=LONDON)


def test_a_pause_in_office_hours_moves_the_due_time_by_the_business_time_paused() -> None:
    monday = datetime(2025, 6, 9, 9, tzinfo=LONDON)
    targets = office_targets(HOUR, 17 * HOUR)  # two office days
    waiting = Change(at=datetime(2025, 6, 9, 12, tzinfo=LONDON), status=Status.WAITING_ON_REQUESTER)
    back = Change(at=datetime(2025, 6, 10, 12, tzinfo=LONDON), status=Status.IN_PROGRESS)

    unpaused = plan(targets=targets, calendar=LONDON_OFFICE, created_at=monday)
    paused = plan(waiting, back, targets=targets, calendar=LONDON_OFFICE, created_at=monday)

    # Monday 12:00 to Tuesday 12:00 is 5 h 30 + 3 h of office time: one office day.
    assert paused.paused_minutes == 8.5 * HOUR
    assert unpaused.resolution.due_at == datetime(2025, 6, 10, 17, 30, tzinfo=LONDON)
    assert paused.resolution.due_at == datetime(2025, 6, 11, 17, 30, tzinfo=LONDON)
    assert paused.resolution.due_at == add_business_minutes(
        LONDON_OFFICE, unpaused.resolution.due_at, paused.paused_minutes
    )


def test_targets_around_the_clock_ignore_the_calendar() -> None:
    result = plan(calendar=LONDON_OFFICE, created_at=datetime(2025, 6, 6, 16, 30, tzinfo=LONDON))

    assert result.first_response.due_at == datetime(2025, 6, 7, 0, 30, tzinfo=LONDON)


def test_changes_are_replayed_in_time_order_whatever_order_they_come_in() -> None:
    changes = [status(5, Status.IN_PROGRESS), status(1, Status.WAITING_ON_REQUESTER)]

    assert plan(*changes) == plan(*reversed(changes))


def test_the_steps_explain_pauses_and_due_times_in_the_calendars_zone() -> None:
    monday = datetime(2025, 6, 9, 9, tzinfo=LONDON)
    targets = {"medium": office_targets(HOUR, 17 * HOUR)["medium"], "high": TARGETS["high"]}

    steps = plan(
        Change(at=datetime(2025, 6, 9, 12, tzinfo=LONDON), status=Status.WAITING_ON_REQUESTER),
        Change(at=datetime(2025, 6, 10, 12, tzinfo=LONDON), status=Status.IN_PROGRESS),
        Change(at=datetime(2025, 6, 10, 13, tzinfo=LONDON), priority="high"),
        targets=targets,
        calendar=LONDON_OFFICE,
        created_at=monday,
    ).steps

    assert steps == (
        "High priority: first response within 2 h, resolution within 24 h, "
        "counted around the clock.",
        "Tue 10 Jun 2025, 13:00 BST: priority changed from medium to high; running clocks are "
        "re-planned from creation with the new targets, keeping the time already counted.",
        "First response: due Mon 9 Jun 2025, 11:00 BST (2 h after creation); "
        "warning at Mon 9 Jun 2025, 10:30 BST.",
        "Mon 9 Jun 2025, 09:00 BST – Mon 9 Jun 2025, 12:00 BST, new: 3 h counted.",
        "Mon 9 Jun 2025, 12:00 BST – Tue 10 Jun 2025, 12:00 BST, waiting on requester: "
        "clock paused for 24 h of business time.",
        "Tue 10 Jun 2025, 12:00 BST – now, in progress: counting.",
        "Resolution: due Wed 11 Jun 2025, 09:00 BST; warning at Wed 11 Jun 2025, 03:00 BST.",
    )


def test_the_steps_say_why_a_stopped_clock_was_met_or_breached() -> None:
    steps = plan(
        status(1, Status.WAITING_ON_REQUESTER),
        status(3, Status.RESOLVED),
        priority(4, "critical"),
        responded=at(9),
    ).steps

    assert (
        "First response: met by resolving the ticket at Mon 3 Mar 2025, 12:00 UTC; "
        "it was due Mon 3 Mar 2025, 17:00 UTC under the medium target then in force."
    ) in steps
    assert steps[-1] == (
        "Resolution: met, stopped at Mon 3 Mar 2025, 12:00 UTC; "
        "it was due Thu 6 Mar 2025, 11:00 UTC."
    )


# Laws --------------------------------------------------------------------------------------

RUNNING = (Status.TRIAGED, Status.IN_PROGRESS)
CALENDARS = st.sampled_from([ALWAYS, LONDON_OFFICE])
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis attaches the zone
    max_value=datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
gaps = st.integers(min_value=0, max_value=5 * DAY)
resolution_targets = st.integers(min_value=1, max_value=5 * DAY)


def timeline(start: datetime, steps: Sequence[tuple[int, str]]) -> list[Change]:
    changes, moment = [], start
    for gap, new in steps:
        moment += timedelta(minutes=gap)
        changes.append(Change(at=moment, status=new))
    return changes


def target_of(minutes: int, calendar: BusinessCalendar) -> dict[str, Target]:
    return {"medium": Target(60, minutes, business_hours=calendar is not ALWAYS)}


@settings(max_examples=150, deadline=None)
@given(
    created=instants,
    minutes=resolution_targets,
    calendar=CALENDARS,
    steps=st.lists(st.tuples(gaps, st.sampled_from(RUNNING)), max_size=5),
)
def test_without_pauses_the_due_time_is_the_target_added_to_creation(
    created: datetime,
    minutes: int,
    calendar: BusinessCalendar,
    steps: list[tuple[int, str]],
) -> None:
    result = plan(
        *timeline(created, steps),
        targets=target_of(minutes, calendar),
        calendar=calendar,
        created_at=created,
    )

    assert result.resolution.due_at == add_business_minutes(calendar, created, minutes)
    assert result.paused_minutes == 0


@settings(max_examples=150, deadline=None)
@given(
    created=instants,
    minutes=resolution_targets,
    calendar=CALENDARS,
    steps=st.lists(st.tuples(gaps, st.sampled_from(RUNNING)), max_size=4),
    pause_start=gaps,
    pause_length=gaps,
)
def test_adding_a_pause_never_makes_the_resolution_due_earlier(
    created: datetime,
    minutes: int,
    calendar: BusinessCalendar,
    steps: list[tuple[int, str]],
    pause_start: int,
    pause_length: int,
) -> None:
    changes = timeline(created, steps)
    begins = created + timedelta(minutes=pause_start)
    pause = [
        Change(at=begins, status=Status.WAITING_ON_REQUESTER),
        Change(at=begins + timedelta(minutes=pause_length), status=Status.IN_PROGRESS),
    ]
    targets = target_of(minutes, calendar)

    without = plan(*changes, targets=targets, calendar=calendar, created_at=created)
    with_pause = plan(*changes, *pause, targets=targets, calendar=calendar, created_at=created)

    assert without.resolution.due_at is not None
    assert with_pause.resolution.due_at is not None
    assert with_pause.resolution.due_at >= without.resolution.due_at


@settings(max_examples=150, deadline=None)
@given(
    created=instants,
    minutes=resolution_targets,
    calendar=CALENDARS,
    steps=st.lists(
        st.tuples(gaps, st.sampled_from([*RUNNING, Status.WAITING_ON_REQUESTER])), max_size=6
    ),
)
def test_business_time_to_the_due_time_is_the_target_plus_the_time_paused(
    created: datetime,
    minutes: int,
    calendar: BusinessCalendar,
    steps: list[tuple[int, str]],
) -> None:
    changes = [*timeline(created, steps)]
    last = changes[-1].at if changes else created
    changes.append(Change(at=last, status=Status.IN_PROGRESS))

    result = plan(
        *changes, targets=target_of(minutes, calendar), calendar=calendar, created_at=created
    )

    due = result.resolution.due_at
    assert due is not None
    if due > last:
        # Every pause ended before the due time: it moved the due time by exactly its length.
        counted = business_minutes_between(calendar, created, due)
        assert abs(counted - (minutes + result.paused_minutes)) < 1e-6
    for begins, ends in zip(changes, changes[1:], strict=False):
        # Never due while the ticket waits on the requester.
        if begins.status == Status.WAITING_ON_REQUESTER and begins.at < ends.at:
            assert not begins.at < due < ends.at


@settings(max_examples=100, deadline=None)
@given(
    created=instants,
    calendar=CALENDARS,
    steps=st.lists(
        st.tuples(gaps, st.sampled_from([*RUNNING, Status.WAITING_ON_REQUESTER])), max_size=4
    ),
    change_after=gaps,
    new_priority=st.sampled_from(["critical", "high"]),
)
def test_a_running_clock_is_planned_as_if_created_with_the_current_priority(
    created: datetime,
    calendar: BusinessCalendar,
    steps: list[tuple[int, str]],
    change_after: int,
    new_priority: str,
) -> None:
    # Whatever happened before, the ticket is worked on again at the end.
    back = Change(at=created + timedelta(days=30), status=Status.IN_PROGRESS)
    changes = [*timeline(created, steps), back]
    raised = Change(at=created + timedelta(minutes=change_after), priority=new_priority)
    business = {
        name: Target(
            target.first_response_minutes, target.resolution_minutes, calendar is not ALWAYS
        )
        for name, target in TARGETS.items()
    }

    changed = plan(*changes, raised, targets=business, calendar=calendar, created_at=created)
    as_if_created = plan(
        *changes, created_with=new_priority, targets=business, calendar=calendar, created_at=created
    )

    assert changed.resolution == as_if_created.resolution
    assert changed.first_response == as_if_created.first_response
    assert changed.paused_minutes == as_if_created.paused_minutes


def test_a_closure_day_after_the_due_time_changes_nothing() -> None:
    closed = BusinessCalendar.from_hours(
        "Europe/London",
        dict.fromkeys(range(5), [(time(9), time(17, 30))]),
        {date(2025, 6, 20)},
    )
    monday = datetime(2025, 6, 9, 9, tzinfo=LONDON)
    targets = office_targets(HOUR, 17 * HOUR)

    assert plan(targets=targets, calendar=closed, created_at=monday) == plan(
        targets=targets, calendar=LONDON_OFFICE, created_at=monday
    )


STATUSES = st.sampled_from(
    [*RUNNING, Status.WAITING_ON_REQUESTER, Status.WAITING_ON_THIRD_PARTY, Status.RESOLVED]
)


@settings(max_examples=150, deadline=None)
@given(
    created=instants,
    minutes=resolution_targets,
    calendar=CALENDARS,
    steps=st.lists(st.tuples(gaps, STATUSES), max_size=5),
    ships=st.lists(gaps, min_size=1, max_size=3),
)
def test_shipping_changes_no_clock_with_a_due_time(
    created: datetime,
    minutes: int,
    calendar: BusinessCalendar,
    steps: list[tuple[int, str]],
    ships: list[int],
) -> None:
    changes = timeline(created, steps)
    shipping = [Change(at=created + timedelta(minutes=gap), shipped=True) for gap in ships]
    targets = target_of(minutes, calendar)

    without = plan(*changes, targets=targets, calendar=calendar, created_at=created)
    with_ships = plan(*changes, *shipping, targets=targets, calendar=calendar, created_at=created)

    assert with_ships.resolution == without.resolution
    assert with_ships.first_response == without.first_response
    assert with_ships.paused_minutes == without.paused_minutes


@settings(max_examples=150, deadline=None)
@given(
    created=instants,
    calendar=CALENDARS,
    steps=st.lists(st.tuples(gaps, STATUSES), max_size=5),
    ships=st.lists(gaps, max_size=3),
)
def test_a_next_release_clock_is_open_until_the_first_shipping_then_met(
    created: datetime,
    calendar: BusinessCalendar,
    steps: list[tuple[int, str]],
    ships: list[int],
) -> None:
    changes = timeline(created, steps)
    shipping = [Change(at=created + timedelta(minutes=gap), shipped=True) for gap in ships]
    targets = {"low": Target(60, None, business_hours=calendar is not ALWAYS)}

    without = plan(
        *changes, created_with="low", targets=targets, calendar=calendar, created_at=created
    )
    result = plan(
        *changes,
        *shipping,
        created_with="low",
        targets=targets,
        calendar=calendar,
        created_at=created,
    )

    if shipping:
        assert result.resolution == ClockPlan(
            ClockState.MET, stopped_at=min(change.at for change in shipping)
        )
    else:
        assert result.resolution == ClockPlan(ClockState.NEXT_RELEASE)
    assert result.first_response == without.first_response
