"""The ticket page's actions in reach: the likely section open, one-click links to every
section, and an open escalation's steps in the main column."""

import re

import pytest
import time_machine
from django.test import Client

from hypercare.accounts.models import User
from hypercare.escalations.services.handling import record_action_plan
from hypercare.escalations.services.intake import request_escalation
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import assign_ticket, change_status
from hypercare.web.tickets.actions import likely_action
from tests import factories
from tests.escalations.conftest import CHECKLIST, REASON, T0
from tests.web.conftest import signed_in


@pytest.mark.parametrize(
    ("status", "owned", "likely"),
    [
        (Status.NEW, False, "assignee"),
        (Status.TRIAGED, False, "assignee"),
        (Status.NEW, True, "status"),
        (Status.IN_PROGRESS, True, "status"),
        (Status.IN_PROGRESS, False, "status"),
        (Status.WAITING_ON_REQUESTER, True, "status"),
        (Status.WAITING_ON_THIRD_PARTY, True, "status"),
        (Status.RESOLVED, True, ""),
        (Status.CLOSED, True, ""),
    ],
)
def test_the_likely_action_follows_the_tickets_stage(
    status: Status, owned: bool, likely: str
) -> None:
    ticket = Ticket(status=status, assignee_id=1 if owned else None)
    assert likely_action(ticket) == likely


def _open_sections(page: str) -> list[str]:
    return re.findall(r'<details class="prop__change" open id="change-([a-z]+)"', page)


def test_a_new_ticket_opens_at_its_owner(agent_client: Client, ticket: Ticket) -> None:
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert _open_sections(page) == ["assignee"]


def test_a_ticket_in_progress_opens_at_its_status(
    agent_client: Client, agent: User, ticket: Ticket
) -> None:
    assign_ticket(ticket=ticket, actor=agent, assignee=agent)
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert _open_sections(page) == ["status"]


def test_a_refused_change_stays_open_instead_of_the_likely_one(
    agent_client: Client, ticket: Ticket
) -> None:
    response = agent_client.post(
        f"/desk/tickets/{ticket.pk}/priority/", {"priority": "high", "reason": ""}
    )
    assert response.status_code == 422
    assert _open_sections(response.content.decode()) == ["priority"]


def test_every_section_is_one_link_away(agent_client: Client, ticket: Ticket) -> None:
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    bar = page[page.index('class="actionbar"') : page.index("</nav>", page.index("actionbar"))]
    links = re.findall(r'href="#([a-z-]+)"', bar)
    assert links == [
        "change-status",
        "change-assignee",
        "change-priority",
        "change-category",
        "change-module",
        "change-tier",
        "change-release",
        "escalation-panel",
    ]
    for target in links:
        assert f'id="{target}"' in page, target


def test_a_closed_ticket_offers_no_status_link(
    agent_client: Client, agent: User, ticket: Ticket
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'href="#change-status"' not in page
    assert _open_sections(page) == []


@pytest.fixture
def still_time(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(T0, tick=False)


def _main_and_aside(page: str) -> tuple[str, str]:
    aside = page.index('<aside class="layout__aside">')
    return page[:aside], page[aside:]


def test_an_open_escalation_takes_the_main_column(
    still_time: None, ticket: Ticket, requester: User
) -> None:
    manager = factories.agent("escalation_manager", username="esme", first_name="Esme")
    client = signed_in(manager)
    main, aside = _main_and_aside(client.get(f"/desk/tickets/{ticket.pk}/").content.decode())
    assert 'id="escalation-panel"' in aside  # not escalated: a request, in the side panel

    request_escalation(ticket=ticket, actor=requester, reason=REASON, checklist=CHECKLIST)
    main, aside = _main_and_aside(client.get(f"/desk/tickets/{ticket.pk}/").content.decode())
    assert 'id="escalation-panel"' not in aside
    assert main.index('id="escalation-panel"') < main.index('id="intake-heading"')
    assert "Next steps" in main
    # The rule named Esme, so the action plan is the gap to fill: that step is open.
    assert '<details class="prop__change" id="escalation-action-plan" open>' in main


def test_a_resolved_tickets_escalation_opens_at_de_escalation(
    still_time: None, ticket: Ticket, requester: User, agent: User
) -> None:
    manager = factories.agent("escalation_manager", username="esme", first_name="Esme")
    escalation = request_escalation(
        ticket=ticket, actor=requester, reason=REASON, checklist=CHECKLIST
    )
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch the gateway.")
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    page = signed_in(manager).get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert re.findall(r'id="escalation-([a-z-]+)" open', page) == ["de-escalation"]
