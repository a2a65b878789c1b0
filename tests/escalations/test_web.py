"""Escalations on the web desk: the ticket's panel, each step, the daily review and the
portal's request and status."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.escalations.choices import EscalationEventKind, EscalationStatus
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.handling import record_action_plan
from hypercare.escalations.services.intake import request_escalation
from hypercare.escalations.services.review import flag_missed_updates
from hypercare.orgs.choices import Tier
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.services.handover import HandOverNote
from hypercare.tickets.services.workflow import change_tier
from tests import factories
from tests.escalations.conftest import CHECKLIST, REASON, T0
from tests.web.conftest import signed_in

REQUEST = {
    "reason": "business_impact",
    "problem_statement_confirmed": "on",
    "business_impact": "No student can pay the exam fee.",
    "workaround": "none",
    "milestone_date": "",
    "milestone": "",
    "details": "",
}


@pytest.fixture(autouse=True)
def still_time(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(T0, tick=False)


def _escalate(ticket: Ticket, actor: User) -> Escalation:
    return request_escalation(ticket=ticket, actor=actor, reason=REASON, checklist=CHECKLIST)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


# The workspace ----------------------------------------------------------------------------


def test_an_agent_escalates_from_the_ticket_page(
    ticket: Ticket, agent: User, manager: User
) -> None:
    client = signed_in(agent)
    page = _page(client, f"/desk/tickets/{ticket.pk}/")
    assert 'id="escalation-panel"' in page
    assert "Not escalated." in page
    assert f'action="/desk/tickets/{ticket.pk}/escalation/request/"' in page
    response = client.post(f"/desk/tickets/{ticket.pk}/escalation/request/", REQUEST)
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.pk}/#escalation-panel"
    page = _page(client, f"/desk/tickets/{ticket.pk}/")
    assert "Level 1 · support lead" in page
    assert (
        'id="escalation-next-update"><time datetime="2025-04-07T14:00:00+00:00" title="UTC">'
        "Mon 7 Apr 2025, 14:00</time>" in page
    )
    assert "Esme" in page


def test_an_incomplete_checklist_comes_back_with_every_problem_named(
    ticket: Ticket, agent: User
) -> None:
    response = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/escalation/request/",
        {**REQUEST, "problem_statement_confirmed": "", "workaround": "impractical"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_problem_statement_confirmed_error"' in page
    assert 'id="id_workaround_impractical_because_error"' in page
    assert not Escalation.objects.exists()


def test_the_manager_runs_every_step_from_the_panel(
    ticket: Ticket, requester: User, manager: User
) -> None:
    _escalate(ticket, requester)
    client = signed_in(manager)
    page = _page(client, f"/desk/tickets/{ticket.pk}/")
    for step in ("manager", "action-plan", "communication-plan", "update", "level"):
        assert f"/escalation/{step}/" in page, step
    assert "/escalation/de-escalation/" not in page  # no action plan yet
    base = f"/desk/tickets/{ticket.pk}/escalation"
    client.post(f"{base}/action-plan/", {"action_plan": "Patch the gateway."})
    client.post(
        f"{base}/communication-plan/",
        {"mode": "email", "update_every_hours": "6", "attendees": "Riya"},
    )
    client.post(f"{base}/update/", {"body": "Vendor engaged."})
    client.post(f"{base}/level/", {"level": "2", "reason": "Vendor slow"})
    refused = client.post(f"{base}/de-escalation/", {"agreed_by": "Riya"})
    assert refused.status_code == 422
    assert 'id="id_action_plan_accepted_error"' in refused.content.decode()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        done = client.post(
            f"{base}/de-escalation/",
            {
                "action_plan_accepted": "on",
                "root_cause_on_track": "on",
                "agreed_by": "Riya",
                "agreed_at": "2025-04-07T10:30",
                "agreement_channel": "phone",
            },
        )
    assert done.status_code == 302
    escalation = Escalation.objects.get()
    assert (escalation.status, escalation.level, escalation.update_every_hours) == (
        EscalationStatus.DE_ESCALATED,
        2,
        6,
    )
    page = _page(client, f"/desk/tickets/{ticket.pk}/")
    assert re.search(
        r"Escalated before: <time [^>]*>Mon 7 Apr 2025</time>–<time [^>]*>Mon 7 Apr 2025</time>",
        page,
    )
    assert "de-escalated the ticket" in page


def test_an_agent_without_a_manager_role_sees_no_handling_steps(
    ticket: Ticket, requester: User, agent: User, manager: User
) -> None:
    _escalate(ticket, requester)
    client = signed_in(agent)
    page = _page(client, f"/desk/tickets/{ticket.pk}/")
    assert "/escalation/update/" not in page
    assert client.get(f"/desk/tickets/{ticket.pk}/escalation/update/").status_code == 403
    posted = client.post(f"/desk/tickets/{ticket.pk}/escalation/update/", {"body": "Hi"})
    assert posted.status_code == 403


def test_a_step_on_a_ticket_that_is_not_escalated_is_a_conflict(
    ticket: Ticket, manager: User
) -> None:
    client = signed_in(manager)
    response = client.post(f"/desk/tickets/{ticket.pk}/escalation/update/", {"body": "Hi"})
    assert response.status_code == 409
    assert client.get(f"/desk/tickets/{ticket.pk}/escalation/unknown/").status_code == 404


def test_the_desk_timeline_shows_the_handover_note(
    ticket: Ticket, agent: User, requester: User
) -> None:
    RoutingRule.objects.create(team=factories.team("Consultants", tier=Tier.FUNCTIONAL), tier=2)
    change_tier(
        ticket=ticket,
        actor=agent,
        tier=Tier.FUNCTIONAL,
        handover=HandOverNote("Reprinted it", "Template broken", "A config fix"),
    )
    desk = _page(signed_in(agent), f"/desk/tickets/{ticket.pk}/")
    assert "Template broken" in desk
    assert "A config fix" in desk
    assert "Before: Tara" not in desk  # nobody owned it before the hand-over
    portal = _page(signed_in(requester), f"/portal/tickets/{ticket.pk}/")
    assert "moved the ticket from Tier 1" in portal
    assert "Template broken" not in portal


# The daily review ----------------------------------------------------------------------


def test_the_daily_review_lists_every_open_escalation(
    requester: User, manager: User, agent: User
) -> None:
    first = factories.ticket(requester, title="Gateway down")
    second = factories.ticket(requester, title="Results stuck")
    escalation = _escalate(first, requester)
    record_action_plan(escalation=escalation, actor=manager, action_plan="Fail over to backup")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        _escalate(second, agent)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        flag_missed_updates()
        page = _page(signed_in(manager), "/desk/escalations/")
    assert page.index("Gateway down") < page.index("Results stuck")
    assert "Fail over to backup" in page
    assert "Not recorded yet" in page
    assert page.count("Overdue") == 1
    assert "5\xa0hours" in page  # the first one's age
    mine = _page(signed_in(agent), "/desk/escalations/?manager=me")
    assert "No escalation is open for you" in mine


def test_the_daily_review_costs_the_same_however_many_escalations(
    requester: User, manager: User
) -> None:
    client = signed_in(manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _page(client, "/desk/escalations/")
        return len(queries)

    _escalate(factories.ticket(requester), requester)
    one = count()
    for _ in range(6):
        _escalate(factories.ticket(requester), requester)
    assert count() == one


def test_the_daily_review_is_for_support_staff(requester: User) -> None:
    assert signed_in(requester).get("/desk/escalations/")["Location"] == "/"


# The portal ------------------------------------------------------------------------------


def test_the_requester_asks_for_an_escalation_with_the_checklist(
    ticket: Ticket, requester: User, manager: User
) -> None:
    client = signed_in(requester)
    page = _page(client, f"/portal/tickets/{ticket.pk}/")
    assert f"/portal/tickets/{ticket.pk}/escalate/" in page
    form = _page(client, f"/portal/tickets/{ticket.pk}/escalate/")
    assert "The problem statement on this ticket is correct" in form
    incomplete = client.post(f"/portal/tickets/{ticket.pk}/escalate/", {"reason": "dissatisfied"})
    assert incomplete.status_code == 422
    assert 'id="id_business_impact_error"' in incomplete.content.decode()
    done = client.post(f"/portal/tickets/{ticket.pk}/escalate/", REQUEST)
    assert done["Location"] == f"/portal/tickets/{ticket.pk}/"
    page = _page(client, f"/portal/tickets/{ticket.pk}/")
    assert "Esme, escalation manager" in page
    assert (
        'id="escalation-next-update">By <time datetime="2025-04-07T14:00:00+00:00" '
        'title="UTC">Mon 7 Apr 2025, 14:00</time>' in page
    )
    assert "requested an escalation" in page


def test_the_requester_sees_progress_but_not_managements_own_steps(
    ticket: Ticket, requester: User, manager: User
) -> None:
    escalation = _escalate(ticket, requester)
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch tonight.")
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        flag_missed_updates()
    page = _page(signed_in(requester), f"/portal/tickets/{ticket.pk}/")
    assert "Patch tonight." in page
    assert "update was missed" not in page
    assert ticket.events.filter(kind=EscalationEventKind.ESCALATION_UPDATE_MISSED).exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("colleague", 404)])
def test_people_who_may_not_see_the_ticket_cannot_escalate_it(
    request: pytest.FixtureRequest, ticket: Ticket, persona: str, status: int
) -> None:
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(f"/portal/tickets/{ticket.pk}/escalate/").status_code == status
    assert client.post(f"/portal/tickets/{ticket.pk}/escalate/", REQUEST).status_code == status
    assert not Escalation.objects.exists()


def test_a_key_user_who_is_not_the_requester_is_not_offered_escalation(
    ticket: Ticket, key_user: User
) -> None:
    client = signed_in(key_user)
    assert "/escalate/" not in _page(client, f"/portal/tickets/{ticket.pk}/")
    assert client.get(f"/portal/tickets/{ticket.pk}/escalate/").status_code == 403


def test_an_institution_admin_may_escalate_a_colleagues_ticket(
    ticket: Ticket, institution_admin: User, manager: User
) -> None:
    client = signed_in(institution_admin)
    response: Any = client.post(f"/portal/tickets/{ticket.pk}/escalate/", REQUEST)
    assert response.status_code == 302
    assert Escalation.objects.get().requested_by == institution_admin
