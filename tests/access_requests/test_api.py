"""The access-request endpoints: each step, its refusals, and lists that cost the same
queries however many rows they hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.services.reviews import open_review
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from tests import factories
from tests.access_requests import builders
from tests.api.conftest import ApiClient


def test_a_request_from_the_intake_answers_alone(
    requester: User, agent: User, approver: User
) -> None:
    ticket = builders.access_ticket(requester)
    answer = ApiClient(agent).post("/access-requests", {"ticket": ticket.reference})

    assert answer.status_code == 201
    body = answer.json()
    assert (body["action"], body["role"], body["person_name"]) == ("add", "Fee clerk", "Priya Nair")
    assert (body["effective_on"], body["ticket"], body["status"]) == (
        "2026-12-03", ticket.reference, "awaiting_approval",
    )  # fmt: skip
    again = ApiClient(agent).post("/access-requests", {"ticket": ticket.reference})
    assert again.status_code == 409


def test_a_request_names_each_wrong_field(requester: User, agent: User, outsider: User) -> None:
    ticket = builders.access_ticket(requester)
    answer = ApiClient(agent).post(
        "/access-requests",
        {"ticket": ticket.reference, "action": "change", "person_id": outsider.pk},
    )
    assert answer.status_code == 422
    assert {error["field"] for error in answer.json()["errors"]} == {"person_id"}
    answer = ApiClient(agent).post(
        "/access-requests",
        {"ticket": ticket.reference, "action": "change", "ends_on": "2026-12-01"},
    )
    assert {error["field"] for error in answer.json()["errors"]} == {"old_role", "ends_on"}
    unknown = ApiClient(agent).post("/access-requests", {"ticket": "HC-999999"})
    assert unknown.status_code == 422


def test_a_question_ticket_takes_no_access_request(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    answer = ApiClient(agent).post(
        "/access-requests",
        {"ticket": ticket.reference, "action": "add", "role": "Clerk", "person_name": "X"},
    )
    assert answer.status_code == 409


def test_approve_then_done_through_the_api(requester: User, agent: User, approver: User) -> None:
    request = builders.requested(requester, agent)
    approver_api = ApiClient(approver)

    waiting = approver_api.get("/access-requests", {"waiting_for_me": "true"})
    early = ApiClient(agent).post(f"/access-requests/{request.pk}/done")
    bare_reject = approver_api.post(f"/access-requests/{request.pk}/reject", {"comment": ""})
    approved = approver_api.post(f"/access-requests/{request.pk}/approve", {"comment": "Yes."})
    twice = approver_api.post(f"/access-requests/{request.pk}/approve", {"comment": ""})
    done = ApiClient(agent).post(f"/access-requests/{request.pk}/done")
    ledger = ApiClient(agent).get("/access-ledger", {"person": "priya", "action": "add"})

    assert [row["reference"] for row in waiting.json()["results"]] == [request.reference]
    assert early.status_code == 409
    assert bare_reject.status_code == 422
    assert approved.json()["decided_by"]["id"] == approver.pk
    assert twice.status_code == 409
    assert done.json()["status"] == "done"
    (line,) = ledger.json()["results"]
    assert (line["approved_by"]["id"], line["done_by"]["id"]) == (approver.pk, agent.pk)
    assert line["access_request"] == request.reference


def test_the_ledger_says_who_asked_and_who_recorded_it_for_them(
    requester: User, agent: User, approver: User
) -> None:
    """An agent files the access ticket on the requester's behalf (a phone call) and
    records its request; the ledger's "asked by" is the requester, not the agent."""
    staff = ApiClient(agent)
    ticket = builders.access_ticket(requester, actor=agent)
    request = staff.post("/access-requests", {"ticket": ticket.reference}).json()
    ApiClient(approver).post(f"/access-requests/{request['id']}/approve", {"comment": ""})
    assert staff.post(f"/access-requests/{request['id']}/done").status_code == 200

    (line,) = staff.get("/access-ledger").json()["results"]
    csv = staff.get("/access-ledger/export.csv").content.decode("utf-8-sig").splitlines()

    assert (line["requested_by"]["id"], line["recorded_by"]["id"]) == (requester.pk, agent.pk)
    header, row = csv[0].split(","), csv[1].split(",")
    asked, recorded = header.index("Asked by"), header.index("Recorded by")
    assert (row[asked], row[recorded]) == ("Riya", "tara")


def test_the_ledger_refuses_unknown_filters(agent: User) -> None:
    assert ApiClient(agent).get("/access-ledger", {"who": "x"}).status_code == 422
    assert ApiClient(agent).get("/access-ledger/export.csv", {"who": "x"}).status_code == 422


def test_a_review_is_read_and_answered_through_the_api(
    requester: User, agent: User, approver: User, institution: Institution
) -> None:
    builders.done(requester, agent, approver)
    review = open_review(institution, clock.now())
    assert review is not None
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")
    api = ApiClient(admin)

    listed = api.get("/access-reviews")
    detail = api.get(f"/access-reviews/{review.pk}")
    line_id = detail.json()["lines"][0]["id"]
    by_agent = ApiClient(agent).post(
        f"/access-reviews/{review.pk}/lines/{line_id}", {"answer": "confirmed"}
    )
    answered = api.post(
        f"/access-reviews/{review.pk}/lines/{line_id}",
        {"answer": "flagged", "action": "change", "new_role": "Fee supervisor"},
    )
    again = api.post(f"/access-reviews/{review.pk}/lines/{line_id}", {"answer": "confirmed"})

    assert listed.json()["count"] == 1
    assert by_agent.status_code == 403
    assert answered.status_code == 200
    assert answered.json()["closed_at"] is not None
    reference = answered.json()["lines"][0]["access_request"]
    change = AccessRequest.objects.get(action="change")
    assert reference == change.reference
    assert (change.old_role, change.role) == ("Fee clerk", "Fee supervisor")
    assert again.status_code == 409
    assert ApiClient(requester).get(f"/access-reviews/{review.pk}").status_code == 404


def _queries(user: User, path: str) -> int:
    api = ApiClient(user)
    api.get(path)  # the token's first use stamps it
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/access-requests", "/access-ledger"])
def test_access_lists_cost_the_same_queries_for_few_and_many_rows(
    requester: User, agent: User, approver: User, path: str
) -> None:
    builders.done(requester, agent, approver)
    few = _queries(agent, path)
    for n in range(4):
        builders.done(requester, agent, approver, person_name=f"Person {n}")
    assert _queries(agent, path) == few
