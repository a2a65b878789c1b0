"""The dashboards' pages: charts drawn on the server, and drill-downs to exactly the
tickets behind a figure, for a support manager and for an institution's admin."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import signed_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


def _ticket(requester: User, title: str, **fields: object) -> Ticket:
    ticket = factories.ticket(requester, title=title)
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    return ticket


def _bar_link(page: str, title: str) -> str:
    """The address a chart's bar links to, found by the bar's title."""
    match = re.search(r'<a href="([^"]+)" aria-label="' + re.escape(title), page)
    assert match, f"no bar titled {title!r}"
    return html.unescape(match.group(1))


@pytest.fixture
def tickets(requester: User, other_institution: Institution) -> dict[str, Ticket]:
    outsider = factories.requester(other_institution)
    return {
        "today": _ticket(requester, "Opened today", created_at=NOW - timedelta(hours=1)),
        "closed": _ticket(
            requester,
            "Closed yesterday",
            created_at=NOW - timedelta(days=1),
            status=Status.CLOSED,
            resolved_at=NOW - timedelta(days=1),
        ),
        "theirs": _ticket(outsider, "Southbank's own", created_at=NOW - timedelta(hours=2)),
    }


def test_a_manager_sees_svg_charts_with_tables_and_no_inline_script(
    tickets: dict[str, Ticket],
) -> None:
    client = signed_in(factories.agent(Role.SUPPORT_MANAGER))

    response = client.get("/reports/", {"period": "7d"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg class="chart"') == 10
    assert 'role="group" aria-labelledby="flow-title" aria-describedby="flow-desc"' in page
    assert page.count("<details>") == 10
    assert "<script>" not in page
    assert "style=" not in page
    assert "Southbank College" in page


def test_a_managers_bar_drills_down_to_exactly_its_tickets_in_the_queue(
    tickets: dict[str, Ticket],
) -> None:
    client = signed_in(factories.agent(Role.SUPPORT_MANAGER))
    page = client.get("/reports/", {"period": "7d"}).content.decode()

    today = client.get(_bar_link(page, "20 Nov: 2 opened")).content.decode()
    resolved = client.get(_bar_link(page, "19 Nov: 1 resolved")).content.decode()

    assert _bar_link(page, "20 Nov: 2 opened").startswith("/desk/?")
    assert {"Opened today", "Southbank&#x27;s own"} <= _titles(today)
    assert "Closed yesterday" not in today
    assert "Closed yesterday" in resolved
    assert "Opened today" not in resolved


def _titles(page: str) -> set[str]:
    return set(re.findall(r'<span class="ref">HC-\d+</span> ([^<]+)</a>', page))


def test_an_institution_admin_sees_only_their_institution(
    tickets: dict[str, Ticket], institution: Institution
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    client = signed_in(admin)

    page = client.get("/reports/", {"period": "7d"}).content.decode()
    drilled = client.get(_bar_link(page, "20 Nov: 1 opened")).content.decode()

    assert "Southbank" not in page
    assert _bar_link(page, "20 Nov: 1 opened").startswith("/reports/tickets/?")
    assert _titles(drilled) == {"Opened today"}


def test_an_institution_admin_may_not_ask_for_another_institution(
    tickets: dict[str, Ticket], institution: Institution, other_institution: Institution
) -> None:
    client = signed_in(factories.user(Role.INSTITUTION_ADMIN, institution=institution))

    page = client.get("/reports/", {"institution": other_institution.pk})
    listed = client.get("/reports/tickets/", {"institution": other_institution.pk})

    assert page.status_code == 422
    assert "institution" in page.content.decode()
    assert "Southbank" not in listed.content.decode()


def test_requesters_and_agents_are_refused(requester_client: Client) -> None:
    agent = signed_in(factories.agent(Role.TIER1))

    assert requester_client.get("/reports/").status_code == 403
    assert agent.get("/reports/").status_code == 403
    assert agent.get("/reports/tickets/").status_code == 403


def test_a_bad_filter_is_refused_naming_it(requester: User) -> None:
    client = signed_in(factories.agent(Role.SUPPORT_MANAGER))

    response = client.get("/reports/", {"period": "forever"})

    assert response.status_code == 422
    assert "period" in response.content.decode()


def test_the_page_says_when_its_times_are_read_from_bins(tickets: dict[str, Ticket]) -> None:
    client = signed_in(factories.agent(Role.SUPPORT_MANAGER))

    weeks = client.get("/reports/", {"period": "52w"}).content.decode()
    days = client.get("/reports/", {"period": "30d"}).content.decode()

    note = "read from bins 1 % wide: within 0.5 % of the exact figure"
    assert note in weeks
    assert note not in days
