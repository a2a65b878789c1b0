from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Team
from hypercare.tickets.choices import Category, EventKind, Priority, Status
from hypercare.tickets.models import SavedReply, Ticket
from hypercare.tickets.services.conversation import add_internal_note
from hypercare.tickets.services.workflow import assign_ticket, change_status
from tests import factories
from tests.web.conftest import png_file, signed_in

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def test_queues_show_counts_and_default_to_mine(
    agent_client: Client, agent: User, requester: User
) -> None:
    mine = factories.ticket(requester, title="Mine")
    assign_ticket(ticket=mine, actor=agent, assignee=agent)
    factories.ticket(requester, title="Nobody's")
    page = agent_client.get("/desk/").content.decode()
    assert "Mine" in page
    assert mine.reference in page
    assert "Nobody&#x27;s" not in page
    assert '<span class="count">1</span>' in page
    assert '<span class="count">2</span>' in page


def test_team_queue_holds_the_teams_tickets(
    agent_client: Client, service_desk: Team, requester: User
) -> None:
    routed = factories.ticket(requester, title="Routed")
    Ticket.objects.filter(pk=routed.pk).update(team=service_desk)
    other = factories.ticket(requester, title="Elsewhere")
    page = agent_client.get("/desk/?queue=team").content.decode()
    assert routed.reference in page
    assert other.reference not in page


def test_filters_combine_and_stay_in_the_url(
    agent_client: Client, requester: User, outsider: User
) -> None:
    wanted = factories.ticket(requester, urgency="high", impact="high", category=Category.QUESTION)
    factories.ticket(requester, urgency="low", impact="low")
    factories.ticket(outsider, urgency="high", impact="high")
    url = (
        f"/desk/?queue=all&priority=critical&institution={requester.institution_id}"
        f"&module=finance&category=question&tier=1&status=new&assignee=none"
    )
    page = agent_client.get(url).content.decode()
    assert page.count('name="ticket" value=') == 1
    assert f'value="{wanted.pk}"' in page
    assert 'value="critical" selected' in page


