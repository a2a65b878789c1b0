"""A reply through the API written while someone else answered: 409 until confirmed."""

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from tests import factories
from tests.api.conftest import ApiClient


def test_a_reply_after_an_unread_one_is_refused_until_confirmed(
    agent: User, requester: User
) -> None:
    ticket = factories.ticket(requester)
    omar = factories.agent(Role.TIER1, username="omar", first_name="Omar")
    api = ApiClient(agent)
    read = api.post(f"/tickets/{ticket.pk}/replies", {"body": "Which printer?"}).json()
    ApiClient(omar).post(f"/tickets/{ticket.pk}/replies", {"body": "Try the other tray."})
    reply = {"body": "Any luck?", "seen_event_id": read["id"]}
    refused = api.post(f"/tickets/{ticket.pk}/replies", reply)
    assert refused.status_code == 409
    assert "Omar" in refused.json()["message"]
    assert ticket.events.filter(body="Any luck?").count() == 0
    sent = api.post(f"/tickets/{ticket.pk}/replies", {**reply, "confirmed": True})
    assert sent.status_code == 201
