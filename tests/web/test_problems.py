"""Problems on the web desk: made from a ticket or ticked tickets, worked on its page,
searched as known errors from the ticket page; nothing of them in the portal."""

from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import Declaration, declare_major_incident
from hypercare.orgs.choices import ModuleCode
from hypercare.problems.choices import ProblemStatus, ProblemTicketEventKind
from hypercare.problems.models import Problem, ProblemLink
from hypercare.problems.services.records import (
    ProblemDetails,
    change_problem_status,
    create_problem,
    link_incident,
)
from hypercare.tickets.models import Ticket
from tests import factories

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
WORKAROUND = "Pay at the bursar desk."


@pytest.fixture
def tickets(requester: User, outsider: User) -> list[Ticket]:
    return [
        factories.ticket(requester, title="Fee payment fails"),
        factories.ticket(outsider, title="Card payment times out"),
    ]


@pytest.fixture
def problem(agent: User, tickets: list[Ticket]) -> Problem:
    return create_problem(
        actor=agent,
        details=ProblemDetails(
            title="Gateway drops callbacks", root_cause="Expired certificate", workaround=WORKAROUND
        ),
        tickets=tickets,
    )


def test_a_problem_from_the_tickets_ticked_in_the_queue(
    agent_client: Client, tickets: list[Ticket]
) -> None:
    queue = agent_client.get("/desk/?queue=all").content.decode()
    assert "New problem from ticked" in queue
    ids = [ticket.pk for ticket in tickets]

    form = agent_client.post("/desk/problems/new/", {"ticket": ids, "action": "assign"})
    assert form.status_code == 200
    assert tickets[1].reference in form.content.decode()

    created = agent_client.post("/desk/problems/new/", {"ticket": ids, "title": "Gateway down"})

    problem = Problem.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/desk/problems/{problem.pk}/"
    assert set(ProblemLink.objects.values_list("ticket_id", flat=True)) == set(ids)


def test_a_problem_from_a_tickets_page_takes_its_title(
    agent_client: Client, tickets: list[Ticket]
) -> None:
    page = agent_client.get(f"/desk/tickets/{tickets[0].pk}/").content.decode()
    assert "New problem from this ticket" in page

    form = agent_client.post("/desk/problems/new/", {"ticket": tickets[0].pk})

    assert 'value="Fee payment fails"' in form.content.decode()


def test_a_bad_answer_is_shown_by_its_field(agent_client: Client, tickets: list[Ticket]) -> None:
    response = agent_client.post(
        "/desk/problems/new/",
        {"ticket": tickets[0].pk, "title": "x", "vendor_contact_name": "Pay Co"},
    )
    assert response.status_code == 422
    assert "give the vendor contact&#x27;s email address" in response.content.decode()
    assert not Problem.objects.exists()


def test_the_problem_page_links_publishes_and_moves_it(
    agent_client: Client, problem: Problem, colleague: User, tickets: list[Ticket]
) -> None:
    third = factories.ticket(colleague)
    page = agent_client.get(f"/desk/problems/{problem.pk}/").content.decode()
    assert tickets[1].reference in page
    assert "Publish the workaround" in page

    agent_client.post(f"/desk/problems/{problem.pk}/tickets/", {"ticket": third.reference})
    published = agent_client.post(f"/desk/problems/{problem.pk}/publish/", follow=True)
    again = agent_client.post(f"/desk/problems/{problem.pk}/publish/", follow=True)
    moved = agent_client.post(
        f"/desk/problems/{problem.pk}/status/", {"status": "known_error", "reason": "Cause found."}
    )

    assert "Workaround posted to 3 tickets." in published.content.decode()
    assert "already has this workaround" in again.content.decode()
    assert moved.status_code == 302
    assert Problem.objects.get().status == ProblemStatus.KNOWN_ERROR
    page = agent_client.get(f"/desk/problems/{problem.pk}/").content.decode()
    assert "moved it from new to known error" in page
    assert "Cause found." in page
    assert third.events.filter(kind=ProblemTicketEventKind.WORKAROUND_POSTED).count() == 1


def test_publishing_on_the_page_shows_the_first_response_met(
    agent_client: Client, problem: Problem, tickets: list[Ticket]
) -> None:
    sla_panel = f"/desk/tickets/{tickets[0].pk}/sla/"
    assert "Met" not in agent_client.get(sla_panel).content.decode()

    agent_client.post(f"/desk/problems/{problem.pk}/publish/")

    panel = agent_client.get(sla_panel).content.decode()
    assert (
        '<dd class="sla-clock" data-clock="first_response">\n      <span class="sla sla--met">Met'
        in panel
    )
    assert Ticket.objects.get(pk=tickets[0].pk).first_responded_at is not None


