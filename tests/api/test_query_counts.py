"""Ticket endpoints cost a fixed number of queries, however many rows they return.

Also pinned here: opening a ticket answers without reading it back, and list pages read
by key (``selectors.ticket_page``) keep the list's order.

Every count below starts with the two queries of token authentication: the token with
its user, then the user's roles. The first request with a new token also stamps its
``last_used_at``, so each client makes one request before anything is counted, and time
stands still so that stamp is not due again.
"""

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.links.choices import LinkKind
from hypercare.links.services import link_tickets
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Team
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.selectors import SORTS, TicketFilters, ticket_list
from hypercare.tickets.services import attachments, conversation, workflow
from tests import factories

AUTHENTICATION = 2
# The count of matching tickets, then the page with every related row joined in.
LIST_QUERIES = AUTHENTICATION + 2
# The ticket, its events with their actors, then the files attached to those events.
EVENT_QUERIES = AUTHENTICATION + 3
# The ticket, then its attachments with their uploaders.
ATTACHMENT_QUERIES = AUTHENTICATION + 2
OPEN_WORK = ["new", "triaged", "in_progress"]
FEE_RECEIPT_QUESTION = {
    "module": "fees",
    "category": "question",
    "category_details": {"screen_or_report": "Fee receipt"},
    "title": "Fee receipt does not print",
    "description": "Clicking Print shows a blank page.",
    "urgency": "medium",
    "impact": "high",
}


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def finance_team(db: None) -> Team:
    team = factories.team("Finance consultants", tier=Tier.FUNCTIONAL)
    RoutingRule.objects.create(module_code=ModuleCode.FINANCE, team=team, tier=team.tier)
    RoutingRule.objects.create(module_code=ModuleCode.FEES, team=team, tier=team.tier)
    return team


@pytest.fixture
def people(
    requester: User, colleague: User, key_user: User, agent: User, tier2_agent: User
) -> dict[str, User]:
    return {
        "requester": requester,
        "colleague": colleague,
        "key_user": key_user,
        "agent": agent,
        "tier2_agent": tier2_agent,
    }


