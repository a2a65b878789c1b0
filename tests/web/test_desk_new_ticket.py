"""The desk's new ticket: an agent logs a call, a visit or a chat on the requester's behalf."""

from typing import Any

from django.test import Client

from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category, Channel, EventKind
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import timeline
from tests import factories
from tests.web.conftest import png_file, signed_in

HTMX = {"HX-Request": "true"}


def desk_report(institution: Institution, requester: User, **overrides: Any) -> dict[str, Any]:
    data = {
        "module": factories.module(institution, ModuleCode.FEES).pk,
        "category": Category.QUESTION,
        "requester": requester.pk,
        "channel": Channel.PHONE,
        "title": "How do I reprint a fee receipt?",
        "description": "Called: a parent lost the receipt and needs a copy.",
        "action_attempted": "",
        "error_seen": "",
        "affected_workflow": "fee_collection",
        "urgency": "low",
        "impact": "low",
        "operational_impact": "",
        "details-screen_or_report": "Fee receipt",
    }
    data.update(overrides)
    return data


def test_the_queue_offers_a_new_ticket_and_its_first_step_names_each_institution(
    agent_client: Client, institution: Institution, other_institution: Institution
) -> None:
    assert 'href="/desk/new/"' in agent_client.get("/desk/").content.decode()
    factories.module(institution, ModuleCode.FEES)
    factories.module(other_institution, ModuleCode.FEES)
    page = agent_client.get("/desk/new/").content.decode()
    assert "Northfield University · " in page
    assert "Southbank College · " in page


def test_the_details_step_asks_the_categorys_questions_and_lists_the_institutions_people(
    agent_client: Client, institution: Institution, requester: User, outsider: User
) -> None:
    module = factories.module(institution, ModuleCode.FEES)
    page = agent_client.get(f"/desk/new/?module={module.pk}&category=question").content.decode()
    assert "Which screen or report" in page
    assert f'name="requester" value="{requester.pk}"' in page
    assert f'value="{outsider.pk}"' not in page
    assert 'value="walk_in"' in page
    assert 'value="chat"' in page


def test_an_agent_opens_a_phone_ticket_on_behalf_of_the_requester(
    agent_client: Client, agent: User, institution: Institution, requester: User
) -> None:
    data = desk_report(institution, requester, screenshots=[png_file("receipt.png")])
    response = agent_client.post("/desk/new/", data, follow=True)
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.reported_by) == (requester, agent)
    assert ticket.institution == institution
    assert ticket.channel == Channel.PHONE
    assert ticket.category_details == {"screen_or_report": "Fee receipt"}
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["receipt.png"]
    assert response.redirect_chain[-1][0] == f"/desk/tickets/{ticket.pk}/"
    page = response.content.decode()
    assert f"{ticket.reference} is opened for {requester.display_name}" in page
    said = f"{agent.display_name} opened the ticket on behalf of {requester.display_name} by phone"
    assert said in page


def test_the_requester_sees_who_opened_their_walk_in_ticket(
    agent_client: Client, agent: User, institution: Institution, requester: User
) -> None:
    agent_client.post("/desk/new/", desk_report(institution, requester, channel="walk_in"))
    ticket = Ticket.objects.get()
    created = timeline(requester, ticket).get(kind=EventKind.CREATED)
    assert created.old_value == requester.username
    page = signed_in(requester).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert f"on behalf of {requester.display_name} by walk-in" in page


def test_a_requester_of_another_institution_is_refused_and_nothing_is_opened(
    agent_client: Client, institution: Institution, outsider: User
) -> None:
    response = agent_client.post("/desk/new/", desk_report(institution, outsider))
    assert response.status_code == 422
    assert 'id="requester-error">Choose a requester<' in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_missing_requester_and_channel_are_named_next_to_their_fields(
    agent_client: Client, institution: Institution, requester: User
) -> None:
    data = desk_report(institution, requester, channel="portal", title="")
    del data["requester"]
    response = agent_client.post("/desk/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="requester-error"' in page
    assert 'id="id_channel_error"' in page
    assert 'id="id_title_error"' in page
    assert not Ticket.objects.exists()


def test_the_requester_search_finds_people_of_the_modules_institution_by_name_or_email(
    agent_client: Client, institution: Institution, other_institution: Institution
) -> None:
    module = factories.module(institution, ModuleCode.FEES)
    asha = factories.requester(institution, first_name="Asha", email="asha.rao@north.edu")
    ben = factories.requester(institution, first_name="Ben", email="ben@north.edu")
    elsewhere = factories.requester(other_institution, first_name="Asha")
    gone = factories.requester(institution, first_name="Asha")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    by_name = agent_client.get(
        f"/desk/new/requesters/?module={module.pk}&q=asha", headers=HTMX
    ).content.decode()
    assert f'value="{asha.pk}"' in by_name
    assert f'value="{ben.pk}"' not in by_name
    assert f'value="{elsewhere.pk}"' not in by_name
    assert f'value="{gone.pk}"' not in by_name
    by_mail = agent_client.get(
        f"/desk/new/requesters/?module={module.pk}&q=rao@north", headers=HTMX
    ).content.decode()
    assert f'value="{asha.pk}"' in by_mail
    none = agent_client.get(
        f"/desk/new/requesters/?module={module.pk}&q=nobody", headers=HTMX
    ).content.decode()
    assert "No one at this institution matches" in none


def test_institution_people_cannot_open_the_new_ticket_page_or_search_people(
    institution: Institution, requester: User, outsider: User
) -> None:
    module = factories.module(institution, ModuleCode.FEES)
    for person in (requester, outsider):
        client = signed_in(person)
        assert client.get("/desk/new/")["Location"] == "/"
        search = client.get(f"/desk/new/requesters/?module={module.pk}&q=r", headers=HTMX)
        assert search.status_code == 302
        assert str(requester.pk) not in search.content.decode()
        refused = client.post("/desk/new/", desk_report(institution, requester))
        assert refused.status_code == 302
    assert not Ticket.objects.exists()
