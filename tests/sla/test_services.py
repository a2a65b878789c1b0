"""Clocks kept planned by the ticket services, in 24x7 and in business calendars."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.sla.choices import ClockState
from hypercare.sla.clocks import Target
from hypercare.sla.models import SlaPolicy
from hypercare.sla.policies import CalendarSettings, PolicySettings, create_calendar, create_policy
from hypercare.sla.selectors import clock_explanation
from hypercare.sla.services import sweep_sla
from hypercare.tickets.choices import Priority, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_priority, change_status
from tests import factories
from tests.sla.conftest import MONDAY_9, rated

KOLKATA = ZoneInfo("Asia/Kolkata")
LONDON = ZoneInfo("Europe/London")
OFFICE_TARGETS: dict[str, Target] = {
    # Business hours: first response half an office day, resolution two office days.
    Priority.MEDIUM: Target(4 * 60, 17 * 60, business_hours=True),
    Priority.HIGH: Target(2 * 60, 17 * 60, business_hours=True),
}


def hours(count: float) -> datetime:
    return MONDAY_9 + timedelta(hours=count)


def stored(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def office_policy(
    manager: User, institution: Institution, time_zone: str, start: str, end: str, region: str
) -> SlaPolicy:
    """The institution's own contract, counted Monday to Friday in ``time_zone``."""
    country, _, subdivision = region.partition("-")
    calendar = create_calendar(
        actor=manager,
        settings=CalendarSettings(
            name=f"{institution.name} office",
            time_zone=time_zone,
            working_hours={day: [[start, end]] for day in ("mon", "tue", "wed", "thu", "fri")},
            holiday_country=country,
            holiday_subdivision=subdivision,
        ),
    )
    return create_policy(
        actor=manager,
        settings=PolicySettings(
            name=f"{institution.name} contract",
            institution=institution,
            calendar=calendar,
            targets=OFFICE_TARGETS,
        ),
    )


# Around the clock (the default policy) -------------------------------------------------------


def test_opening_a_ticket_stores_both_due_times_under_the_default_policy(
    traveller: Any, requester: User
) -> None:
    ticket = stored(rated(requester, Priority.MEDIUM))

    assert ticket.sla_policy == SlaPolicy.objects.get(is_default=True)
    assert ticket.first_response_state == ClockState.RUNNING
    assert ticket.first_response_due_at == hours(8)
    assert ticket.first_response_warn_at == hours(6)
    assert ticket.resolution_state == ClockState.RUNNING
    assert ticket.resolution_due_at == hours(72)
    assert ticket.resolution_warn_at == hours(54)


def test_a_public_reply_from_support_meets_the_first_response(
    traveller: Any, requester: User, agent: User
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    add_public_reply(ticket=ticket, actor=requester, body="Any news?")
    assert stored(ticket).first_response_state == ClockState.RUNNING
    traveller.move_to(hours(1))

    add_public_reply(ticket=ticket, actor=agent, body="Looking into it.")

    assert stored(ticket).first_response_state == ClockState.MET
    assert stored(ticket).first_response_due_at == hours(8)


def test_waiting_on_the_requester_pauses_and_their_answer_moves_the_due_time(
    traveller: Any, requester: User, agent: User
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    traveller.move_to(hours(1))
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)

    paused = stored(ticket)
    assert paused.resolution_state == ClockState.PAUSED
    assert paused.resolution_due_at is None

    traveller.move_to(hours(5))
    add_public_reply(ticket=ticket, actor=requester, body="Here is the screenshot.")

    resumed = stored(ticket)
    assert resumed.status == Status.IN_PROGRESS
    assert resumed.resolution_state == ClockState.RUNNING
    assert resumed.resolution_due_at == hours(72 + 4)
    assert resumed.sla_paused_minutes == 4 * 60


def test_waiting_on_a_third_party_pauses_only_under_a_policy_that_says_so(
    traveller: Any, requester: User, agent: User, outsider: User, manager: User
) -> None:
    assert outsider.institution is not None
    create_policy(
        actor=manager,
        settings=PolicySettings(
            name="Southbank contract",
            institution=outsider.institution,
            pause_on_third_party=True,
            targets={Priority.MEDIUM: Target(8 * 60, 72 * 60, business_hours=False)},
        ),
    )
    counted = rated(requester, Priority.MEDIUM)
    paused = rated(factories.requester(outsider.institution), Priority.MEDIUM)
    traveller.move_to(hours(1))
    for ticket in (counted, paused):
        change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_THIRD_PARTY)
    traveller.move_to(hours(3))
    for ticket in (counted, paused):
        change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)

    assert stored(counted).resolution_due_at == hours(72)
    assert stored(paused).resolution_due_at == hours(72 + 2)


