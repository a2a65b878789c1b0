"""Links through the API: every answer is held to the OpenAPI document (ApiClient),
who may do what, clear errors naming the field, and nothing across institutions."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.links.choices import LinkKind
from hypercare.links.models import TicketLink
from hypercare.links.services import link_tickets, merge_tickets
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from tests import factories
from tests.api.conftest import ApiClient


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def api_as() -> type[ApiClient]:
    return ApiClient


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_an_agent_links_two_tickets_and_both_show_it(
    requester: User, colleague: User, agent: User, api_as: type[ApiClient]
) -> None:
    parent, child = factories.ticket(requester), factories.ticket(colleague)
    client = api_as(agent)

    made = client.post(
        f"/tickets/{parent.reference}/links", {"kind": "parent_of", "ticket": child.reference}
    )

    assert made.status_code == 201
    assert made.json()["reading"] == "parent of"
    assert made.json()["ticket"]["reference"] == child.reference
    [seen] = client.get(f"/tickets/{child.pk}/links").json()
    assert (seen["reading"], seen["ticket"]["id"], seen["kind"]) == (
        "child of",
        parent.pk,
        "parent_of",
    )
    detail = client.get(f"/tickets/{child.reference}").json()
    assert [link["reading"] for link in detail["links"]] == ["child of"]
    assert detail["merged_into"] is None


def test_link_errors_name_the_field(
    requester: User, outsider: User, agent: User, api_as: type[ApiClient]
) -> None:
    ticket = factories.ticket(requester)
    client = api_as(agent)

    itself = client.post(f"/tickets/{ticket.pk}/links", {"kind": "related", "ticket": ticket.pk})
    unknown = client.post(f"/tickets/{ticket.pk}/links", {"kind": "related", "ticket": "HC-9"})
    bad_kind = client.post(f"/tickets/{ticket.pk}/links", {"kind": "sibling", "ticket": "HC-9"})
    extra = client.post(
        f"/tickets/{ticket.pk}/links", {"kind": "related", "ticket": "HC-9", "merged": True}
    )

    assert (itself.status_code, set(_fields(itself))) == (422, {"ticket"})
    assert _fields(unknown) == {"ticket": "no such ticket, or you may not see it"}
    assert (bad_kind.status_code, set(_fields(bad_kind))) == (422, {"kind"})
    assert (extra.status_code, set(_fields(extra))) == (422, {"merged"})
    assert not TicketLink.objects.exists()


def test_institution_users_may_not_link(
    requester: User, key_user: User, api_as: type[ApiClient]
) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)

    refused = api_as(key_user).post(
        f"/tickets/{one.pk}/links", {"kind": "related", "ticket": two.reference}
    )

    assert refused.status_code == 403
    assert not TicketLink.objects.exists()


def test_a_key_user_naming_another_institutions_ticket_learns_nothing(
    requester: User, outsider: User, api_as: type[ApiClient]
) -> None:
    theirs = factories.ticket(outsider)
    ours = factories.ticket(requester)

    answer = api_as(outsider).post(
        f"/tickets/{ours.reference}/links", {"kind": "related", "ticket": theirs.reference}
    )

    assert answer.status_code == 404


def test_a_link_to_another_institution_is_hidden_from_institution_users(
    requester: User, outsider: User, agent: User, api_as: type[ApiClient]
) -> None:
    ours, theirs = factories.ticket(requester), factories.ticket(outsider)
    link_tickets(ticket=ours, other=theirs, kind=LinkKind.CAUSED_BY, actor=agent)

    for user, ticket in ((requester, ours), (outsider, theirs)):
        client = api_as(user)
        assert client.get(f"/tickets/{ticket.pk}/links").json() == []
        assert client.get(f"/tickets/{ticket.pk}").json()["links"] == []
        events = client.get(f"/tickets/{ticket.pk}/events").json()
        assert not [e for e in events if theirs.reference in str(e) and ticket == ours]
        assert not [e for e in events if ours.reference in str(e) and ticket == theirs]
    assert len(api_as(agent).get(f"/tickets/{ours.pk}/links").json()) == 1


def test_removing_a_link(requester: User, agent: User, api_as: type[ApiClient]) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)
    link = link_tickets(ticket=one, other=two, kind=LinkKind.RELATED, actor=agent)
    client = api_as(agent)

    assert client.delete(f"/tickets/{two.pk}/links/{link.pk}").status_code == 204
    assert client.delete(f"/tickets/{two.pk}/links/{link.pk}").status_code == 404
    assert not TicketLink.objects.exists()


def test_a_link_of_another_ticket_is_not_found_through_this_one(
    requester: User, agent: User, api_as: type[ApiClient]
) -> None:
    one, two, three = (factories.ticket(requester) for _ in range(3))
    link = link_tickets(ticket=one, other=two, kind=LinkKind.RELATED, actor=agent)

    assert api_as(agent).delete(f"/tickets/{three.pk}/links/{link.pk}").status_code == 404
    assert TicketLink.objects.exists()


def test_merging_through_the_api_and_replying_to_the_duplicate_after(
    requester: User, colleague: User, agent: User, api_as: type[ApiClient]
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)

    merged = api_as(agent).post(
        f"/tickets/{duplicate.reference}/merge",
        {"survivor": survivor.reference, "reason": "Same gateway outage."},
    )

    assert merged.status_code == 200
    assert merged.json()["id"] == survivor.pk
    client = api_as(colleague)
    detail = client.get(f"/tickets/{duplicate.pk}").json()
    assert (detail["status"], detail["merged_into"]) == ("closed", survivor.reference)
    reply = client.post(f"/tickets/{duplicate.pk}/replies", {"body": "Any news?"})
    assert reply.status_code == 201
    assert reply.json()["ticket_id"] == survivor.pk
    assert client.get(f"/tickets/{survivor.pk}").status_code == 200


def test_a_merge_through_the_api_carries_the_escalation_and_closes_a_second_one(
    requester: User, colleague: User, key_user: User, agent: User, api_as: type[ApiClient]
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    second = factories.ticket(key_user)
    moved = factories.escalation(duplicate, colleague)
    closed = factories.escalation(second, key_user)
    client = api_as(agent)

    client.post(f"/tickets/{duplicate.pk}/merge", {"survivor": survivor.reference})
    client.post(f"/tickets/{second.pk}/merge", {"survivor": survivor.reference})

    on_survivor = client.get(f"/tickets/{survivor.pk}/escalations").json()
    assert [(row["id"], row["status"]) for row in on_survivor] == [(moved.pk, "requested")]
    on_second = client.get(f"/tickets/{second.pk}/escalations").json()
    assert [(row["id"], row["status"]) for row in on_second] == [(closed.pk, "merged")]
    assert on_second[0]["de_escalation"] is None


def test_merge_refusals(
    requester: User, colleague: User, outsider: User, agent: User, api_as: type[ApiClient]
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    theirs = factories.ticket(outsider)
    client = api_as(agent)

    across = client.post(f"/tickets/{duplicate.pk}/merge", {"survivor": theirs.reference})
    by_requester = api_as(requester).post(
        f"/tickets/{survivor.pk}/merge", {"survivor": survivor.pk}
    )
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)
    again = client.post(f"/tickets/{duplicate.pk}/merge", {"survivor": survivor.reference})

    assert (across.status_code, set(_fields(across))) == (422, {"survivor"})
    assert by_requester.status_code == 403
    assert again.status_code == 409


def test_a_merges_link_stays(
    requester: User, colleague: User, agent: User, api_as: type[ApiClient]
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)
    link = TicketLink.objects.get()

    assert api_as(agent).delete(f"/tickets/{survivor.pk}/links/{link.pk}").status_code == 409


def test_splitting_a_message_into_a_ticket(
    requester: User, agent: User, api_as: type[ApiClient]
) -> None:
    ticket = factories.ticket(requester)
    message = add_public_reply(ticket=ticket, actor=requester, body="Exam marks vanish too.")
    note = add_internal_note(ticket=ticket, actor=agent, body="Internal.")
    client = api_as(agent)

    made = client.post(
        f"/tickets/{ticket.pk}/split", {"event_id": message.pk, "title": "Exam marks vanish"}
    )
    from_note = client.post(f"/tickets/{ticket.pk}/split", {"event_id": note.pk, "title": "No"})
    unknown = client.post(f"/tickets/{ticket.pk}/split", {"event_id": 99999, "title": "No"})
    by_requester = api_as(requester).post(
        f"/tickets/{ticket.pk}/split", {"event_id": message.pk, "title": "No"}
    )
    untitled = client.post(f"/tickets/{ticket.pk}/split", {"event_id": message.pk, "title": ""})

    assert made.status_code == 201
    new = Ticket.objects.get(pk=made.json()["id"])
    assert (new.description, new.requester, new.status) == (
        "Exam marks vanish too.",
        requester,
        Status.NEW,
    )
    assert (from_note.status_code, set(_fields(from_note))) == (422, {"event"})
    assert unknown.status_code == 404
    assert by_requester.status_code == 403
    assert (untitled.status_code, set(_fields(untitled))) == (422, {"title"})
    assert Ticket.objects.count() == 2
    assert new.events.filter(kind=EventKind.CREATED).count() == 1
