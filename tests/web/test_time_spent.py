"""Time on the desk: the composers ask for minutes as the ticket's team says, the ticket
page and the timeline show them to staff, and the time spent report sums them."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.choices import TimeEntryRule
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category, EventKind
from hypercare.tickets.models import Ticket, TimeEntry
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from tests import factories
from tests.web.conftest import signed_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def _in_team(ticket: Ticket, rule: str) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(team=factories.team(time_entry=rule))
    return Ticket.objects.get(pk=ticket.pk)


def _url(ticket: Ticket, action: str = "") -> str:
    name = f"web:desk-{action}" if action else "web:desk-ticket"
    return reverse(name, args=[ticket.pk])


def test_both_composers_take_minutes_into_the_entry(
    agent_client: Client, agent: User, ticket: Ticket
) -> None:
    page = agent_client.get(_url(ticket)).content.decode()
    assert 'name="reply-minutes"' in page
    assert 'name="note-minutes"' in page

    agent_client.post(_url(ticket, "reply"), {"reply-body": "On it.", "reply-minutes": "20"})
    agent_client.post(_url(ticket, "note"), {"note-body": "Driver.", "note-minutes": "40"})

    assert list(TimeEntry.objects.order_by("pk").values_list("event__kind", "minutes")) == [
        (EventKind.PUBLIC_REPLY, 20),
        (EventKind.INTERNAL_NOTE, 40),
    ]
    page = agent_client.get(_url(ticket)).content.decode()
    assert f"Time spent:</span> 60 min ({agent.display_name} 60 min)" in page
    assert "Time spent:</span> 20 min</p>" in page


def test_a_required_team_refuses_a_note_without_minutes(
    agent_client: Client, ticket: Ticket
) -> None:
    ticket = _in_team(ticket, TimeEntryRule.REQUIRED)

    response = agent_client.post(_url(ticket, "note"), {"note-body": "Driver."}, **HTMX)

    assert response.status_code == 422
    assert 'id="id_note-minutes_error"' in response.content.decode()
    assert not ticket.events.filter(kind=EventKind.INTERNAL_NOTE).exists()


@pytest.mark.parametrize("minutes", ["0", "1441", "ten"])
def test_minutes_outside_a_day_are_refused_on_the_form(
    agent_client: Client, ticket: Ticket, minutes: str
) -> None:
    data = {"reply-body": "On it.", "reply-minutes": minutes}
    response = agent_client.post(_url(ticket, "reply"), data, **HTMX)

    assert response.status_code == 422
    assert 'id="id_reply-minutes_error"' in response.content.decode()
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def test_a_team_that_tracks_no_time_shows_no_minutes(agent_client: Client, ticket: Ticket) -> None:
    ticket = _in_team(ticket, TimeEntryRule.OFF)

    page = agent_client.get(_url(ticket)).content.decode()

    assert 'name="reply-minutes"' not in page
    assert 'name="note-minutes"' not in page


def test_the_portal_never_shows_time(requester_client: Client, agent: User, ticket: Ticket) -> None:
    add_public_reply(ticket=ticket, actor=agent, body="Which printer?", minutes=25)

    page = requester_client.get(reverse("web:portal-ticket", args=[ticket.pk])).content.decode()

    assert "Which printer?" in page
    assert "Time spent" not in page
    assert "25 min" not in page


@pytest.fixture
def spent(requester: User, agent: User, tier2_agent: User, other_institution: Institution) -> None:
    mine = factories.ticket(requester)
    theirs = factories.ticket(factories.requester(other_institution))
    Ticket.objects.filter(pk=theirs.pk).update(category=Category.CONFIGURATION)
    add_public_reply(ticket=mine, actor=agent, body="On it.", minutes=10)
    add_internal_note(ticket=mine, actor=tier2_agent, body="Logs.", minutes=35)
    add_internal_note(ticket=theirs, actor=agent, body="Elsewhere.", minutes=100)
    old = add_internal_note(ticket=theirs, actor=agent, body="Long ago.", minutes=7)
    # Before the period: TimeEntry is append-only, so the row is moved by SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_timeentry SET at = %s WHERE event_id = %s",
            [NOW - timedelta(days=40), old.pk],
        )


def _table(page: str, key: str) -> str:
    return page.split(f'id="time-{key}"')[1].split("</table>")[0]


def test_a_manager_reads_every_institutions_time(spent: None, agent: User) -> None:
    manager = factories.agent(Role.SUPPORT_MANAGER)

    page = signed_in(manager).get(reverse("web:report-time"), {"period": "30d"}).content.decode()

    assert '<p id="time-total">145 min on 3 replies and notes</p>' in page
    assert f'<th scope="row">{agent.display_name}</th><td>110</td><td>2</td>' in page
    institutions = _table(page, "institution")
    assert "Southbank College</th><td>100</td>" in institutions
    assert "Northfield University</th><td>45</td>" in institutions
    assert "Configuration</th><td>100</td>" in _table(page, "category")


def test_an_institution_admin_reads_only_their_own_tickets_time(
    spent: None, institution: Institution
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)

    page = signed_in(admin).get(reverse("web:report-time")).content.decode()

    assert '<p id="time-total">45 min on 2 replies and notes</p>' in page
    assert "Southbank" not in page


@pytest.mark.parametrize("persona", ["requester", "agent", "key_user"])
def test_other_roles_are_refused_the_report(
    spent: None, persona: str, request: pytest.FixtureRequest
) -> None:
    response = signed_in(request.getfixturevalue(persona)).get(reverse("web:report-time"))

    assert response.status_code == 403
