"""Tags on the workspace: the ticket page's tags panel (tag and untag in place, typing a
new tag or picking a known one), the queue's tag filter, and the tags pages where a
support manager renames and merges tags."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.tags.choices import TagEventKind
from hypercare.tags.models import Tag, Tagging
from hypercare.tags.services import add_tag
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import signed_in

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def manager_client(db: None) -> Client:
    return signed_in(factories.agent(Role.SUPPORT_MANAGER))


def desk(ticket: Ticket) -> str:
    return f"/desk/tickets/{ticket.pk}/"


def test_an_agent_tags_in_place_and_known_tags_are_offered(
    agent_client: Client, requester: User, agent: User
) -> None:
    ticket, other = factories.ticket(requester), factories.ticket(requester)
    add_tag(ticket=other, actor=agent, name="vendor bug")

    page = agent_client.get(desk(ticket)).content.decode()
    assert '<option value="vendor bug"></option>' in page
    assert 'list="tag-names"' in page

    answer = agent_client.post(f"{desk(ticket)}tags/", {"name": "Fee Receipts"}, **HTMX)

    assert answer.status_code == 200
    assert answer["HX-Trigger"] == "ticket-changed"
    html = answer.content.decode()
    assert 'id="tags-panel"' in html
    assert ">fee receipts</a>" in html
    assert list(Tagging.objects.filter(ticket=ticket).values_list("tag__name", flat=True)) == [
        "fee receipts"
    ]
    timeline = agent_client.get(f"{desk(ticket)}timeline/", **HTMX).content.decode()
    assert "tagged this ticket “fee receipts”" in timeline


def test_a_bad_tag_is_shown_by_its_field_and_nothing_is_saved(
    agent_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)

    answer = agent_client.post(f"{desk(ticket)}tags/", {"name": "   "}, **HTMX)
    plain = agent_client.post(f"{desk(ticket)}tags/", {"name": "x" * 60})

    assert answer.status_code == 422
    assert "must not be empty" in answer.content.decode()
    assert plain.status_code == 422
    assert "at most 50 characters" in plain.content.decode()
    assert not Tag.objects.exists()


def test_an_agent_removes_a_tag_in_place(
    agent_client: Client, requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    tag = add_tag(ticket=ticket, actor=agent, name="vendor bug")

    answer = agent_client.post(f"{desk(ticket)}tags/{tag.pk}/remove/", **HTMX)

    assert answer.status_code == 200
    assert "No tags." in answer.content.decode()
    assert not Tagging.objects.exists()
    assert ticket.events.filter(kind=TagEventKind.UNTAGGED).count() == 1


def test_the_queue_filters_by_any_of_several_tags(
    agent_client: Client, requester: User, agent: User
) -> None:
    fees = factories.ticket(requester, title="Fee receipt blank")
    exams = factories.ticket(requester, title="Exam marks vanish")
    other = factories.ticket(requester, title="Timetable empty")
    add_tag(ticket=fees, actor=agent, name="fees")
    add_tag(ticket=exams, actor=agent, name="exams")

    page = agent_client.get("/desk/", {"queue": "all", "tag": "Fees, exams"}).content.decode()
    only = agent_client.get("/desk/", {"queue": "all", "tag": "fees"}).content.decode()

    assert fees.reference in page
    assert exams.reference in page
    assert other.reference not in page
    assert fees.reference in only
    assert exams.reference not in only


def test_the_portal_never_shows_a_tag(
    requester_client: Client, requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    add_tag(ticket=ticket, actor=agent, name="angry customer")

    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()

    assert "angry customer" not in page


def test_a_manager_renames_and_merges_tags_on_their_pages(
    manager_client: Client, requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    old = add_tag(ticket=ticket, actor=agent, name="feez")
    new = add_tag(ticket=factories.ticket(requester), actor=agent, name="fees")

    listing = manager_client.get("/desk/tags/").content.decode()
    assert f'href="/desk/tags/{old.pk}/"' in listing
    taken = manager_client.post(f"/desk/tags/{old.pk}/rename/", {"name": "Fees"})
    renamed = manager_client.post(f"/desk/tags/{old.pk}/rename/", {"name": "fee receipts"})
    shown = manager_client.get(renamed["Location"]).content.decode()
    empty = manager_client.post(f"/desk/tags/{old.pk}/merge/", {"into": ""})
    merged = manager_client.post(f"/desk/tags/{old.pk}/merge/", {"into": new.pk})

    assert taken.status_code == 422
    assert "merge the two instead" in taken.content.decode()
    assert renamed.status_code == 302
    assert "Tag renamed “fee receipts”." in shown
    assert empty.status_code == 422
    assert merged.status_code == 302
    assert merged["Location"] == f"/desk/tags/{new.pk}/"
    assert list(Tag.objects.values_list("name", flat=True)) == ["fees"]
    assert Tagging.objects.filter(ticket=ticket, tag=new).exists()


def test_an_agent_sees_the_tags_but_not_their_upkeep(
    agent_client: Client, requester: User, agent: User
) -> None:
    tag = add_tag(ticket=factories.ticket(requester), actor=agent, name="fees")

    listing = agent_client.get("/desk/tags/").content.decode()
    page = agent_client.get(f"/desk/tags/{tag.pk}/").content.decode()
    refused = agent_client.post(f"/desk/tags/{tag.pk}/rename/", {"name": "money"})

    assert "fees" in listing
    assert f'href="/desk/tags/{tag.pk}/"' not in listing
    assert "Support managers and system admins rename and merge tags." in page
    assert refused.status_code == 403
    assert Tag.objects.get().name == "fees"


def test_the_tickets_behind_a_report_filter_by_tag_for_managers_only(
    manager_client: Client, requester: User, agent: User, institution: Any
) -> None:
    tagged = factories.ticket(requester, title="Fee receipt blank")
    plain = factories.ticket(requester, title="Exam marks vanish")
    add_tag(ticket=tagged, actor=agent, name="angry customer")
    admin = signed_in(factories.user(Role.INSTITUTION_ADMIN, institution=institution))

    managers = manager_client.get("/reports/tickets/", {"tag": "angry customer"}).content.decode()
    admins = admin.get("/reports/tickets/", {"tag": "angry customer"}).content.decode()

    assert tagged.reference in managers
    assert plain.reference not in managers
    # The institution's admin is offered no tag filter, and one in the address is left out.
    assert 'name="tag"' not in admins
    assert "angry customer" not in admins
    assert tagged.reference in admins
    assert plain.reference in admins
