"""The SLA admin pages speak the product's words: durations, weekday hours, zones, regions."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.sla.models import Calendar, SlaPolicy
from hypercare.sla.policies import CalendarSettings, create_calendar
from hypercare.tickets.choices import Priority
from tests import factories
from tests.sla.conftest import working_hours_form


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


@pytest.fixture
def office(manager: User) -> Calendar:
    return create_calendar(
        actor=manager,
        settings=CalendarSettings(
            name="Pune office",
            time_zone="Asia/Kolkata",
            working_hours={"mon": [["09:00", "13:00"], ["14:00", "18:00"]], "sat": []},
            holiday_country="IN",
            holiday_subdivision="MH",
        ),
    )


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def calendar_form(calendar: Calendar, **fields: Any) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        **working_hours_form({"mon": [("09:00", "17:00")]}),
        "holiday_country": calendar.holiday_country,
        "holiday_subdivision": calendar.holiday_subdivision,
        "closures-TOTAL_FORMS": 0,
        "closures-INITIAL_FORMS": 0,
        **fields,
    }


def standard_form(**fields: Any) -> dict[str, Any]:
    """The default policy's page as the admin posts it, targets in the order shown."""
    policy = SlaPolicy.objects.get(is_default=True)
    data: dict[str, Any] = {
        "name": policy.name,
        "is_default": "on",
        "warning_percent": policy.warning_percent,
        "targets-TOTAL_FORMS": 1,
        "targets-INITIAL_FORMS": 0,
        "targets-0-policy": policy.pk,
        "targets-0-priority": Priority.CRITICAL,
        "targets-0-first_response_minutes": "15 min",
        "targets-0-resolution_minutes": "4 h",
    }
    return data | fields


def test_targets_are_shown_in_hours_and_days_most_urgent_first(admin_client: Client) -> None:
    policy = SlaPolicy.objects.get(is_default=True)
    html = page(admin_client, reverse("admin:sla_slapolicy_change", args=[policy.pk]))

    shown = re.findall(r'name="targets-(\d)-first_response_minutes" value="([^"]*)"', html)
    priorities = re.findall(r'<option value="(\w+)" selected>', html)
    assert [value for _, value in shown] == ["15 min", "2 h", "8 h", "2 d"]
    assert priorities == ["critical", "high", "medium", "low"]
    assert 'name="targets-1-resolution_minutes" value="1 d"' in html
    assert 'name="targets-3-resolution_minutes" placeholder="next release"' in html
    assert "Empty means: resolved by the next release." in html


def test_the_policy_list_shows_targets_in_hours_and_days(admin_client: Client) -> None:
    html = page(admin_client, reverse("admin:sla_slapolicy_changelist"))

    assert (
        "Critical 15 min / 4 h · High 2 h / 1 d · Medium 8 h / 3 d · Low 2 d / next release" in html
    )


def test_a_target_entered_in_days_and_hours_is_stored_in_minutes(admin_client: Client) -> None:
    policy = SlaPolicy.objects.get(is_default=True)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])

    response = admin_client.post(
        url,
        standard_form(
            **{
                "targets-0-first_response_minutes": "1 h 30 min",
                "targets-0-resolution_minutes": "1 d 4 h",
            }
        ),
    )

    assert response.status_code == 302, response.content.decode()
    target = policy.targets.get()
    assert (target.first_response_minutes, target.resolution_minutes) == (90, 28 * 60)


def test_an_empty_resolution_waits_for_the_next_release(admin_client: Client) -> None:
    policy = SlaPolicy.objects.get(is_default=True)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])

    response = admin_client.post(url, standard_form(**{"targets-0-resolution_minutes": ""}))

    assert response.status_code == 302, response.content.decode()
    assert policy.targets.get().resolution_minutes is None


