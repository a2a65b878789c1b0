"""The workspace ticket page as agents work it: replies and notes sent in place, the
status a reply sets, and taking a ticket (issue 10, points 11 to 13)."""

from typing import Any

from django.test import Client

from hypercare.accounts.models import User
from hypercare.orgs.choices import Tier
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import png_file

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/tickets/{ticket.pk}/{action + '/' if action else ''}"


def test_an_htmx_reply_answers_with_a_fresh_composer_and_the_panel(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    response = agent_client.post(_url(ticket, "reply"), {"reply-body": "On it."}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "ticket-changed"
    assert 'id="reply-form"' in page
    assert "data-draft-sent" in page
    assert 'id="note-form"' not in page
    assert 'id="properties" aria-labelledby="properties-heading" hx-swap-oob="true"' in page
    assert "Reply sent to the requester." in page
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_an_htmx_note_that_fails_keeps_the_text_and_names_the_field(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    response = agent_client.post(_url(ticket, "note"), {"note-body": "   "}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="note-form"' in page
    assert "data-draft-sent" not in page
    assert "field-error" in page
    assert not ticket.events.filter(kind=EventKind.INTERNAL_NOTE).exists()


def test_a_plain_reply_post_still_redirects_to_the_page(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    response = agent_client.post(_url(ticket, "reply"), {"reply-body": "On it."})
    assert (response.status_code, response["Location"]) == (302, _url(ticket))
    assert ticket.events.filter(kind=EventKind.PUBLIC_REPLY).count() == 1


def test_a_reply_can_set_waiting_on_requester_in_the_same_submit(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    page = agent_client.get(_url(ticket)).content.decode()
    assert 'name="reply-status"' in page
    assert '<option value="" selected>In progress</option>' in page
    data = {"reply-body": "Which campus?", "reply-status": Status.WAITING_ON_REQUESTER}
    agent_client.post(_url(ticket, "reply"), data, **HTMX)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING_ON_REQUESTER


def test_a_reply_with_a_status_the_lifecycle_refuses_keeps_the_draft(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    response = agent_client.post(_url(ticket, "reply"), {"reply-body": "Hello again"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Hello again" in page
    assert "closed" in page


def test_taking_a_higher_tier_ticket_asks_first_then_takes_it(
    agent_client: Client, agent: User, requester: User
) -> None:
    ticket = factories.ticket(requester)
    Ticket.objects.filter(pk=ticket.pk).update(tier=Tier.TECHNICAL)
    asked = agent_client.post(_url(ticket, "take"), **HTMX)
    assert asked.status_code == 409
    assert 'id="take-confirm"' in asked.content.decode()
    assert "above your own tier" in asked.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    agent_client.post(_url(ticket, "take"), {"confirm": "yes"}, **HTMX)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.assignee, fresh.status) == (agent, Status.TRIAGED)


def test_without_javascript_the_take_question_is_a_page(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    Ticket.objects.filter(pk=ticket.pk).update(tier=Tier.FUNCTIONAL)
    asked = agent_client.post(_url(ticket, "take"))
    assert asked.status_code == 409
    assert "Take it anyway" in asked.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_the_priority_reason_says_the_requester_sees_it_and_can_be_kept_internal(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    page = agent_client.get(_url(ticket)).content.decode()
    assert "Visible to the requester on their timeline." in page
    assert "Keep the change and its reason internal" in page
    data = {"priority": "high", "reason": "The dean called", "reason_internal": "on"}
    agent_client.post(_url(ticket, "priority"), data, **HTMX)
    change = ticket.events.get(kind=EventKind.PRIORITY_CHANGED)
    assert (change.reason, change.is_internal) == ("The dean called", True)


def test_the_tier_down_note_says_who_sees_it(agent_client: Client, requester: User) -> None:
    ticket = factories.ticket(requester)
    page = agent_client.get(_url(ticket)).content.decode()
    assert 'data-visibility-of="note" data-public-when-ticked="true"' in page
    assert "Only support staff see it." in page


def test_htmx_files_answer_with_the_files_panel_and_refresh_the_timeline(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    data = {"files-attachments": [png_file("trace.png")]}
    response = agent_client.post(_url(ticket, "files"), data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "ticket-changed"
    assert page.startswith('<section class="panel" id="files"')
    assert "trace.png" in page
    assert "Files added." in page
    assert ticket.attachments.get().original_name == "trace.png"


def test_htmx_files_refused_show_why_in_the_open_form(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    response = agent_client.post(_url(ticket, "files"), {}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 422
    assert '<details class="addfiles" open>' in page
    assert "field-error" in page
    assert not ticket.attachments.exists()
