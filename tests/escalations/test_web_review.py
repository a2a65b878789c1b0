"""Escalations easy to review and to end: the daily review's ticket status, order and
sections; the prompt to de-escalate a resolved ticket; managers chosen by name."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.choices import EscalationStatus
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.handling import (
    record_action_plan,
    record_communication_plan,
)
from hypercare.escalations.services.intake import request_escalation
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.escalations.conftest import CHECKLIST, REASON, T0
from tests.web.conftest import signed_in

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def still_time(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(T0, tick=False)


def _escalate(ticket: Ticket, actor: User) -> Escalation:
    return request_escalation(ticket=ticket, actor=actor, reason=REASON, checklist=CHECKLIST)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


# The daily review --------------------------------------------------------------------------


def test_the_daily_review_puts_overdue_updates_first_and_done_tickets_apart(
    requester: User, manager: User, agent: User
) -> None:
    calm = factories.ticket(requester, title="Calm one")
    escalation = _escalate(calm, requester)
    record_communication_plan(
        escalation=escalation, actor=manager, mode="email", update_every_hours=24, attendees="Riya"
    )
    change_status(ticket=calm, actor=agent, status=Status.IN_PROGRESS)
    done = factories.ticket(requester, title="Fixed one")
    _escalate(done, requester)
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        _escalate(factories.ticket(requester, title="Late one"), requester)
    with time_machine.travel(T0 + timedelta(hours=6), tick=False):
        page = _page(signed_in(manager), "/desk/escalations/")
    working, apart = page.split('id="ticket-done-heading"')
    # The newer escalation leads: its update is overdue, the older one's is not due yet.
    assert working.index("Late one") < working.index("Calm one")
    assert working.count("Overdue") == 1
    assert "Fixed one" not in working
    assert "Fixed one" in apart
    assert ">Resolved or closed, still escalated</h2>" in apart
    statuses = re.findall(r'data-label="Ticket status"><span class="badge[^"]*">([^<]+)<', page)
    assert statuses == ["New", "In progress", "Resolved"]


def test_a_review_with_only_done_tickets_says_so(
    requester: User, manager: User, agent: User
) -> None:
    ticket = factories.ticket(requester, title="Fixed one")
    _escalate(ticket, requester)
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    page = _page(signed_in(manager), "/desk/escalations/")
    assert "Every open escalation is on a resolved or closed ticket." in page
    assert "Fixed one" in page


# Resolving an escalated ticket ---------------------------------------------------------------


def test_resolving_an_escalated_ticket_prompts_to_de_escalate(
    ticket: Ticket, requester: User, manager: User
) -> None:
    escalation = _escalate(ticket, requester)
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch the gateway.")
    client = signed_in(manager)
    assert 'id="de-escalation-prompt"' not in _page(client, f"/desk/tickets/{ticket.pk}/")
    response = client.post(
        f"/desk/tickets/{ticket.pk}/status/", {"status": "resolved", "reason": ""}, **HTMX
    )
    assert response.status_code == 200
    panel = response.content.decode()
    assert 'id="de-escalation-prompt"' in panel
    step = f"/desk/tickets/{ticket.pk}/escalation/de-escalation/"
    assert f'href="{step}"' in panel
    # The prompt leads to the de-escalation's own checklist, through the existing service.
    assert "The requester accepts the action plan" in _page(client, step)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        done = client.post(
            step,
            {
                "action_plan_accepted": "on",
                "root_cause_on_track": "on",
                "agreed_by": "Riya",
                "agreed_at": "2025-04-07T10:30",
                "agreement_channel": "phone",
            },
        )
    assert done.status_code == 302
    assert Escalation.objects.get().status == EscalationStatus.DE_ESCALATED
    assert 'id="de-escalation-prompt"' not in _page(client, f"/desk/tickets/{ticket.pk}/")


def test_an_agent_who_may_not_de_escalate_is_told_who_can(
    ticket: Ticket, requester: User, manager: User, agent: User
) -> None:
    _escalate(ticket, requester)
    client = signed_in(agent)
    response = client.post(f"/desk/tickets/{ticket.pk}/status/", {"status": "resolved"})
    assert response.status_code == 302
    page = _page(client, f"/desk/tickets/{ticket.pk}/")
    prompt = page[page.index('id="de-escalation-prompt"') :]
    prompt = prompt[: prompt.index("</div>")]
    assert "Esme, the escalation manager, can end it once the requester agrees." in prompt
    assert "/escalation/de-escalation/" not in prompt


# Managers by name ------------------------------------------------------------------------


def test_escalation_managers_are_chosen_by_name(
    ticket: Ticket, requester: User, manager: User
) -> None:
    factories.agent(
        Role.ESCALATION_MANAGER, username="zed.k", first_name="Amara", last_name="Okafor"
    )
    factories.agent(Role.TIER1, username="tina", first_name="Tina")  # not eligible
    _escalate(ticket, requester)
    page = _page(signed_in(manager), f"/desk/tickets/{ticket.pk}/escalation/manager/")
    select = page[page.index('name="manager"') : page.index("</select>")]
    assert re.findall(r">([^<]+)</option>", select) == ["Amara Okafor", "Esme"]
    assert "zed.k" not in select
    assert f'value="{manager.pk}" selected' in select
