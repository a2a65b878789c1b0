"""The change request endpoints: allow-listed fields, field-named refusals, the 403, 404
and 409 answers they declare."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.accounts.services import issue_token
from hypercare.changes.models import ChangeRequest
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.api.contract import ContractClient
from tests.changes.conftest import WINDOW
from tests.web.conftest import PNG


def _evidence(user: User, path: str, **fields: Any) -> Any:
    """A multipart post with two files under the one ``files`` field."""
    _, token = issue_token(user=user, name="evidence")
    files = [SimpleUploadedFile("staging.png", PNG), SimpleUploadedFile("log.txt", b"All green.")]
    return ContractClient().post(
        path, {"files": files, **fields}, headers={"Authorization": f"Bearer {token}"}
    )


def _create(api: ApiClient, institution: Institution, **fields: Any) -> Any:
    body = {
        "title": "Refund approval step",
        "kind": "configuration",
        "plan": "Add the step.",
        "rollback_plan": "Remove it.",
        "window_start": WINDOW[0].isoformat(),
        "window_end": WINDOW[1].isoformat(),
        "module_ids": [factories.module(institution, ModuleCode.FINANCE).pk],
        **fields,
    }
    return api.post("/changes", body)


def test_a_change_goes_from_raised_to_implemented_through_the_api(
    agent: User, institution: Institution, finance_owner: User, config_ticket: Ticket
) -> None:
    desk = ApiClient(agent)
    created = _create(
        desk, institution, tickets=[config_ticket.reference], in_production_hours=True
    )
    assert created.status_code == 201
    change = created.json()
    assert (change["status"], change["risk"], change["tickets"][0]["reference"]) == (
        "draft",
        "medium",
        config_ticket.reference,
    )
    path = f"/changes/{change['id']}"
    assert desk.post(f"{path}/submit").json()["status"] == "awaiting_approval"
    decided = ApiClient(finance_owner).post(f"{path}/approvals", {"decision": "approved"})
    assert decided.status_code == 200
    assert decided.json()["approvals"][0]["decided_by"]["name"] == finance_owner.display_name
    early = desk.post(f"{path}/implementation", {"outcome": "succeeded"})
    assert early.status_code == 409
    evidence = _evidence(agent, f"/api/v1{path}/evidence", note="Tested in staging.")
    assert evidence.status_code == 201
    assert [f["name"] for f in evidence.json()["files"]] == ["staging.png", "log.txt"]
    download = desk.get(evidence.json()["files"][0]["download_url"].removeprefix("/api/v1"))
    assert (download.status_code, download["Content-Type"]) == (200, "image/png")
    done = desk.post(f"{path}/implementation", {"outcome": "succeeded"})
    assert done.json()["status"] == "implemented"
    assert [e["kind"] for e in done.json()["history"]] == [
        "created",
        "submitted",
        "approved",
        "evidence",
        "implemented",
    ]


def test_bad_input_is_refused_field_by_field(agent: User, institution: Institution) -> None:
    answer = _create(
        ApiClient(agent),
        institution,
        window_end=WINDOW[0].isoformat(),
        module_ids=[999999],
        colour="red",
    )
    assert answer.status_code == 422
    fields = {error["field"] for error in answer.json()["errors"]}
    assert "colour" in fields
    answer = _create(
        ApiClient(agent), institution, window_end=WINDOW[0].isoformat(), module_ids=[999999]
    )
    assert {error["field"] for error in answer.json()["errors"]} == {"module_ids"}
    answer = _create(ApiClient(agent), institution, window_end=WINDOW[0].isoformat())
    assert answer.json()["errors"] == [
        {"field": "window_end", "message": "must be after the window's start"}
    ]


def test_a_submitted_change_is_not_patched(change: ChangeRequest, agent: User) -> None:
    api = ApiClient(agent)
    assert api.patch(f"/changes/{change.pk}", {"title": "Refund step"}).json()["title"] == (
        "Refund step"
    )
    api.post(f"/changes/{change.pk}/submit")
    assert api.patch(f"/changes/{change.pk}", {"title": "Other"}).status_code == 409


def test_institution_users_read_their_changes_and_never_another_institutions(
    change: ChangeRequest, requester: User, outsider: User, finance_owner: User
) -> None:
    mine = ApiClient(requester)
    assert mine.get("/changes").json()["count"] == 1
    assert mine.get(f"/changes/{change.pk}").status_code == 200
    assert mine.post(f"/changes/{change.pk}/submit").status_code == 403
    theirs = ApiClient(outsider)
    assert theirs.get("/changes").json()["count"] == 0
    assert theirs.get(f"/changes/{change.pk}").status_code == 404
    assert (
        theirs.post(f"/changes/{change.pk}/approvals", {"decision": "approved"}).status_code == 404
    )
    assert theirs.get("/changes/calendar", {"month": "2025-03"}).json()["changes"] == []


def test_the_calendar_returns_collisions(
    change: ChangeRequest, agent: User, institution: Institution
) -> None:
    other = _create(ApiClient(agent), institution, title="Fee rounding").json()
    month = ApiClient(agent).get("/changes/calendar", {"month": "2025-03"}).json()
    assert [entry["reference"] for entry in month["changes"]] == [
        change.reference,
        other["reference"],
    ]
    assert month["changes"][0]["collisions"][0]["reference"] == other["reference"]
    detail = ApiClient(agent).get(f"/changes/{change.pk}").json()
    assert [c["id"] for c in detail["collisions"]] == [other["id"]]
    assert ApiClient(agent).get("/changes/calendar", {"month": "2025-13"}).status_code == 422


def test_pending_approvals_list_what_waits_for_me(
    change: ChangeRequest, agent: User, finance_owner: User, requester: User
) -> None:
    ApiClient(agent).post(f"/changes/{change.pk}/submit")
    waiting = ApiClient(finance_owner).get("/change-approvals").json()
    assert [item["change"]["reference"] for item in waiting] == [change.reference]
    assert ApiClient(requester).get("/change-approvals").json() == []


def _queries(api: ApiClient, path: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, params).status_code == 200
    return len(captured)


def test_the_list_and_the_calendar_cost_the_same_queries_for_few_and_many_changes(
    agent: User, institution: Institution, requester: User
) -> None:
    counts = []
    for _ in range(2):
        for _ in range(5):
            _create(ApiClient(agent), institution)
        for user in (agent, requester):
            api = ApiClient(user)
            api.get("/changes")
            counts.append(
                (
                    _queries(api, "/changes"),
                    _queries(api, "/changes/calendar", {"month": "2025-03"}),
                )
            )
    assert counts[:2] == counts[2:]
