"""The ticket pages show the category's workflow and where the ticket is in it; the
desk's category form asks before leaving steps taken behind."""

from django.test import Client

from hypercare.accounts.models import User
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from tests.web.conftest import signed_in


def test_both_ticket_pages_show_the_workflow_and_what_it_waits_for(
    requester_client: Client, agent_client: Client, ticket: Ticket, signed_off_tracker: None
) -> None:
    for client, url in (
        (requester_client, f"/portal/tickets/{ticket.pk}/"),
        (agent_client, f"/desk/tickets/{ticket.pk}/"),
    ):
        page = client.get(url).content.decode()
        assert "Question workflow" in page
        assert "Waiting for the agent to flag a training gap." in page
        assert 'aria-current="step">Training gap flagged' in page
        assert "Answered by Tara on the portal" in page


def test_recategorising_past_steps_taken_asks_first_then_goes_ahead(
    agent: User, ticket: Ticket, signed_off_tracker: None
) -> None:
    client = signed_in(agent)
    form = {
        "category": Category.CONFIGURATION,
        "details-area": "report",
        "details-current_behaviour": "Totals only",
        "details-wanted_behaviour": "Subtotals per term",
    }
    asked = client.post(f"/desk/tickets/{ticket.pk}/category/", form)
    assert asked.status_code == 422
    assert "Answered by Tara on the portal" in asked.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).category == Category.QUESTION

    done = client.post(f"/desk/tickets/{ticket.pk}/category/", {**form, "confirm": "on"})
    assert done.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).category == Category.CONFIGURATION


def test_an_outsider_sees_no_workflow_of_another_institutions_ticket(
    outsider_client: Client, ticket: Ticket
) -> None:
    assert outsider_client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