def test_a_priority_change_replans_from_creation(
    traveller: Any, requester: User, agent: User
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    traveller.move_to(hours(1))

    change_priority(ticket=ticket, actor=agent, priority=Priority.HIGH, reason="Payroll run")

    raised = stored(ticket)
    assert raised.first_response_due_at == hours(2)
    assert raised.resolution_due_at == hours(24)


def test_resolving_stops_the_clock_and_reopening_resumes_it(
    traveller: Any, requester: User, agent: User
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    add_public_reply(ticket=ticket, actor=agent, body="Fixed, please check.")
    traveller.move_to(hours(10))
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    assert stored(ticket).resolution_state == ClockState.MET

    traveller.move_to(hours(30))
    add_public_reply(ticket=ticket, actor=requester, body="Still blank for me.")

    reopened = stored(ticket)
    assert reopened.status == Status.IN_PROGRESS
    assert reopened.resolution_state == ClockState.RUNNING
    assert reopened.resolution_due_at == hours(72 + 20)


def test_a_low_ticket_waits_for_the_next_release_with_no_due_time(
    traveller: Any, requester: User
) -> None:
    ticket = stored(rated(requester, Priority.LOW))

    assert ticket.resolution_state == ClockState.NEXT_RELEASE
    assert ticket.resolution_due_at is None
    assert ticket.first_response_due_at == hours(48)


def test_without_any_policy_the_clocks_have_no_target(traveller: Any, requester: User) -> None:
    SlaPolicy.objects.all().delete()

    ticket = stored(rated(requester, Priority.CRITICAL))

    assert ticket.sla_policy is None
    assert ticket.first_response_state == ClockState.NO_TARGET
    assert ticket.resolution_state == ClockState.NO_TARGET


# Business calendars ------------------------------------------------------------------------


def test_kolkata_office_hours_skip_independence_day_and_the_weekend(
    time_machine: Any, requester: User, institution: Institution, manager: User
) -> None:
    office_policy(manager, institution, "Asia/Kolkata", "09:30", "18:00", "IN")
    # Thursday 14 August 2025, 16:00 IST; Friday is Independence Day.
    time_machine.move_to(datetime(2025, 8, 14, 16, tzinfo=KOLKATA), tick=False)

    ticket = stored(rated(requester, Priority.MEDIUM))

    # 2 h on Thursday, the rest from Monday 09:30.
    assert ticket.first_response_due_at == datetime(2025, 8, 18, 11, 30, tzinfo=KOLKATA)
    assert ticket.first_response_warn_at == datetime(2025, 8, 18, 10, 30, tzinfo=KOLKATA)
    assert ticket.resolution_due_at == datetime(2025, 8, 19, 16, tzinfo=KOLKATA)


def test_london_office_hours_follow_the_clocks_going_forward(
    time_machine: Any, requester: User, institution: Institution, manager: User
) -> None:
    office_policy(manager, institution, "Europe/London", "09:00", "17:30", "GB-ENG")
    # Friday 28 March 2025, 16:00 GMT; British Summer Time starts on Sunday.
    time_machine.move_to(datetime(2025, 3, 28, 16, tzinfo=UTC), tick=False)

    ticket = stored(rated(requester, Priority.MEDIUM))

    assert ticket.first_response_due_at == datetime(2025, 3, 31, 11, 30, tzinfo=LONDON)
    assert ticket.first_response_due_at == datetime(2025, 3, 31, 10, 30, tzinfo=UTC)
    assert ticket.resolution_due_at == datetime(2025, 4, 1, 16, tzinfo=LONDON)


def test_london_office_hours_skip_the_easter_bank_holidays(
    time_machine: Any, requester: User, institution: Institution, manager: User
) -> None:
    office_policy(manager, institution, "Europe/London", "09:00", "17:30", "GB-ENG")
    # Thursday 17 April 2025, 17:00; Good Friday and Easter Monday are bank holidays.
    time_machine.move_to(datetime(2025, 4, 17, 17, tzinfo=LONDON), tick=False)

    ticket = stored(rated(requester, Priority.HIGH))

    # Half an hour on Thursday, then Tuesday from 09:00.
    assert ticket.first_response_due_at == datetime(2025, 4, 22, 10, 30, tzinfo=LONDON)
    # 0.5 h Thursday, 8.5 h Tuesday, 8 h Wednesday.
    assert ticket.resolution_due_at == datetime(2025, 4, 23, 17, tzinfo=LONDON)


def test_a_pause_in_office_hours_moves_the_due_time_by_the_office_time_paused(
    time_machine: Any, requester: User, agent: User, institution: Institution, manager: User
) -> None:
    office_policy(manager, institution, "Europe/London", "09:00", "17:30", "GB-ENG")
    time_machine.move_to(datetime(2025, 3, 28, 16, tzinfo=UTC), tick=False)
    ticket = rated(requester, Priority.MEDIUM)
    time_machine.move_to(datetime(2025, 3, 31, 10, tzinfo=LONDON), tick=False)
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    time_machine.move_to(datetime(2025, 4, 1, 10, tzinfo=LONDON), tick=False)

    add_public_reply(ticket=ticket, actor=requester, body="Done, try again.")

    resumed = stored(ticket)
    assert resumed.sla_paused_minutes == 8.5 * 60
    assert resumed.resolution_due_at == datetime(2025, 4, 2, 16, tzinfo=LONDON)


# Explanation and repair ----------------------------------------------------------------------


def test_support_staff_see_how_the_due_times_came_about(
    time_machine: Any, requester: User, agent: User, institution: Institution, manager: User
) -> None:
    office_policy(manager, institution, "Asia/Kolkata", "09:30", "18:00", "IN")
    time_machine.move_to(datetime(2025, 8, 14, 16, tzinfo=KOLKATA), tick=False)
    ticket = rated(requester, Priority.MEDIUM)
    time_machine.move_to(datetime(2025, 8, 14, 17, tzinfo=KOLKATA), tick=False)
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)

    steps = clock_explanation(agent, stored(ticket))

    assert steps[0].startswith(
        "Policy 'Northfield University contract': business-hours targets count in the "
        "calendar 'Northfield University office' (Asia/Kolkata)"
    )
    assert (
        "First response: due Mon 18 Aug 2025, 11:30 IST (4 h after creation); "
        "warning at Mon 18 Aug 2025, 10:30 IST."
    ) in steps
    assert "Thu 14 Aug 2025, 16:00 IST – Thu 14 Aug 2025, 17:00 IST, new: 1 h counted." in steps
    assert steps[-1] == "Resolution: paused with 16 h left."
    assert clock_explanation(requester, stored(ticket)) == ()


def test_the_explanation_says_a_recorded_breach_stands(
    traveller: Any, requester: User, agent: User
) -> None:
    ticket = rated(requester, Priority.CRITICAL)
    sweep_sla(now=hours(0.5))
    traveller.move_to(hours(1))
    change_priority(ticket=ticket, actor=agent, priority=Priority.LOW, reason="Cosmetic")

    steps = clock_explanation(agent, stored(ticket))

    assert stored(ticket).first_response_state == ClockState.BREACHED
    assert "First response: due Wed 5 Mar 2025, 09:00 UTC (48 h after creation); " in (
        "\n".join(steps)
    )
    assert steps[-1] == (
        "The first response breach recorded Mon 3 Mar 2025, 09:30 UTC stands: "
        "a breach, once recorded, is not undone by a later re-plan."
    )


def test_replan_sla_restores_the_clocks_of_open_tickets(
    traveller: Any, requester: User, outsider: User, agent: User
) -> None:
    assert outsider.institution is not None
    ours = rated(requester, Priority.MEDIUM)
    theirs = rated(factories.requester(outsider.institution), Priority.MEDIUM)
    done = rated(requester, Priority.MEDIUM)
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)
    Ticket.objects.update(
        first_response_state=ClockState.NO_TARGET, first_response_due_at=None, sla_policy=None
    )
    out = StringIO()

    call_command("replan_sla", "--institution", "southbank", stdout=out)

    assert out.getvalue() == "Re-planned the SLA clocks of 1 open ticket of southbank.\n"
    assert stored(theirs).first_response_due_at == hours(8)
    assert stored(ours).first_response_due_at is None

    call_command("replan_sla", stdout=out)

    assert stored(ours).first_response_due_at == hours(8)
    assert stored(ours).sla_policy == SlaPolicy.objects.get(is_default=True)
    assert stored(done).first_response_state == ClockState.NO_TARGET  # resolved: left alone


def test_replan_sla_refuses_an_unknown_institution(db: None) -> None:
    with pytest.raises(CommandError, match="--institution: no institution has the slug 'nowhere'"):
        call_command("replan_sla", "--institution", "nowhere")
