"""`GET /api/v1/approvals/pending`: everything waiting for the caller's decision, each
kind in its own domain's shape, only their own institution's, in a fixed number of
queries."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.corrections.choices import Decision
from hypercare.corrections.services import decide_sign_off
from tests.access_requests import builders
from tests.api.conftest import ApiClient
from tests.approvals.conftest import Waits, asked_correction, submitted_change

PATH = "/approvals/pending"


def _references(answer: dict[str, Any]) -> dict[str, list[str]]:
    return {
        "access_requests": [item["reference"] for item in answer["access_requests"]],
        "change_approvals": [item["change"]["reference"] for item in answer["change_approvals"]],
        "sign_offs": [item["ticket"] for item in answer["sign_offs"]],
    }


def test_each_approver_reads_what_waits_for_them(waits: Waits) -> None:
    def pending(person: str) -> dict[str, list[str]]:
        answer = ApiClient(waits.people[person]).get(PATH)
        assert answer.status_code == 200
        return _references(answer.json())

    nothing: dict[str, list[str]] = {"access_requests": [], "change_approvals": [], "sign_offs": []}
    assert pending("north_approver") == {
        **nothing,
        "access_requests": [waits.access["north"].reference],
    }
    assert pending("north_module_owner") == {
        **nothing,
        "change_approvals": [waits.changes["north"].reference],
    }
    assert pending("manager") == {**nothing, "change_approvals": [waits.changes["south"].reference]}
    assert pending("north_data_owner") == {
        **nothing,
        "sign_offs": [waits.corrections["north"].reference],
    }
    assert pending("south_data_owner") == {
        **nothing,
        "sign_offs": [waits.corrections["south"].reference],
    }
    assert pending("north_requester") == nothing


def test_a_sign_off_waiting_reads_what_is_to_be_signed_off(waits: Waits) -> None:
    ticket = waits.corrections["north"]
    answer = ApiClient(waits.people["north_data_owner"]).get(PATH).json()

    (item,) = answer["sign_offs"]
    assert item["ticket"] == ticket.reference
    assert item["title"] == ticket.title
    assert item["institution"]["slug"] == "northfield"
    assert item["version"] == 1
    assert item["written_by"]["name"] == "tara"
    assert item["sign_off_requested_at"] == "2026-12-03T09:00:00Z"


def test_a_decided_sign_off_no_longer_waits(waits: Waits) -> None:
    owner = waits.people["north_data_owner"]
    decide_sign_off(ticket=waits.corrections["north"], actor=owner, decision=Decision.SIGNED_OFF)
    assert ApiClient(owner).get(PATH).json()["sign_offs"] == []


def test_anonymous_callers_and_unknown_parameters_are_refused(waits: Waits) -> None:
    assert ApiClient(None).get(PATH).status_code == 401
    refused = ApiClient(waits.people["north_data_owner"]).get(PATH, {"kind": "sign_offs"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "kind", "message": "is not a known query parameter"}
    ]


def _queries(user: User) -> tuple[int, int]:
    """The queries of one answer, and how many items it lists."""
    api = ApiClient(user)
    api.get(PATH)  # the token's first use is stamped; count from the second
    with CaptureQueriesContext(connection) as captured:
        answer = api.get(PATH)
    assert answer.status_code == 200
    return len(captured), sum(len(items) for items in answer.json().values())


def test_the_answer_costs_the_same_queries_for_few_and_many_items(
    waits: Waits, agent: User
) -> None:
    """More of each kind waiting costs no more queries."""
    people = [waits.people[name] for name in ("north_approver", "manager", "north_data_owner")]
    south = waits.people["south_data_owner"].institution
    few = [_queries(person) for person in people]
    for n in range(3):
        builders.requested(waits.people["north_requester"], agent, person_name=f"Person {n}")
        submitted_change(agent, south)  # type: ignore[arg-type]
        asked_correction(waits.people["north_requester"], waits.people["north_data_owner"], agent)
    many = [_queries(person) for person in people]

    assert [count for count, _ in many] == [count for count, _ in few]
    assert [listed for _, listed in many] == [4, 4, 4]