def test_an_unknown_ticket_reference_is_named(agent_client: Client, problem: Problem) -> None:
    response = agent_client.post(f"/desk/problems/{problem.pk}/tickets/", {"ticket": "HC-999999"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_ticket_error"' in page
    assert "No such ticket, or you may not see it." in page


def test_agents_search_the_known_errors_from_the_ticket_page(
    agent: User, agent_client: Client, problem: Problem, tickets: list[Ticket]
) -> None:
    change_problem_status(problem=problem, actor=agent, status=ProblemStatus.KNOWN_ERROR)
    other = create_problem(actor=agent, details=ProblemDetails(title="Gateway slow"))

    found = agent_client.get("/desk/problems/", {"known": "1", "q": "gateway"}, **HTMX)

    html = found.content.decode()
    assert problem.reference in html
    assert WORKAROUND in html
    assert other.reference not in html


def test_a_ticket_is_linked_and_unlinked_from_its_page(
    agent: User, agent_client: Client, colleague: User
) -> None:
    ticket = factories.ticket(colleague)
    problem = create_problem(actor=agent, details=ProblemDetails(title="Gateway slow"))

    agent_client.post(f"/desk/tickets/{ticket.pk}/problem/", {"problem": problem.pk})
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert f"linked the ticket to problem {problem.reference}" in page
    agent_client.post(
        f"/desk/problems/{problem.pk}/tickets/{ticket.pk}/unlink/", {"back": "ticket"}
    )
    assert not ProblemLink.objects.exists()


def test_the_requester_sees_the_workaround_but_never_the_problem(
    agent_client: Client, requester_client: Client, problem: Problem, tickets: list[Ticket]
) -> None:
    agent_client.post(f"/desk/problems/{problem.pk}/publish/")

    page = requester_client.get(f"/portal/tickets/{tickets[0].pk}/").content.decode()

    assert WORKAROUND in page
    assert problem.reference not in page
    assert problem.title not in page
    assert requester_client.get("/desk/problems/").status_code == 302
    assert requester_client.get(f"/desk/problems/{problem.pk}/").status_code == 302


@pytest.fixture
def incident(tickets: list[Ticket]) -> MajorIncident:
    return declare_major_incident(
        actor=factories.agent(Role.SUPPORT_MANAGER, username="sofia"),
        declaration=Declaration(
            title="Fee payments failing",
            module_code=ModuleCode.FEES,
            integration_kind="",
            impact="Nobody can pay fees online.",
            institutions=[ticket.institution for ticket in tickets],
            started_at=tickets[0].created_at,
            update_every_hours=1,
        ),
        from_ticket=tickets[0],
    )


def test_a_problem_is_linked_to_a_major_incident_from_its_page(
    agent_client: Client, problem: Problem, incident: MajorIncident
) -> None:
    page = agent_client.get(f"/desk/problems/{problem.pk}/").content.decode()
    assert "No major incident linked." in page
    assert incident.title in page

    linked = agent_client.post(f"/desk/problems/{problem.pk}/incidents/", {"incident": incident.pk})

    assert linked.status_code == 302
    assert list(problem.incidents.all()) == [incident]
    shown = agent_client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert "Problems behind it" in shown
    assert problem.title in shown
    refused = agent_client.post(
        f"/desk/problems/{problem.pk}/incidents/", {"incident": incident.pk}
    )
    assert refused.status_code == 422
    assert 'id="id_incident_error">Choose an incident<' in refused.content.decode()

    agent_client.post(f"/desk/problems/{problem.pk}/incidents/{incident.pk}/unlink/")

    assert not problem.incidents.exists()


def test_an_institution_user_never_sees_the_problem_behind_an_incident(
    requester_client: Client, agent: User, problem: Problem, incident: MajorIncident
) -> None:
    link_incident(problem=problem, incident=incident, actor=agent)

    page = requester_client.get(f"/desk/incidents/{incident.pk}/")
    portal = requester_client.get("/portal/").content.decode()

    assert problem.title not in page.content.decode()
    assert problem.reference not in page.content.decode()
    assert problem.title not in portal
