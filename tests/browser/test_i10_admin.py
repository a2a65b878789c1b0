"""The admin's SLA pages as a system admin uses them: weekday hours, zones, durations."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.sla.models import Calendar, SlaPolicy
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

# Data migrations (the default SLA policy) must survive each test's flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_admin_edits_office_hours_in_a_weekday_table(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    admin = factories.user(Role.ADMIN, username="sam", first_name="Sam")
    calendar = Calendar.objects.create(name="Pune office", time_zone="Asia/Kolkata")
    page = new_page()
    sign_in(page, live_server.url, admin.username)

    page.goto(f"{live_server.url}/admin/sla/calendar/{calendar.pk}/change/")
    expect(page.get_by_role("row", name="Monday")).to_be_visible()
    assert page.get_by_label("Time zone").input_value() == "Asia/Kolkata"
    page.get_by_label("Saturday, shift 1, start").fill("09:30")
    page.get_by_label("Saturday, shift 1, end").fill("13:30")
    page.get_by_label("Holiday country").select_option("IN")
    page.get_by_label("Holiday subdivision").fill("MH")
    shoot(page, "i10-admin-calendar")
    assert serious_accessibility_problems(page, read_stylesheets=False) == []
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    calendar.refresh_from_db()
    assert calendar.working_hours["sat"] == [["09:30", "13:30"]]
    assert calendar.working_hours["mon"] == [["09:00", "17:30"]]
    assert (calendar.holiday_country, calendar.holiday_subdivision) == ("IN", "MH")


def test_admin_reads_targets_in_hours_and_days(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    admin = factories.user(Role.ADMIN, username="sam", first_name="Sam")
    policy = SlaPolicy.objects.get(is_default=True)
    page = new_page()
    sign_in(page, live_server.url, admin.username)

    page.goto(f"{live_server.url}/admin/sla/slapolicy/{policy.pk}/change/")
    rows = "tr.has_original"
    first = page.locator(f"{rows} input[name$='first_response_minutes']")
    resolution = page.locator(f"{rows} input[name$='resolution_minutes']")
    assert first.evaluate_all("boxes => boxes.map(box => box.value)") == [
        "15 min",
        "2 h",
        "8 h",
        "2 d",
    ]
    expect(resolution.nth(3)).to_have_attribute("placeholder", "next release")
    shoot(page, "i10-admin-policy")
    assert serious_accessibility_problems(page, read_stylesheets=False) == []


def test_the_configuration_pages_pass_axe(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    admin = factories.user(Role.ADMIN, username="sam", first_name="Sam")
    institution = factories.institution("Northfield University", slug="northfield")
    team = factories.team("Service desk")
    module = factories.module(institution)
    page = new_page()
    sign_in(page, live_server.url, admin.username)

    problems = {}
    for path in (
        "/admin/orgs/team/add/",
        f"/admin/orgs/team/{team.pk}/change/",
        f"/admin/orgs/institution/{institution.pk}/change/",
        f"/admin/orgs/module/{module.pk}/change/",
        "/admin/orgs/agentavailability/add/",
        "/admin/tickets/routingrule/",
        "/admin/tickets/routingrule/add/",
        "/admin/escalations/escalationrule/add/",
        "/admin/sla/slapolicy/",
        "/admin/sla/calendar/add/",
    ):
        page.goto(f"{live_server.url}{path}")
        problems[path] = serious_accessibility_problems(page, read_stylesheets=False)

    found = {path: found for path, found in problems.items() if found}
    assert not found, "\n".join(
        f"{path}: {item}" for path, items in found.items() for item in items
    )