def open_tickets(people: dict[str, User], count: int) -> None:
    """Tickets from two colleagues, some reported by the key user, half assigned.

    Every tenth belongs to the colleague, so the requester still sees a full page of 50
    out of 60 while the key user and agents see every ticket.
    """
    codes = (ModuleCode.FINANCE, ModuleCode.FEES)
    assignees = (people["agent"], people["tier2_agent"])
    already = Ticket.objects.count()
    for n in range(already, already + count):
        owner = people["colleague"] if n % 10 == 9 else people["requester"]
        ticket = factories.ticket(
            owner,
            actor=people["key_user"] if n % 3 == 0 else owner,
            module_code=codes[n % 2],
            urgency=("high", "medium", "low")[n % 3],
        )
        if n % 2 == 0:
            workflow.assign_ticket(
                ticket=ticket, actor=people["agent"], assignee=assignees[n % 4 // 2]
            )


def list_query(persona: str, team: Team) -> dict[str, Any]:
    """What each persona typically asks for: the agent their team's queue."""
    if persona == "agent":
        return {"team": team.pk, "status": OPEN_WORK, "sort": "priority", "page_size": 50}
    if persona == "key_user":
        return {"module": ["finance", "fees"], "status": OPEN_WORK, "page_size": 50}
    return {"sort": "-created_at", "page_size": 50}


@pytest.mark.parametrize("persona", ["agent", "requester", "key_user"])
def test_ticket_list_costs_the_same_queries_for_5_and_60_tickets(
    persona: str,
    people: dict[str, User],
    finance_team: Team,
    api_as: Any,
    django_assert_num_queries: Any,
) -> None:
    client = api_as(people[persona])
    client.get("/tickets")
    query = list_query(persona, finance_team)

    open_tickets(people, 5)
    with django_assert_num_queries(LIST_QUERIES):
        few = client.get("/tickets", query)
    open_tickets(people, 55)
    with django_assert_num_queries(LIST_QUERIES):
        many = client.get("/tickets", query)

    assert few.status_code == many.status_code == 200
    assert len(few.json()["results"]) == 5
    assert len(many.json()["results"]) == 50
    assert {row["assignee"] is None for row in many.json()["results"]} == {True, False}


def add_conversation(ticket: Ticket, people: dict[str, User], rounds: int) -> None:
    """Replies both ways, internal notes and files, each from a different person."""
    for n in range(rounds):
        conversation.add_public_reply(ticket=ticket, actor=people["agent"], body=f"Step {n}?")
        conversation.add_public_reply(ticket=ticket, actor=people["requester"], body="Tried.")
        conversation.add_internal_note(ticket=ticket, actor=people["tier2_agent"], body="Log?")
        attachments.add_attachment(
            ticket=ticket,
            actor=people["key_user"] if n % 2 else people["requester"],
            name=f"log-{n}.txt",
            content=io.BytesIO(b"2025-03-03 09:00 ERROR receipt printer offline\n"),
        )


@pytest.mark.parametrize("persona", ["agent", "requester"])
def test_timeline_costs_the_same_queries_for_few_and_many_events(
    persona: str, people: dict[str, User], api_as: Any, django_assert_num_queries: Any
) -> None:
    short = factories.ticket(people["requester"])
    long = factories.ticket(people["requester"])
    add_conversation(short, people, rounds=1)
    add_conversation(long, people, rounds=10)
    client = api_as(people[persona])
    client.get("/tickets")

    with django_assert_num_queries(EVENT_QUERIES):
        few = client.get(f"/tickets/{short.pk}/events")
    with django_assert_num_queries(EVENT_QUERIES):
        many = client.get(f"/tickets/{long.reference}/events")

    assert few.status_code == many.status_code == 200
    assert len(many.json()) > 3 * len(few.json())
    assert {event["actor"]["username"] for event in many.json()} >= {
        people["agent"].username,
        people["requester"].username,
    }


@pytest.mark.parametrize("persona", ["agent", "requester"])
def test_attachment_list_costs_the_same_queries_for_one_and_many_files(
    persona: str, people: dict[str, User], api_as: Any, django_assert_num_queries: Any
) -> None:
    one = factories.ticket(people["requester"])
    several = factories.ticket(people["requester"])
    add_conversation(one, people, rounds=1)
    add_conversation(several, people, rounds=12)
    client = api_as(people[persona])
    client.get("/tickets")

    with django_assert_num_queries(ATTACHMENT_QUERIES):
        few = client.get(f"/tickets/{one.pk}/attachments")
    with django_assert_num_queries(ATTACHMENT_QUERIES):
        many = client.get(f"/tickets/{several.pk}/attachments")

    assert few.status_code == many.status_code == 200
    assert len(few.json()) == 1
    assert len(many.json()) == 12
    assert {row["uploaded_by"]["username"] for row in many.json()} == {
        people["requester"].username,
        people["key_user"].username,
    }


def test_ticket_detail_is_two_queries_after_authentication(
    people: dict[str, User], api_as: Any, django_assert_num_queries: Any
) -> None:
    ticket = factories.ticket(people["requester"], actor=people["key_user"])
    workflow.assign_ticket(ticket=ticket, actor=people["agent"], assignee=people["agent"])
    for _ in range(3):
        other = factories.ticket(people["requester"])
        link_tickets(ticket=ticket, other=other, kind=LinkKind.RELATED, actor=people["agent"])
    client = api_as(people["requester"])
    client.get("/tickets")

    # The ticket, then its links with the tickets at their other ends (``links`` and
    # ``merged_into`` both read them).
    with django_assert_num_queries(AUTHENTICATION + 2):
        response = client.get(f"/tickets/{ticket.reference}")

    assert response.json()["reported_by"]["username"] == people["key_user"].username
    assert response.json()["assignee"]["username"] == people["agent"].username
    assert len(response.json()["links"]) == 3


def test_opening_a_ticket_answers_without_reading_it_back(requester: User, api_as: Any) -> None:
    client = api_as(requester)
    client.get("/tickets")

    with CaptureQueriesContext(connection) as captured:
        response = client.post("/tickets", FEE_RECEIPT_QUESTION)

    assert response.status_code == 201
    assert response.json()["reported_by"]["username"] == requester.username
    statements = [query["sql"] for query in captured.captured_queries]
    inserted = next(
        n for n, sql in enumerate(statements) if sql.startswith('INSERT INTO "tickets_ticket"')
    )
    read_back = [sql for sql in statements[inserted:] if 'FROM "tickets_ticket" ' in sql]
    assert read_back == []


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_pages_picked_by_key_follow_the_list_order(
    sort: str, people: dict[str, User], finance_team: Team, api_as: Any
) -> None:
    open_tickets(people, 23)
    client = api_as(people["agent"])

    pages = [
        client.get("/tickets", {"sort": sort, "page_size": 5, "page": page}).json()["results"]
        for page in range(1, 6)
    ]

    everything = ticket_list(people["agent"], TicketFilters(), sort)
    assert [row["id"] for page in pages for row in page] == [t.pk for t in everything]
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]


