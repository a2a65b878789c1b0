"""The desk ticket page when two staff members work one ticket."""

import re

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from tests import factories
from tests.web.conftest import signed_in


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


@pytest.fixture
def omar(db: None) -> User:
    return factories.agent(Role.TIER1, username="omar", first_name="Omar", last_name="Haddad")


def _seen(html: str) -> str:
    found = re.search(r'name="reply-seen_event_id" value="(\d+)"', html)
    assert found is not None
    return found.group(1)


def test_a_reply_written_while_a_colleague_answered_asks_before_it_is_sent(
    ticket: Ticket, agent: User, omar: User, requester: User
) -> None:
    add_public_reply(ticket=ticket, actor=requester, body="It still fails.")
    client = signed_in(agent)
    seen = _seen(client.get(f"/desk/tickets/{ticket.pk}/").content.decode())
    add_public_reply(ticket=ticket, actor=omar, body="Try again now.")
    reply = {"reply-body": "Looking into it.", "reply-seen_event_id": seen}
    answer = client.post(f"/desk/tickets/{ticket.pk}/reply/", reply)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert re.search(r"Omar Haddad replied at \d\d:\d\d, after the reply you read", html)
    assert 'type="checkbox" name="reply-confirmed"' in html
    assert ticket.events.filter(body="Looking into it.").count() == 0
    sent = client.post(f"/desk/tickets/{ticket.pk}/reply/", {**reply, "reply-confirmed": "on"})
    assert sent.status_code == 302
    assert ticket.events.filter(body="Looking into it.").count() == 1


def test_a_reply_after_reading_everything_is_sent_at_once(
    ticket: Ticket, agent: User, requester: User
) -> None:
    add_public_reply(ticket=ticket, actor=requester, body="It still fails.")
    client = signed_in(agent)
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'type="hidden" name="reply-confirmed"' in page
    reply = {"reply-body": "Looking into it.", "reply-seen_event_id": _seen(page)}
    assert client.post(f"/desk/tickets/{ticket.pk}/reply/", reply).status_code == 302


def test_each_agent_sees_the_other_and_who_is_replying(
    ticket: Ticket, agent: User, omar: User
) -> None:
    tara, omars = signed_in(agent), signed_in(omar)
    page = tara.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'hx-trigger="load, every 5s" hx-swap="innerHTML"' in page
    assert 'hx-trigger="input changed throttle:5s"' in page
    tara.post(f"/desk/tickets/{ticket.pk}/presence/")
    beat = omars.post(f"/desk/tickets/{ticket.pk}/presence/", {"replying": "1"})
    assert "tara has this ticket open" in beat.content.decode()
    seen_by_tara = tara.post(f"/desk/tickets/{ticket.pk}/presence/").content.decode()
    assert "Omar Haddad is replying" in seen_by_tara


def test_institution_people_see_no_one_on_their_ticket(
    ticket: Ticket, agent: User, requester: User
) -> None:
    signed_in(agent).post(f"/desk/tickets/{ticket.pk}/presence/", {"replying": "1"})
    client = signed_in(requester)
    assert client.post(f"/desk/tickets/{ticket.pk}/presence/").status_code in {302, 403, 404}
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "is replying" not in page
    assert "presence" not in page