def test_htmx_filtering_returns_only_the_results(agent_client: Client, requester: User) -> None:
    factories.ticket(requester)
    response = agent_client.get("/desk/?queue=all", HTTP_HX_TARGET="queue-results", **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="queue-results">')
    assert "<html" not in page


def test_a_malformed_filter_is_explained_not_a_500(agent_client: Client) -> None:
    response = agent_client.get("/desk/?queue=all&tier=9&institution=abc&sort=evil")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_sort_and_pagination(agent_client: Client, requester: User) -> None:
    for n in range(27):
        factories.ticket(requester, title=f"Ticket number {n:02d}")
    first = agent_client.get("/desk/?queue=all&sort=created_at").content.decode()
    assert "Ticket number 00" in first
    assert "Ticket number 26" not in first
    second = agent_client.get("/desk/?queue=all&sort=created_at&page=2").content.decode()
    assert "Ticket number 26" in second
    assert "Page 2 of 2" in second


def test_queue_page_query_count_does_not_grow_with_tickets(
    agent_client: Client, requester: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(10):
        factories.ticket(requester)
    # 15 with the saved views' tabs and the teams a view may be shared with, the
    # notification bell's unread count, and the bulk bar's macros: each one query,
    # whatever the number of tickets.
    with django_assert_max_num_queries(15):
        agent_client.get("/desk/?queue=all")


def test_portal_list_query_count_does_not_grow_with_tickets(
    requester_client: Client, requester: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(10):
        factories.ticket(requester)
    with django_assert_max_num_queries(10):
        requester_client.get("/portal/")


def test_empty_queue_says_where_to_find_work(agent_client: Client) -> None:
    page = agent_client.get("/desk/").content.decode()
    assert "Nothing assigned to you" in page
    assert "unassigned queue" in page


def test_institution_users_are_sent_to_the_portal(requester_client: Client, ticket: Ticket) -> None:
    assert requester_client.get("/desk/")["Location"] == "/"
    assert requester_client.get(f"/desk/tickets/{ticket.pk}/")["Location"] == "/"


@pytest.fixture
def integration_ticket(requester: User, institution: Institution) -> Ticket:
    gateway = factories.integration(institution, name="Campus Pay")
    return factories.ticket(
        requester,
        category=Category.INTEGRATION,
        category_details={"integration_id": gateway.pk, "transaction_reference": "TXN-42"},
        error_seen="Payment failed: gateway timeout",
    )


def test_ticket_page_shows_intake_answers_notes_and_reserved_panels(
    agent_client: Client, agent: User, integration_ticket: Ticket
) -> None:
    add_internal_note(ticket=integration_ticket, actor=agent, body="Gateway logs show 504s")
    page = agent_client.get(f"/desk/tickets/{integration_ticket.pk}/").content.decode()
    assert "Payment failed: gateway timeout" in page
    assert "Which connection is failing?" in page
    assert "Campus Pay" in page
    assert "TXN-42" in page
    assert "Gateway logs show 504s" in page
    assert "not visible to the requester" in page
    assert 'id="sla-panel"' in page
    assert 'id="escalation-panel"' in page
    assert "Send reply to requester" in page
    assert "Add internal note" in page


def test_outsider_cannot_reach_a_desk_ticket(outsider_client: Client, ticket: Ticket) -> None:
    response = outsider_client.get(f"/desk/tickets/{ticket.pk}/", follow=True)
    assert ticket.title not in response.content.decode()


def test_missing_ticket_is_a_404(agent_client: Client, db: None) -> None:
    assert agent_client.get("/desk/tickets/999999/").status_code == 404


def test_take_in_place_returns_the_panel_and_refreshes_the_timeline(
    agent_client: Client, agent: User, ticket: Ticket
) -> None:
    response = agent_client.post(f"/desk/tickets/{ticket.pk}/take/", **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "ticket-changed"
    assert page.lstrip().startswith('<section class="panel" id="properties"')
    assert 'hx-swap-oob="true"' in page
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_change_without_htmx_redirects_back_to_the_page(
    agent_client: Client, ticket: Ticket
) -> None:
    response = agent_client.post(
        f"/desk/tickets/{ticket.pk}/status/", {"status": Status.TRIAGED, "reason": ""}
    )
    assert response["Location"] == f"/desk/tickets/{ticket.pk}/"
    ticket.refresh_from_db()
    assert ticket.status == Status.TRIAGED


def test_priority_change_needs_a_reason_shown_in_the_panel(
    agent_client: Client, ticket: Ticket
) -> None:
    response = agent_client.post(
        f"/desk/tickets/{ticket.pk}/priority/", {"priority": "critical", "reason": ""}, **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_priority-reason_error"' in page
    assert '<details class="prop__change" open id="change-priority">' in page
    response = agent_client.post(
        f"/desk/tickets/{ticket.pk}/priority/",
        {"priority": "critical", "reason": "Fee deadline tomorrow"},
        **HTMX,
    )
    ticket.refresh_from_db()
    assert ticket.priority == Priority.CRITICAL
    assert ticket.events.get(kind=EventKind.PRIORITY_CHANGED).reason == "Fee deadline tomorrow"


def test_a_forbidden_transition_answers_409_with_the_reason(
    agent_client: Client, agent: User, requester: User, ticket: Ticket
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    change_status(ticket=ticket, actor=requester, status=Status.CLOSED)
    response = agent_client.post(f"/desk/tickets/{ticket.pk}/assignee/", {"assignee": ""})
    assert response.status_code == 409
    response = agent_client.post(f"/desk/tickets/{ticket.pk}/assignee/", {"assignee": ""}, **HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#alerts"
    assert "always has a named owner" in response.content.decode()


def test_unknown_property_is_a_404(agent_client: Client, ticket: Ticket) -> None:
    response = agent_client.post(f"/desk/tickets/{ticket.pk}/title/", {"title": "x"})
    assert response.status_code == 404


def test_category_change_asks_the_new_categorys_questions(
    agent_client: Client, ticket: Ticket
) -> None:
    questions = agent_client.get(
        f"/desk/tickets/{ticket.pk}/questions/?category=incident", **HTMX
    ).content.decode()
    assert "Since when?" in questions
    response = agent_client.post(
        f"/desk/tickets/{ticket.pk}/category/",
        {"category": "incident", "details-since": "", "details-users_affected": "0"},
        **HTMX,
    )
    assert response.status_code == 422
    assert 'id="id_details-since_error"' in response.content.decode()
    agent_client.post(
        f"/desk/tickets/{ticket.pk}/category/",
        {
            "category": "incident",
            "details-since": "2025-03-01T09:30",
            "details-users_affected": "40",
            "reason": "Nobody can print",
        },
        **HTMX,
    )
    ticket.refresh_from_db()
    assert ticket.category == Category.INCIDENT
    assert ticket.category_details["users_affected"] == 40


def test_category_questions_without_javascript_open_the_page_with_them(
    agent_client: Client, ticket: Ticket
) -> None:
    response = agent_client.get(f"/desk/tickets/{ticket.pk}/?category=access")
    assert "Whose access?" in response.content.decode()


def test_module_and_tier_changes(
    agent_client: Client, ticket: Ticket, institution: Institution
) -> None:
    exams = factories.module(institution, ModuleCode.EXAMS)
    agent_client.post(f"/desk/tickets/{ticket.pk}/module/", {"module": exams.pk}, **HTMX)
    consultants = factories.team("Finance consultants", tier=Tier.FUNCTIONAL)
    response = agent_client.post(
        f"/desk/tickets/{ticket.pk}/tier/", {"tier": "2", "team": "", "tried": ""}, **HTMX
    )
    assert 'id="id_tier-tried_error"' in response.content.decode()
    agent_client.post(
        f"/desk/tickets/{ticket.pk}/tier/",
        {
            "tier": "2",
            "team": consultants.pk,
            "tried": "Reprinted",
            "findings": "Template broken",
            "needed": "A config change",
        },
        **HTMX,
    )
    ticket.refresh_from_db()
    assert (ticket.module, ticket.tier, ticket.team) == (exams, 2, consultants)


def test_module_of_another_institution_is_refused(
    agent_client: Client, ticket: Ticket, other_institution: Institution
) -> None:
    foreign = factories.module(other_institution)
    response = agent_client.post(f"/desk/tickets/{ticket.pk}/module/", {"module": foreign.pk})
    assert response.status_code == 422
    assert 'id="id_module-module_error"' in response.content.decode()


def test_reply_and_internal_note_are_kept_apart(
    agent_client: Client, ticket: Ticket, requester_client: Client
) -> None:
    agent_client.post(f"/desk/tickets/{ticket.pk}/reply/", {"reply-body": "Try clearing cache"})
    agent_client.post(f"/desk/tickets/{ticket.pk}/note/", {"note-body": "Known driver bug"})
    reply = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    note = ticket.events.get(kind=EventKind.INTERNAL_NOTE)
    assert (reply.is_internal, note.is_internal) == (False, True)
    portal = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Try clearing cache" in portal
    assert "Known driver bug" not in portal


def test_empty_note_keeps_the_note_tab_open_with_the_error(
    agent_client: Client, ticket: Ticket
) -> None:
    response = agent_client.post(f"/desk/tickets/{ticket.pk}/note/", {"note-body": ""})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_note-body_error"' in page
    assert 'id="tab-note" aria-controls="composer-note" aria-selected="true"' in page


def test_internal_files_are_marked_and_hidden_from_the_portal(
    agent_client: Client, ticket: Ticket, requester_client: Client
) -> None:
    agent_client.post(
        f"/desk/tickets/{ticket.pk}/files/",
        {"files-attachments": [png_file("trace.png")], "files-internal": "on"},
    )
    attachment = ticket.attachments.get()
    assert attachment.is_internal
    portal = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "trace.png" not in portal


@pytest.fixture
def saved_reply(service_desk: Team, agent: User) -> SavedReply:
    return SavedReply.objects.create(
        team=service_desk,
        title="Clear cache",
        body="Dear {{requester_name}}, about {{reference}}: please clear your cache. {{unknown}}",
        created_by=agent,
        created_at=clock.now(),
        updated_at=clock.now(),
    )


def test_saved_reply_is_filled_in_for_the_ticket(
    agent_client: Client, ticket: Ticket, saved_reply: SavedReply
) -> None:
    text = agent_client.get(
        f"/desk/tickets/{ticket.pk}/saved-replies/{saved_reply.pk}/"
    ).content.decode()
    assert text == f"Dear Riya, about {ticket.reference}: please clear your cache. {{{{unknown}}}}"
    page = agent_client.get(
        f"/desk/tickets/{ticket.pk}/?saved_reply={saved_reply.pk}"
    ).content.decode()
    assert f"Dear Riya, about {ticket.reference}" in page


def test_saved_replies_of_other_teams_are_not_offered(
    ticket: Ticket, saved_reply: SavedReply
) -> None:
    stranger = signed_in(factories.agent(Role.TIER1, username="stranger"))
    page = stranger.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Clear cache" not in page
    url = f"/desk/tickets/{ticket.pk}/saved-replies/{saved_reply.pk}/"
    assert stranger.get(url).status_code == 404


def test_saved_replies_are_kept_by_the_team(agent_client: Client, service_desk: Team) -> None:
    response = agent_client.post(
        "/desk/saved-replies/",
        {"team": service_desk.pk, "title": "Hello", "body": "Hello {{requester_name}}"},
    )
    assert response["Location"] == "/desk/saved-replies/"
    reply = SavedReply.objects.get()
    again = agent_client.post(
        "/desk/saved-replies/", {"team": service_desk.pk, "title": "hello", "body": "Dup"}
    )
    assert 'id="id_title_error"' in again.content.decode()
    agent_client.post(
        f"/desk/saved-replies/{reply.pk}/", {"team": service_desk.pk, "title": "Hi", "body": "B"}
    )
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("Hi", "B")
    agent_client.post(f"/desk/saved-replies/{reply.pk}/delete/")
    assert not SavedReply.objects.exists()


def bulk_post(client: Client, tickets: list[Ticket], **data: Any) -> Any:
    return client.post(
        "/desk/bulk/",
        {"ticket": [t.pk for t in tickets], "next": "/desk/?queue=all", **data},
    )


def test_bulk_assign_is_confirmed_before_it_happens(
    agent_client: Client, requester: User, tier2_agent: User
) -> None:
    tickets = [factories.ticket(requester) for _ in range(3)]
    review = bulk_post(agent_client, tickets, action="assign", assignee=tier2_agent.pk)
    page = review.content.decode()
    assert review.status_code == 200
    assert "Assign 3 tickets to" in page
    assert not Ticket.objects.filter(assignee=tier2_agent).exists()
    done = bulk_post(agent_client, tickets, action="assign", assignee=tier2_agent.pk, confirm="yes")
    assert done["Location"] == "/desk/?queue=all"
    assert Ticket.objects.filter(assignee=tier2_agent).count() == 3


def test_bulk_status_reports_the_tickets_it_could_not_change(
    agent_client: Client, agent: User, requester: User
) -> None:
    open_one = factories.ticket(requester)
    closed = factories.ticket(requester)
    change_status(ticket=closed, actor=agent, status=Status.RESOLVED)
    change_status(ticket=closed, actor=requester, status=Status.CLOSED)
    response = bulk_post(
        agent_client, [open_one, closed], action="status", status="triaged", confirm="yes"
    )
    page = agent_client.get(response["Location"]).content.decode()
    assert "1 ticket updated." in page
    assert f"{closed.reference} was not changed" in page
    open_one.refresh_from_db()
    assert open_one.status == Status.TRIAGED


def test_bulk_without_a_choice_explains_what_is_missing(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    response = bulk_post(agent_client, [ticket], action="status", status="")
    page = agent_client.get(response["Location"]).content.decode()
    assert "Choose the status to set." in page
    nothing = agent_client.post("/desk/bulk/", {"action": "status", "status": "triaged"})
    assert (
        "Tick at least one ticket first." in agent_client.get(nothing["Location"]).content.decode()
    )


def test_bulk_on_hidden_tickets_is_a_404(db: None, requester: User) -> None:
    ticket = factories.ticket(requester)
    client = signed_in(factories.agent(Role.TIER1, username="t1"))
    response = client.post(
        "/desk/bulk/", {"ticket": [ticket.pk, 999999], "action": "status", "status": "triaged"}
    )
    assert response.status_code == 404


def test_switching_queues_keeps_the_filters(agent_client: Client) -> None:
    html = agent_client.get("/desk/?queue=all&priority=high&status=new&page=2").content.decode()
    assert 'href="?queue=mine&amp;priority=high&amp;status=new"' in html
    assert "page=2" not in html.split('href="?queue=mine', 1)[1].split('"', 1)[0]
