"""Links on the ticket pages: the desk's links panel (link, unlink, merge in place), the
split page, and what the portal shows an institution's people."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.links.choices import LinkEventKind, LinkKind
from hypercare.links.models import TicketLink
from hypercare.links.services import link_tickets, merge_tickets
from hypercare.releases.services import create_release, plan_for_release
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from tests import factories
from tests.web.conftest import signed_in

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


def desk(ticket: Ticket) -> str:
    return f"/desk/tickets/{ticket.pk}/"


def test_the_desk_page_shows_links_from_both_ends(
    agent_client: Client, requester: User, agent: User
) -> None:
    parent, child = factories.ticket(requester), factories.ticket(requester, title="Child")
    link_tickets(ticket=parent, other=child, kind=LinkKind.PARENT_OF, actor=agent)

    parent_page = agent_client.get(desk(parent)).content.decode()
    child_page = agent_client.get(desk(child)).content.decode()

    assert f'Parent of</span>\n      <a href="/desk/tickets/{child.pk}/">{child.reference}' in (
        parent_page
    )
    assert f'Child of</span>\n      <a href="/desk/tickets/{parent.pk}/">{parent.reference}' in (
        child_page
    )
    assert "Link to a ticket" in parent_page
    assert "Merge into another ticket" in parent_page


def test_an_agent_links_in_place(agent_client: Client, requester: User) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)

    answer = agent_client.post(
        f"{desk(one)}links/", {"kind": "caused_by", "ticket": two.reference}, **HTMX
    )

    assert answer.status_code == 200
    assert answer["HX-Trigger"] == "ticket-changed"
    assert 'id="links-panel"' in answer.content.decode()
    assert f"{two.reference}</a>" in answer.content.decode()
    assert TicketLink.objects.get().kind == LinkKind.CAUSED_BY


def test_a_plain_link_post_goes_back_to_the_page(agent_client: Client, requester: User) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)

    answer = agent_client.post(f"{desk(one)}links/", {"kind": "related", "ticket": str(two.pk)})

    assert answer.status_code == 302
    assert answer["Location"] == desk(one)
    assert TicketLink.objects.exists()


def test_an_empty_link_form_names_both_fields(agent_client: Client, ticket: Ticket) -> None:
    in_place = agent_client.post(f"{desk(ticket)}links/", {}, **HTMX)
    whole = agent_client.post(f"{desk(ticket)}links/", {})

    for answer in (in_place, whole):
        assert answer.status_code == 422
        page = answer.content.decode()
        assert "Choose a kind" in page
        assert "must not be empty" in page
    assert not TicketLink.objects.exists()


def test_a_ticket_the_agent_names_wrongly_is_refused_on_the_field(
    agent_client: Client, ticket: Ticket
) -> None:
    unknown = agent_client.post(
        f"{desk(ticket)}links/", {"kind": "related", "ticket": "HC-999999"}, **HTMX
    )
    itself = agent_client.post(
        f"{desk(ticket)}links/", {"kind": "related", "ticket": ticket.reference}, **HTMX
    )

    assert unknown.status_code == 422
    assert "No such ticket, or you may not see it." in unknown.content.decode()
    assert itself.status_code == 422
    assert "a ticket cannot be linked to itself" in itself.content.decode()


def test_an_agent_removes_a_link(agent_client: Client, requester: User, agent: User) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)
    link = link_tickets(ticket=one, other=two, kind=LinkKind.RELATED, actor=agent)

    answer = agent_client.post(f"{desk(two)}links/{link.pk}/remove/", **HTMX)

    assert answer.status_code == 200
    assert "Not linked to other tickets." in answer.content.decode()
    assert two.events.filter(kind=LinkEventKind.UNLINKED).exists()


def test_institution_users_have_no_link_pages(
    requester_client: Client, requester: User, key_user: User
) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)

    for client in (requester_client, signed_in(key_user)):
        answer = client.post(f"{desk(one)}links/", {"kind": "related", "ticket": two.reference})
        assert answer.status_code == 302
        assert answer["Location"] == "/"
    assert not TicketLink.objects.exists()


def test_merging_goes_on_to_the_survivor_and_later_replies_follow(
    agent_client: Client, requester: User, colleague: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)

    merged = agent_client.post(
        f"{desk(duplicate)}merge/", {"survivor": survivor.reference, "reason": "Same outage."}
    )
    duplicate_page = agent_client.get(desk(duplicate)).content.decode()
    reply = agent_client.post(f"{desk(duplicate)}reply/", {"reply-body": "Fixed at 11:00."})

    assert (merged.status_code, merged["Location"]) == (302, desk(survivor))
    assert Ticket.objects.get(pk=duplicate.pk).status == Status.CLOSED
    assert f'Merged into <a href="/desk/tickets/{survivor.pk}/">{survivor.reference}' in (
        duplicate_page
    )
    assert "Merge into another ticket" not in duplicate_page
    assert (reply.status_code, reply["Location"]) == (302, desk(survivor))
    assert survivor.events.get(kind=EventKind.PUBLIC_REPLY).body == "Fixed at 11:00."


def test_a_merge_from_the_page_carries_the_escalation_and_release_plan_over(
    agent_client: Client, requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    escalation = factories.escalation(duplicate, colleague)
    release = create_release(actor=factories.agent(Role.SUPPORT_MANAGER), version="2025.3")
    plan_for_release(ticket=duplicate, actor=agent, release=release)

    agent_client.post(f"{desk(duplicate)}merge/", {"survivor": survivor.reference})
    survivor_page = agent_client.get(desk(survivor)).content.decode()

    escalation.refresh_from_db()
    assert escalation.ticket == survivor
    assert Ticket.objects.get(pk=survivor.pk).release == release
    assert "its escalation continues here" in survivor_page
    assert "Nobody can pay fees." in survivor_page


def test_an_htmx_merge_sends_the_browser_to_the_survivor(
    agent_client: Client, requester: User, colleague: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)

    answer = agent_client.post(f"{desk(duplicate)}merge/", {"survivor": str(survivor.pk)}, **HTMX)

    assert answer.status_code == 204
    assert answer["HX-Redirect"] == desk(survivor)


def test_a_merge_across_institutions_is_refused_on_the_field(
    agent_client: Client, requester: User, outsider: User
) -> None:
    ours, theirs = factories.ticket(requester), factories.ticket(outsider)

    answer = agent_client.post(f"{desk(ours)}merge/", {"survivor": theirs.reference}, **HTMX)

    assert answer.status_code == 422
    assert "another institution" in answer.content.decode()
    assert Ticket.objects.get(pk=ours.pk).status != Status.CLOSED


def test_a_message_is_split_into_a_linked_ticket(
    agent_client: Client, ticket: Ticket, requester: User
) -> None:
    message = add_public_reply(ticket=ticket, actor=requester, body="Exam marks vanish too.")
    page = agent_client.get(desk(ticket)).content.decode()
    split_url = f"{desk(ticket)}split/{message.pk}/"

    form = agent_client.get(split_url)
    empty = agent_client.post(split_url, {"title": ""})
    made = agent_client.post(split_url, {"title": "Exam marks vanish"})

    assert f'href="{split_url}"' in page
    assert "Exam marks vanish too." in form.content.decode()
    assert empty.status_code == 422
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert (made.status_code, made["Location"]) == (302, desk(new))
    assert (new.title, new.description) == ("Exam marks vanish", "Exam marks vanish too.")


def test_only_a_public_reply_has_a_split_page(agent_client: Client, ticket: Ticket) -> None:
    created = ticket.events.get(kind=EventKind.CREATED)

    assert agent_client.get(f"{desk(ticket)}split/{created.pk}/").status_code == 404


def test_the_portal_shows_a_link_both_tickets_of_which_the_user_sees(
    requester_client: Client, requester: User, outsider: User, agent: User
) -> None:
    ticket, sibling = factories.ticket(requester), factories.ticket(requester, title="Sibling")
    theirs = factories.ticket(outsider, title="Southbank gateway")
    link_tickets(ticket=ticket, other=sibling, kind=LinkKind.RELATED, actor=agent)
    link_tickets(ticket=ticket, other=theirs, kind=LinkKind.CAUSED_BY, actor=agent)

    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()

    assert f'<a href="/portal/tickets/{sibling.pk}/">{sibling.reference}</a>' in page
    assert theirs.reference not in page
    assert "Southbank gateway" not in page


def test_the_portal_never_shows_another_institutions_link_to_its_people(
    outsider: User, requester: User, agent: User
) -> None:
    ours, theirs = factories.ticket(requester), factories.ticket(outsider)
    link_tickets(ticket=theirs, other=ours, kind=LinkKind.DUPLICATE_OF, actor=agent)

    page = signed_in(outsider).get(f"/portal/tickets/{theirs.pk}/").content.decode()

    assert ours.reference not in page
    assert 'id="links-panel"' not in page


def test_a_merged_requester_follows_the_survivor_in_the_portal(
    requester: User, colleague: User, agent: User
) -> None:
    survivor = factories.ticket(requester, title="Fee gateway down")
    duplicate = factories.ticket(colleague, title="Cannot pay")
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)
    client = signed_in(colleague)

    mine = client.get("/portal/").content.decode()
    duplicate_page = client.get(f"/portal/tickets/{duplicate.pk}/").content.decode()
    reply = client.post(f"/portal/tickets/{duplicate.pk}/reply/", {"reply-body": "Any news?"})

    assert "Fee gateway down" in mine
    assert f'the work continues on <a href="/portal/tickets/{survivor.pk}/">' in duplicate_page
    assert (reply.status_code, reply["Location"]) == (302, f"/portal/tickets/{survivor.pk}/")
    assert survivor.events.get(kind=EventKind.PUBLIC_REPLY).actor == colleague


def test_the_desk_page_costs_the_same_queries_with_one_link_or_many(
    agent_client: Client, requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    link_tickets(ticket=ticket, other=factories.ticket(requester), kind="related", actor=agent)
    agent_client.get(desk(ticket))

    with CaptureQueriesContext(connection) as one:
        agent_client.get(desk(ticket))
    for _ in range(6):
        other = factories.ticket(requester)
        link_tickets(ticket=other, other=ticket, kind=LinkKind.PARENT_OF, actor=agent)
    with CaptureQueriesContext(connection) as many:
        agent_client.get(desk(ticket))

    assert len(many) == len(one)
