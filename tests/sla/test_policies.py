"""Configuring policies, targets, calendars and closure days, by service and in the admin;
each change re-plans the open tickets it governs."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.lib.durations import format_duration
from hypercare.orgs.models import Institution
from hypercare.sla.choices import ClockState
from hypercare.sla.clocks import Target
from hypercare.sla.models import Calendar, ClosureDay, SlaPolicy
from hypercare.sla.policies import (
    CalendarSettings,
    PolicySettings,
    add_closure_days,
    create_calendar,
    create_policy,
    remove_closure_days,
    update_calendar,
    update_policy,
)
from hypercare.tickets.choices import Priority, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.sla.conftest import MONDAY_9, rated, working_hours_form

KOLKATA = ZoneInfo("Asia/Kolkata")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
OFFICE = {day: [["09:30", "18:00"]] for day in WEEKDAYS}
MEDIUM_IN_OFFICE_HOURS: dict[str, Target] = {
    Priority.MEDIUM: Target(4 * 60, 17 * 60, business_hours=True)
}
# Thursday 14 August 2025, 16:00 IST; Friday is Independence Day.
THURSDAY_4PM = datetime(2025, 8, 14, 16, tzinfo=KOLKATA)


def kolkata(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 8, day, hour, minute, tzinfo=KOLKATA)


def stored(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def office(manager: User) -> Calendar:
    return create_calendar(
        actor=manager,
        settings=CalendarSettings(
            name="Kolkata office",
            time_zone="Asia/Kolkata",
            working_hours=OFFICE,
            holiday_country="IN",
        ),
    )


@pytest.fixture
def contract(manager: User, institution: Institution, office: Calendar) -> SlaPolicy:
    return create_policy(
        actor=manager,
        settings=PolicySettings(
            name="Northfield contract",
            institution=institution,
            calendar=office,
            targets=MEDIUM_IN_OFFICE_HOURS,
        ),
    )


@pytest.fixture
def thursday(time_machine: Any) -> Any:
    time_machine.move_to(THURSDAY_4PM, tick=False)
    return time_machine


# Re-planning on change -----------------------------------------------------------------------


def test_a_closure_day_added_late_replans_the_open_tickets_counted_in_the_calendar(
    thursday: Any,
    contract: SlaPolicy,
    office: Calendar,
    requester: User,
    outsider: User,
    agent: User,
    manager: User,
) -> None:
    assert outsider.institution is not None
    open_ticket = rated(requester, Priority.MEDIUM)
    resolved = rated(requester, Priority.MEDIUM)
    change_status(ticket=resolved, actor=agent, status=Status.RESOLVED)
    elsewhere = rated(factories.requester(outsider.institution), Priority.MEDIUM)
    before = {ticket.pk: stored(ticket) for ticket in (open_ticket, resolved, elsewhere)}
    assert before[open_ticket.pk].first_response_due_at == kolkata(18, 11, 30)

    # In the same frozen instant: the calendar's version must still move.
    added = add_closure_days(
        actor=manager, calendar=office, first=date(2025, 8, 18), reason="Exam-week shutdown"
    )

    assert [closure.date for closure in added] == [date(2025, 8, 18)]
    moved = stored(open_ticket)
    assert moved.first_response_due_at == kolkata(19, 11, 30)
    assert moved.resolution_due_at == kolkata(20, 16)
    for ticket in (resolved, elsewhere):
        after = stored(ticket)
        assert after.first_response_due_at == before[ticket.pk].first_response_due_at
        assert after.resolution_due_at == before[ticket.pk].resolution_due_at


def test_removing_the_closure_moves_the_due_times_back(
    thursday: Any, contract: SlaPolicy, office: Calendar, requester: User, manager: User
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    add_closure_days(
        actor=manager, calendar=office, first=date(2025, 8, 18), last=date(2025, 8, 22)
    )
    assert stored(ticket).first_response_due_at == kolkata(25, 11, 30)

    removed = remove_closure_days(
        actor=manager, calendar=office, first=date(2025, 8, 20), last=date(2025, 8, 22)
    )

    assert removed == 3
    assert stored(ticket).first_response_due_at == kolkata(20, 11, 30)


def test_adding_a_closure_twice_keeps_the_first_reason(
    thursday: Any, office: Calendar, manager: User
) -> None:
    add_closure_days(actor=manager, calendar=office, first=date(2025, 8, 18), reason="Exams")

    again = add_closure_days(
        actor=manager, calendar=office, first=date(2025, 8, 18), last=date(2025, 8, 19)
    )

    assert [closure.date for closure in again] == [date(2025, 8, 19)]
    assert list(office.closures.values_list("date", "reason")) == [
        (date(2025, 8, 18), "Exams"),
        (date(2025, 8, 19), ""),
    ]


def test_changing_the_working_hours_replans_the_open_tickets(
    thursday: Any, contract: SlaPolicy, office: Calendar, requester: User, manager: User
) -> None:
    ticket = rated(requester, Priority.MEDIUM)

    update_calendar(
        actor=manager,
        calendar=office,
        settings=CalendarSettings(
            name="Kolkata office",
            time_zone="Asia/Kolkata",
            working_hours={**OFFICE, "sun": [["10:00", "14:00"]]},
            holiday_country="IN",
        ),
    )

    # 2 h on Thursday; Friday is Independence Day, Saturday Janmashtami; Sunday 10:00-12:00.
    assert stored(ticket).first_response_due_at == kolkata(17, 12)


def test_changing_a_policys_targets_replans_the_tickets_it_governs(
    thursday: Any,
    contract: SlaPolicy,
    office: Calendar,
    requester: User,
    outsider: User,
    manager: User,
    institution: Institution,
) -> None:
    assert outsider.institution is not None
    ours = rated(requester, Priority.MEDIUM)
    theirs = rated(factories.requester(outsider.institution), Priority.MEDIUM)

    update_policy(
        actor=manager,
        policy=contract,
        settings=PolicySettings(
            name="Northfield contract",
            institution=institution,
            calendar=office,
            targets={Priority.MEDIUM: Target(60, 17 * 60, business_hours=True)},
        ),
    )

    assert stored(ours).first_response_due_at == kolkata(14, 17)
    assert stored(theirs).first_response_due_at == THURSDAY_4PM + timedelta(hours=8)


def test_a_new_institution_policy_takes_over_from_the_default(
    thursday: Any, office: Calendar, requester: User, manager: User, institution: Institution
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    assert stored(ticket).first_response_due_at == THURSDAY_4PM + timedelta(hours=8)

    policy = create_policy(
        actor=manager,
        settings=PolicySettings(
            name="Northfield contract",
            institution=institution,
            calendar=office,
            targets=MEDIUM_IN_OFFICE_HOURS,
        ),
    )

    assert stored(ticket).sla_policy == policy
    assert stored(ticket).first_response_due_at == kolkata(18, 11, 30)


def test_changing_the_default_policy_leaves_institutions_with_their_own_alone(
    thursday: Any,
    contract: SlaPolicy,
    requester: User,
    outsider: User,
    manager: User,
) -> None:
    assert outsider.institution is not None
    ours = rated(requester, Priority.MEDIUM)
    theirs = rated(factories.requester(outsider.institution), Priority.MEDIUM)
    default = SlaPolicy.objects.get(is_default=True)

    update_policy(
        actor=manager,
        policy=default,
        settings=PolicySettings(
            name="Standard",
            is_default=True,
            warning_percent=50,
            targets={Priority.MEDIUM: Target(4 * 60, 48 * 60, business_hours=False)},
        ),
    )

    assert stored(theirs).first_response_due_at == THURSDAY_4PM + timedelta(hours=4)
    assert stored(theirs).first_response_warn_at == THURSDAY_4PM + timedelta(hours=2)
    assert stored(ours).first_response_due_at == kolkata(18, 11, 30)
    assert default.targets.count() == 1


def test_removing_a_priority_from_a_policy_leaves_its_tickets_without_a_target(
    traveller: Any, requester: User, manager: User
) -> None:
    ticket = rated(requester, Priority.HIGH)

    update_policy(
        actor=manager,
        policy=SlaPolicy.objects.get(is_default=True),
        settings=PolicySettings(
            name="Standard", is_default=True, targets={Priority.MEDIUM: Target(60, 120, False)}
        ),
    )

    assert stored(ticket).first_response_state == ClockState.NO_TARGET
    assert stored(ticket).first_response_due_at is None


# Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "field", "problem"),
    [
        (CalendarSettings(name=" "), "name", "This field cannot be blank."),
        (CalendarSettings(name="X", time_zone="Mars/Olympus"), "time_zone", "IANA time zone"),
        (
            CalendarSettings(name="X", working_hours={"mon": [["9am", "17:00"]]}),
            "working_hours",
            "mon: '9am' is not a time like 09:00",
        ),
        (
            CalendarSettings(name="X", working_hours={"mon": [["17:00", "09:00"]]}),
            "working_hours",
            "Monday 17:00-09:00: a shift must start before it ends",
        ),
        (
            CalendarSettings(name="X", working_hours={"monday": []}),
            "working_hours",
            "unknown weekdays ['monday']",
        ),
        (
            CalendarSettings(name="X", working_hours={}),
            "working_hours",
            "the calendar is never open",
        ),
        (CalendarSettings(name="X", holiday_country="XX"), "holiday_country", "'XX' is not"),
        (
            CalendarSettings(name="X", holiday_country="gb", holiday_subdivision="KA"),
            "holiday_subdivision",
            "'KA' is not a subdivision of GB; known: ENG, NIR, SCT, WLS",
        ),
        (CalendarSettings(name="X", holiday_subdivision="KA"), "holiday_subdivision", "country"),
    ],
)
def test_a_bad_calendar_is_refused_naming_the_field(
    manager: User, given: CalendarSettings, field: str, problem: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_calendar(actor=manager, settings=given)

    assert list(refused.value.errors) == [field]
    assert problem in refused.value.errors[field]
    assert not Calendar.objects.exists()


def test_holiday_codes_are_stored_in_capitals(manager: User) -> None:
    calendar = create_calendar(
        actor=manager,
        settings=CalendarSettings(name="London", holiday_country="gb", holiday_subdivision="eng"),
    )

    assert (calendar.holiday_country, calendar.holiday_subdivision) == ("GB", "ENG")


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"institution": None}, "institution", "or make it the default"),
        (
            {"is_default": True, "institution": None},
            "is_default",
            "'Standard' is already the default policy",
        ),
        ({"warning_percent": 100}, "warning_percent", "less than or equal to 99"),
        ({"warning_percent": 0}, "warning_percent", "greater than or equal to 1"),
        (
            {"targets": {Priority.HIGH: Target(60, 120, business_hours=True)}},
            "calendar",
            "the high targets count business hours; choose a calendar",
        ),
        (
            {"targets": {Priority.HIGH: Target(0, 120, business_hours=False)}},
            "targets.high.first_response_minutes",
            "at least 1 minute",
        ),
        (
            {"targets": {Priority.HIGH: Target(10, 0, business_hours=False)}},
            "targets.high.resolution_minutes",
            "or empty for next release",
        ),
        ({"targets": {"urgent": Target(10, 20, False)}}, "targets", "unknown priorities urgent"),
        ({"name": "Standard"}, "name", "already exists"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(
    manager: User, institution: Institution, changes: dict[str, Any], field: str, problem: str
) -> None:
    given = PolicySettings(**{"name": "Contract", "institution": institution, **changes})

    with pytest.raises(ValidationFailed) as refused:
        create_policy(actor=manager, settings=given)

    assert list(refused.value.errors) == [field]
    assert problem in refused.value.errors[field]
    assert SlaPolicy.objects.count() == 1


def test_the_default_policy_has_no_institution(manager: User, institution: Institution) -> None:
    default = SlaPolicy.objects.get(is_default=True)

    with pytest.raises(ValidationFailed) as refused:
        update_policy(
            actor=manager,
            policy=default,
            settings=PolicySettings(name="Standard", is_default=True, institution=institution),
        )

    assert "the default policy is for every institution" in refused.value.errors["institution"]


def test_a_closure_that_ends_before_it_starts_is_refused(manager: User, office: Calendar) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_closure_days(
            actor=manager, calendar=office, first=date(2025, 8, 22), last=date(2025, 8, 18)
        )

    assert refused.value.errors == {
        "last": "the closure ends (2025-08-18) before it starts (2025-08-22)"
    }


def test_a_closure_longer_than_a_year_is_refused(manager: User, office: Calendar) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_closure_days(
            actor=manager, calendar=office, first=date(2025, 1, 1), last=date(2026, 1, 2)
        )

    assert refused.value.errors == {"last": "a closure spans at most 366 days"}
    assert not ClosureDay.objects.exists()


def test_only_managers_configure_slas(agent: User, office: Calendar) -> None:
    with pytest.raises(NotAllowed):
        create_calendar(actor=agent, settings=CalendarSettings(name="Mine"))
    with pytest.raises(NotAllowed):
        add_closure_days(actor=agent, calendar=office, first=date(2025, 8, 18))
    with pytest.raises(NotAllowed):
        create_policy(actor=agent, settings=PolicySettings(name="Mine", is_default=True))


# Admin ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def policy_form(policy: SlaPolicy, **fields: Any) -> dict[str, Any]:
    """The change form as the admin posts it, targets inline."""
    targets = list(policy.targets.order_by("pk"))
    data: dict[str, Any] = {
        "name": policy.name,
        "institution": policy.institution_id or "",
        "calendar": policy.calendar_id or "",
        "warning_percent": policy.warning_percent,
        "targets-TOTAL_FORMS": len(targets),
        "targets-INITIAL_FORMS": len(targets),
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
    }
    if policy.is_default:
        data["is_default"] = "on"
    for index, target in enumerate(targets):
        data |= {
            f"targets-{index}-id": target.pk,
            f"targets-{index}-policy": policy.pk,
            f"targets-{index}-priority": target.priority,
            f"targets-{index}-first_response_minutes": format_duration(
                target.first_response_minutes
            ),
            f"targets-{index}-resolution_minutes": format_duration(target.resolution_minutes)
            if target.resolution_minutes is not None
            else "",
        }
    return data | fields


def test_saving_a_policy_in_the_admin_replans_its_tickets(
    traveller: Any,
    admin_client: Client,
    requester: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    default = SlaPolicy.objects.get(is_default=True)
    medium = list(default.targets.order_by("pk").values_list("priority", flat=True)).index(
        Priority.MEDIUM
    )
    url = reverse("admin:sla_slapolicy_change", args=[default.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, policy_form(default, **{f"targets-{medium}-first_response_minutes": "1 h"})
        )

    assert response.status_code == 302, response.content.decode()
    assert stored(ticket).first_response_due_at == MONDAY_9 + timedelta(hours=1)


def test_the_admin_refuses_business_hours_targets_without_a_calendar(
    admin_client: Client,
) -> None:
    default = SlaPolicy.objects.get(is_default=True)
    url = reverse("admin:sla_slapolicy_change", args=[default.pk])

    response = admin_client.post(url, policy_form(default, **{"targets-0-business_hours": "on"}))

    assert response.status_code == 200
    assert "targets count business hours; choose a calendar" in response.content.decode()
    assert not default.targets.filter(business_hours=True).exists()


def test_a_closure_day_added_in_the_admin_replans_the_tickets(
    thursday: Any,
    admin_client: Client,
    contract: SlaPolicy,
    office: Calendar,
    requester: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    url = reverse("admin:sla_calendar_change", args=[office.pk])
    version = Calendar.objects.get(pk=office.pk).updated_at
    form = {
        "name": office.name,
        "time_zone": office.time_zone,
        **working_hours_form(
            {day: [("09:30", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
        ),
        "holiday_country": "IN",
        "holiday_subdivision": "",
        "closures-TOTAL_FORMS": 1,
        "closures-INITIAL_FORMS": 0,
        "closures-MIN_NUM_FORMS": 0,
        "closures-MAX_NUM_FORMS": 1000,
        "closures-0-date": "2025-08-18",
        "closures-0-reason": "Exam-week shutdown",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()
    assert Calendar.objects.get(pk=office.pk).updated_at > version
    assert stored(ticket).first_response_due_at == kolkata(19, 11, 30)


def test_the_admin_names_a_bad_working_hours_field(admin_client: Client, office: Calendar) -> None:
    url = reverse("admin:sla_calendar_change", args=[office.pk])
    form = {
        "name": office.name,
        "time_zone": office.time_zone,
        **working_hours_form({"mon": [("18:00", "09:30")]}),
        "closures-TOTAL_FORMS": 0,
        "closures-INITIAL_FORMS": 0,
    }

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert "Monday 18:00-09:30: a shift must start before it ends" in response.content.decode()


def test_deleting_an_institution_policy_in_the_admin_falls_back_to_the_default(
    thursday: Any,
    admin_client: Client,
    contract: SlaPolicy,
    requester: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket = rated(requester, Priority.MEDIUM)
    url = reverse("admin:sla_slapolicy_delete", args=[contract.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert stored(ticket).sla_policy == SlaPolicy.objects.get(is_default=True)
    assert stored(ticket).first_response_due_at == THURSDAY_4PM + timedelta(hours=8)


def test_an_edit_in_the_admin_is_the_same_edit_as_through_the_service(
    thursday: Any,
    admin_client: Client,
    manager: User,
    contract: SlaPolicy,
    office: Calendar,
    institution: Institution,
    requester: User,
) -> None:
    """Two institutions under alike policies; one is edited in the admin, one through the
    service: what is stored and what their tickets are told comes out the same."""
    southbank = factories.institution("Southbank College", slug="southbank")
    twin = create_policy(
        actor=manager,
        settings=PolicySettings(
            name="Southbank contract",
            institution=southbank,
            calendar=office,
            targets=MEDIUM_IN_OFFICE_HOURS,
        ),
    )
    ours = rated(requester, Priority.MEDIUM)
    theirs = rated(factories.requester(southbank), Priority.MEDIUM)
    faster: dict[str, Target] = {Priority.MEDIUM: Target(60, 17 * 60, business_hours=True)}

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[contract.pk]),
        policy_form(
            contract,
            **{"targets-0-first_response_minutes": "1 h", "targets-0-business_hours": "on"},
        ),
    )
    update_policy(
        actor=manager,
        policy=twin,
        settings=PolicySettings(
            name="Southbank contract", institution=southbank, calendar=office, targets=faster
        ),
    )

    assert response.status_code == 302, response.content.decode()

    def shape(policy: SlaPolicy) -> list[tuple[Any, ...]]:
        return list(
            policy.targets.values_list(
                "priority", "first_response_minutes", "resolution_minutes", "business_hours"
            )
        )

    assert shape(contract) == shape(twin) == [(Priority.MEDIUM, 60, 17 * 60, True)]
    clocks = ("first_response_due_at", "first_response_warn_at", "resolution_due_at")
    assert [getattr(stored(ours), name) for name in clocks] == [
        getattr(stored(theirs), name) for name in clocks
    ]
    assert stored(ours).first_response_due_at == kolkata(14, 17)
