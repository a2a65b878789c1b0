"""The watchers panels of the ticket pages and the note's @mention suggestions."""

from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.tickets.models import Participant, Ticket
from hypercare.tickets.services.watchers import add_watcher
from tests import factories
from tests.web.conftest import signed_in

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


def _watching(ticket: Ticket) -> set[str]:
    return set(Participant.objects.filter(ticket=ticket).values_list("user__username", flat=True))


def test_an_agent_adds_a_colleague_in_place(ticket: Ticket, agent: User, colleague: User) -> None:
    page = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/watchers/", {"user": colleague.email}, **HTMX
    )

    assert page.status_code == 200
    assert 'id="watchers-panel"' in page.content.decode()
    assert colleague.display_name in page.content.decode()
    assert page["HX-Trigger"] == "ticket-changed"
    assert _watching(ticket) == {"colleague"}


@pytest.mark.parametrize("typed", ["", "nobody@example.edu", "outsider"])
def test_a_watcher_nobody_may_add_is_refused_on_the_field(
    ticket: Ticket, agent: User, outsider: User, typed: str
) -> None:
    page = signed_in(agent).post(f"/desk/tickets/{ticket.pk}/watchers/", {"user": typed}, **HTMX)

    assert page.status_code == 422
    html = page.content.decode()
    assert 'aria-invalid="true"' in html
    expected = "must not be empty" if not typed else "must be support staff or an active"
    assert expected in html
    assert _watching(ticket) == set()


def test_an_agent_removes_a_watcher(ticket: Ticket, agent: User, colleague: User) -> None:
    add_watcher(ticket=ticket, actor=agent, watcher=colleague)

    page = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/watchers/{colleague.pk}/remove/", follow=True
    )

    assert page.status_code == 200
    assert "no longer watches this ticket" in page.content.decode()
    assert _watching(ticket) == set()


def test_the_desk_page_shows_the_watchers_and_the_mention_list(
    ticket: Ticket, agent: User, tier2_agent: User
) -> None:
    add_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)

    html = signed_in(agent).get(f"/desk/tickets/{ticket.pk}/").content.decode()

    assert "support, gets internal notes" in html
    assert f'data-mentions="/desk/tickets/{ticket.pk}/mentionable/"' in html
    assert "web/mentions.js" in html


def test_a_requester_adds_a_colleague_from_the_portal(
    ticket: Ticket, requester: User, colleague: User
) -> None:
    assert signed_in(colleague).get(f"/portal/tickets/{ticket.pk}/").status_code == 404

    page = signed_in(requester).post(
        f"/portal/tickets/{ticket.pk}/watchers/", {"user": colleague.email}, follow=True
    )

    assert "now follows this request with you" in page.content.decode()
    assert _watching(ticket) == {"colleague"}
    assert signed_in(colleague).get(f"/portal/tickets/{ticket.pk}/").status_code == 200


def test_the_portal_refuses_another_institutions_person_as_an_unknown_one(
    ticket: Ticket, requester: User, outsider: User
) -> None:
    client = signed_in(requester)
    path = f"/portal/tickets/{ticket.pk}/watchers/"

    refused = client.post(path, {"user": outsider.email})
    unknown = client.post(path, {"user": "nobody@example.edu"})

    assert refused.status_code == unknown.status_code == 422
    for page in (refused, unknown):
        assert "must be an active colleague of your institution" in page.content.decode()
    assert _watching(ticket) == set()


def test_a_colleague_stops_following_and_goes_back_to_their_list(
    ticket: Ticket, requester: User, colleague: User
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)

    page = signed_in(colleague).post(f"/portal/tickets/{ticket.pk}/watchers/{colleague.pk}/remove/")

    assert page.status_code == 302
    assert page["Location"] == "/portal/"
    assert _watching(ticket) == set()


def test_a_support_watcher_is_neither_shown_nor_removed_on_the_portal(
    ticket: Ticket, requester: User, agent: User, tier2_agent: User
) -> None:
    add_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)
    client = signed_in(requester)

    assert (
        tier2_agent.display_name not in client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    )
    refused = client.post(f"/portal/tickets/{ticket.pk}/watchers/{tier2_agent.pk}/remove/")
    assert refused.status_code == 404
    assert _watching(ticket) == {"tomas"}


def test_mention_suggestions_list_staff_by_name_for_agents_only(
    ticket: Ticket, agent: User, tier2_agent: User, requester: User
) -> None:
    tier2_agent.first_name, tier2_agent.last_name = "Tomas", "Berg"
    tier2_agent.save()

    address = f"/desk/tickets/{ticket.pk}/mentionable/"
    page = signed_in(agent).get(address, {"q": "@tom"}, headers={"HX-Request": "true"})

    html = page.content.decode()
    assert 'data-mention="tomas"' in html
    assert ">Tomas Berg<" in html
    assert "tara" not in html
    refused = signed_in(requester).get(address, {"q": "t"}, headers={"HX-Request": "true"})
    assert "data-mention" not in refused.content.decode()
    # Not a page of its own: opened as one, it leads to the ticket.
    opened = signed_in(agent).get(address, {"q": "t"})
    assert (opened.status_code, opened.headers["Location"]) == (302, f"/desk/tickets/{ticket.pk}/")
