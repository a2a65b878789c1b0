"""The SLA panel on the workspace's ticket page, the queue's due column and the portal.

Default policy, around the clock: a critical ticket's first response is due 15 minutes
after it is opened (warning at 75 %, 11 min 15 s), its resolution 4 hours after.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from hypercare.sla.selectors import plan_for
from hypercare.sla.services import sweep_sla
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.web.conftest import signed_in

MONDAY_9 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def traveller(time_machine: Any) -> Any:
    time_machine.move_to(MONDAY_9, tick=False)
    return time_machine


@pytest.fixture
def deccan(db: None) -> Institution:
    return factories.institution("Deccan University", time_zone="Asia/Kolkata")


@pytest.fixture
def riya(deccan: Institution) -> User:
    return factories.requester(deccan, username="riya.deccan")


def critical(requester: User) -> Ticket:
    return factories.ticket(requester, urgency="high", impact="high")


def panel(client: Client, ticket: Ticket) -> str:
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    match = re.search(r'<section class="panel" id="sla-panel".*?</section>', page, re.S)
    assert match, "the ticket page has an SLA panel"
    return match.group(0)


def clock_cell(html: str, name: str) -> str:
    match = re.search(rf'<dd class="sla-clock" data-clock="{name}">(.*?)</dd>', html, re.S)
    assert match, name
    return match.group(1)


def test_staff_without_a_zone_read_utc_like_the_rest_of_the_page_and_see_the_institutions(
    traveller: Any, agent: User, riya: User
) -> None:
    ticket = critical(riya)

    html = panel(signed_in(agent), ticket)

    assert "Mon 3 Mar 2025, 09:15" in clock_cell(html, "first_response")
    assert "Mon 3 Mar 2025, 13:00" in clock_cell(html, "resolution")
    assert (
        "Times in UTC (set your own time zone in your profile; "
        "Deccan University keeps Asia/Kolkata)" in html
    )


def test_a_requester_reads_due_times_in_their_institutions_zone(traveller: Any, riya: User) -> None:
    ticket = critical(riya)

    page = signed_in(riya).get(f"/portal/tickets/{ticket.pk}/").content.decode()

    assert "We aim to resolve this by Mon 3 Mar 2025, 18:30" in page  # 13:00 UTC


def test_a_viewers_own_zone_wins_and_is_named(traveller: Any, agent: User, riya: User) -> None:
    agent.time_zone = "America/New_York"
    agent.save()
    ticket = critical(riya)

    html = panel(signed_in(agent), ticket)

    assert "Mon 3 Mar 2025, 04:15" in clock_cell(html, "first_response")
    assert "Times in America/New_York (your time zone)" in html


def test_colour_follows_the_time_left(
    traveller: Any, agent: User, agent_client: Client, requester: User
) -> None:
    ticket = critical(requester)
    assert 'class="sla sla--ok">15 min left' in clock_cell(
        panel(agent_client, ticket), "first_response"
    )

    traveller.move_to(MONDAY_9 + timedelta(minutes=12))
    assert 'class="sla sla--warning">3 min left' in clock_cell(
        panel(agent_client, ticket), "first_response"
    )

    traveller.move_to(MONDAY_9 + timedelta(minutes=20))
    html = panel(agent_client, ticket)
    assert 'class="sla sla--breached">overdue by 5 min' in clock_cell(html, "first_response")
    assert 'class="sla sla--ok">3 h 40 min left' in clock_cell(html, "resolution")

    sweep_sla(now=MONDAY_9 + timedelta(minutes=20))
    add_public_reply(ticket=ticket, actor=agent, body="Looking into it.")
    first_response = clock_cell(panel(agent_client, ticket), "first_response")
    assert 'class="sla sla--breached">Breached' in first_response
    assert (
        'Breach recorded <time datetime="2025-03-03T09:20:00+00:00" title="UTC">'
        "Mon 3 Mar 2025, 09:20</time>" in first_response
    )


def test_a_met_clock_and_paused_minutes_are_shown(
    traveller: Any, agent: User, agent_client: Client, requester: User
) -> None:
    ticket = critical(requester)
    add_public_reply(ticket=ticket, actor=agent, body="Which receipt number?")
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    traveller.move_to(MONDAY_9 + timedelta(minutes=50))
    paused = panel(agent_client, ticket)
    assert 'class="sla sla--paused">Paused' in clock_cell(paused, "resolution")

    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    html = panel(agent_client, ticket)

    assert 'class="sla sla--met">Met' in clock_cell(html, "first_response")
    assert "Mon 3 Mar 2025, 13:50" in clock_cell(html, "resolution")
    assert "50 min <span" in html


def test_how_it_was_computed_lists_the_replayed_steps(
    traveller: Any, agent: User, agent_client: Client, requester: User
) -> None:
    ticket = critical(requester)
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    traveller.move_to(MONDAY_9 + timedelta(minutes=30))
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)

    html = panel(agent_client, ticket)
    shown = re.findall(r"<li>(.*?)</li>", html.split("How was this computed?")[1], re.S)

    policy, plan = plan_for(Ticket.objects.get(pk=ticket.pk), at=clock.now())
    assert policy is not None
    assert plan is not None
    assert shown == [escape(step) for step in plan.steps]
    assert len(shown) >= 3
    assert any("paused" in step for step in shown)
    assert policy.name in html


def test_the_panel_refreshes_after_a_change(
    traveller: Any, agent: User, agent_client: Client, requester: User
) -> None:
    ticket = critical(requester)
    html = panel(agent_client, ticket)
    assert 'hx-trigger="ticket-changed from:body"' in html
    add_public_reply(ticket=ticket, actor=agent, body="On it.")

    part = agent_client.get(f"/desk/tickets/{ticket.pk}/sla/", **HTMX)

    assert part.status_code == 200
    assert part.content.decode().lstrip().startswith('<section class="panel" id="sla-panel"')
    assert 'class="sla sla--met">Met' in clock_cell(part.content.decode(), "first_response")


def test_the_panel_of_a_hidden_ticket_is_not_shown(
    agent_client: Client, requester_client: Client, outsider: User
) -> None:
    elsewhere = critical(outsider)
    assert agent_client.get("/desk/tickets/999999/sla/").status_code == 404
    refused = requester_client.get(f"/desk/tickets/{elsewhere.pk}/sla/", follow=True)
    assert "sla-panel" not in refused.content.decode()


def test_queue_shows_due_column_sort_and_sla_filters(
    traveller: Any, agent: User, agent_client: Client, requester: User
) -> None:
    urgent = critical(requester)
    calm = factories.ticket(requester, urgency="low", impact="low")  # low: 2 days
    traveller.move_to(MONDAY_9 + timedelta(minutes=20))

    page = agent_client.get("/desk/?queue=all&sort=due").content.decode()
    assert '<option value="due" selected>Due soonest</option>' in page
    assert '<option value="breached">Breached</option>' in page
    assert '<option value="due_1h">Due within 1 h</option>' in page
    assert page.index(urgent.reference) < page.index(calm.reference)
    assert 'class="sla sla--breached" title="First response due' in page
    assert ">overdue by 5 min</time>" in page
    assert ">1 d 23 h left</time>" in page

    breached = agent_client.get("/desk/?queue=all&sla=breached").content.decode()
    assert urgent.reference in breached
    assert calm.reference not in breached
    soon = agent_client.get("/desk/?queue=all&sla=due_1h").content.decode()
    assert urgent.reference in soon
    assert calm.reference not in soon
    traveller.move_to(MONDAY_9 + timedelta(days=2, minutes=-30))
    soon = signed_in(agent).get("/desk/?queue=all&sla=due_1h").content.decode()
    assert calm.reference in soon


def test_a_breached_queue_row_says_how_long_ago(
    traveller: Any, agent: User, requester: User
) -> None:
    ticket = critical(requester)  # first response due 09:15
    sweep_sla(now=MONDAY_9 + timedelta(minutes=20))
    add_public_reply(ticket=ticket, actor=agent, body="Looking into it.")
    traveller.move_to(MONDAY_9 + timedelta(days=3, hours=1))

    page = signed_in(agent).get("/desk/?queue=all&sort=due").content.decode()

    assert '<span class="sla sla--breached" title="First response was due Mon 3 Mar 2025' in page
    assert ">breached 3 d ago</span>" in page


def test_queue_due_column_costs_no_query_per_row(
    traveller: Any, agent_client: Client, requester: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        critical(requester)
    agent_client.get("/desk/?queue=all&sort=due")
    for _ in range(20):
        critical(requester)
    # 13 with the saved views' tabs, the notification bell and the bulk bar's macros,
    # each one query whatever the number of tickets.
    with django_assert_max_num_queries(13):
        agent_client.get("/desk/?queue=all&sort=due&sla=breached")


def test_portal_promises_the_resolution_time_in_plain_words_only(
    traveller: Any, agent: User, riya: User
) -> None:
    ticket = critical(riya)
    client = signed_in(riya)

    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "We aim to resolve this by Mon 3 Mar 2025, 18:30." in page  # Asia/Kolkata

    sweep_sla(now=MONDAY_9 + timedelta(minutes=20))
    traveller.move_to(MONDAY_9 + timedelta(minutes=20))
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "We aim to resolve this by" in page
    for internal in ("sla-panel", "First response", "SLA", "breach", "overdue"):
        assert internal not in page, internal

    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "On hold while we wait for your answer." in page