@pytest.mark.parametrize(
    "sla_query",
    [{"sort": "due"}, {"sort": "due", "sla": "running"}, {"sla": "breached", "due_within": 60}],
)
def test_sla_sort_and_filters_cost_the_same_queries_for_5_and_60_tickets(
    sla_query: dict[str, Any],
    people: dict[str, User],
    finance_team: Team,
    api_as: Any,
    django_assert_num_queries: Any,
    time_machine: Any,
) -> None:
    # Three hours on, the critical tickets' first responses are overdue, so "breached" and
    # "due within" find rows too. Tickets are opened at nine, read at noon.
    opening = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    overdue = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    client = api_as(people["agent"])
    time_machine.move_to(overdue, tick=False)
    client.get("/tickets")
    query = {**list_query("agent", finance_team), **sla_query}

    counted = []
    for count in (5, 55):
        time_machine.move_to(opening, tick=False)
        open_tickets(people, count)
        time_machine.move_to(overdue, tick=False)
        with django_assert_num_queries(LIST_QUERIES):
            counted.append(client.get("/tickets", query))

    few, many = counted
    assert few.status_code == many.status_code == 200
    assert 0 < len(few.json()["results"]) < len(many.json()["results"])
    assert {row["sla"]["first_response"]["state"] for row in many.json()["results"]} == {"running"}


SETUP_TABLES = (
    "orgs_module",
    "orgs_team",
    "tickets_routingrule",
    "sla_slapolicy",
    "sla_slatarget",
    "notifications_notificationtemplate",
)


def test_opening_a_ticket_reads_the_setup_once_and_writes_the_row_once(
    requester: User, finance_team: Team, api_as: Any
) -> None:
    client = api_as(requester)
    assert client.post("/tickets", FEE_RECEIPT_QUESTION).status_code == 201

    with CaptureQueriesContext(connection) as captured:
        response = client.post("/tickets", FEE_RECEIPT_QUESTION)

    assert response.status_code == 201
    assert response.json()["team"]["name"] == finance_team.name
    statements = [query["sql"] for query in captured.captured_queries]
    assert [sql for sql in statements if any(f'"{table}"' in sql for table in SETUP_TABLES)] == []
    ticket_writes = [sql for sql in statements if sql.startswith(("INSERT", "UPDATE"))]
    assert [sql.split('"')[1] for sql in ticket_writes] == [
        "tickets_ticket",
        "tickets_ticketevent",
        "notifications_outboxmessage",
        # The same "received" notification in the requester's notification centre.
        "notifications_inappnotification",
    ]
