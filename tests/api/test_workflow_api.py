"""The API tells where a ticket is in its category's workflow, and recategorising past
steps taken needs ``confirm``."""

from typing import Any

from hypercare.accounts.models import User
from hypercare.tickets.choices import Category
from tests import factories


def test_the_api_tells_the_workflow_and_refuses_dropping_steps_unconfirmed(
    api_as: Any, agent: User, requester: User, signed_off_tracker: None
) -> None:
    ticket = factories.ticket(requester)
    client = api_as(agent)
    detail = client.get(f"/tickets/{ticket.reference}").json()
    assert detail["workflow"] == {
        "step": "training_gap",
        "waiting_for": "Waiting for the agent to flag a training gap.",
        "steps": ["answer", "training_gap"],
        "taken": ["Answered by Tara on the portal"],
    }
    body = {
        "category": Category.CONFIGURATION,
        "category_details": {
            "area": "report",
            "current_behaviour": "Totals only",
            "wanted_behaviour": "Subtotals per term",
        },
    }
    refused = client.post(f"/tickets/{ticket.reference}/category", body)
    assert refused.status_code == 409
    assert "Answered by Tara" in refused.json()["message"]
    changed = client.post(f"/tickets/{ticket.reference}/category", {**body, "confirm": True})
    assert changed.status_code == 200
    assert changed.json()["category"] == Category.CONFIGURATION