def test_a_bare_number_of_minutes_is_refused_with_an_example(admin_client: Client) -> None:
    policy = SlaPolicy.objects.get(is_default=True)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])

    response = admin_client.post(url, standard_form(**{"targets-0-first_response_minutes": "90"}))

    assert response.status_code == 200
    assert "e.g. 4 h, 2 d, 1 d 4 h or 30 min" in response.content.decode()
    assert policy.targets.count() == 4


def test_working_hours_are_edited_per_weekday(admin_client: Client, office: Calendar) -> None:
    url = reverse("admin:sla_calendar_change", args=[office.pk])
    html = page(admin_client, url)
    assert 'name="working_hours_mon_0_start" value="09:00"' in html
    assert 'name="working_hours_mon_1_end" value="18:00"' in html
    assert 'aria-label="Saturday, shift 1, start"' in html
    assert "&quot;mon&quot;" not in html  # no raw JSON

    response = admin_client.post(
        url,
        calendar_form(
            office,
            **working_hours_form({"tue": [("08:00", "12:00"), ("13:00", "16:30")]}),
        ),
    )

    assert response.status_code == 302, response.content.decode()
    office.refresh_from_db()
    assert office.working_hours["tue"] == [["08:00", "12:00"], ["13:00", "16:30"]]
    assert office.working_hours["mon"] == []


def test_a_shift_without_its_end_is_refused(admin_client: Client, office: Calendar) -> None:
    url = reverse("admin:sla_calendar_change", args=[office.pk])
    form = calendar_form(office, working_hours_wed_0_start="09:00")

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert "Wednesday: give both the start and the end of each shift" in response.content.decode()
    office.refresh_from_db()
    assert office.working_hours == {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], "sat": []}


def test_the_time_zone_is_picked_from_the_iana_zones(
    admin_client: Client, office: Calendar
) -> None:
    url = reverse("admin:sla_calendar_change", args=[office.pk])
    html = page(admin_client, url)
    assert '<select name="time_zone"' in html
    assert '<option value="Asia/Kolkata" selected>' in html
    assert '<option value="Europe/London">' in html

    response = admin_client.post(url, calendar_form(office, time_zone="Mars/Olympus"))

    assert response.status_code == 200
    assert "Mars/Olympus is not one of the available choices" in response.content.decode()


def test_a_long_subdivision_is_refused_not_cut_short(
    admin_client: Client, office: Calendar
) -> None:
    url = reverse("admin:sla_calendar_change", args=[office.pk])
    html = page(admin_client, url)
    assert re.search(r'<input type="text" name="holiday_subdivision"[^>]*>', html)
    assert 'maxlength="10"' not in html
    assert "For IN: AN, AP," in html

    response = admin_client.post(url, calendar_form(office, holiday_subdivision="MAHARASHTRA"))

    assert response.status_code == 200
    assert "at most 10 characters (it has 11)" in response.content.decode()
    office.refresh_from_db()
    assert office.holiday_subdivision == "MH"


def test_an_unknown_subdivision_names_the_known_ones(
    admin_client: Client, office: Calendar
) -> None:
    url = reverse("admin:sla_calendar_change", args=[office.pk])

    response = admin_client.post(url, calendar_form(office, holiday_subdivision="ENG"))

    assert response.status_code == 200
    assert "&#x27;ENG&#x27; is not a subdivision of IN; known: AN, AP" in (
        response.content.decode()
    )


def test_the_holiday_country_is_picked_by_name(admin_client: Client, office: Calendar) -> None:
    url = reverse("admin:sla_calendar_change", args=[office.pk])
    html = page(admin_client, url)
    assert '<option value="IN" selected>India (IN)</option>' in html
    assert '<option value="GB">United Kingdom (GB)</option>' in html

    response = admin_client.post(
        url, calendar_form(office, holiday_country="GB", holiday_subdivision="eng")
    )

    assert response.status_code == 302, response.content.decode()
    office.refresh_from_db()
    assert (office.holiday_country, office.holiday_subdivision) == ("GB", "ENG")
