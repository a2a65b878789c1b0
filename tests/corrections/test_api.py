"""Data corrections through the API: the record under its ticket, the sign-off, the
outcome; allow-listed fields, field-named refusals, and 403/404/409 as declared."""

from typing import Any

from hypercare.accounts.models import User
from hypercare.tickets.models import Ticket
from tests.api.conftest import ApiClient

BODY: dict[str, Any] = {
    "records": ["2024001"],
    "changes": [
        {
            "record": "2024001",
            "field": "date_of_birth",
            "before": "2001-13-01",
            "after": "2001-01-13",
        }
    ],
    "reason": "wrong_entry",
    "reversal_plan": "Restore the value from the audit log.",
}


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _path(ticket: Ticket, step: str = "") -> str:
    return f"/tickets/{ticket.reference}/correction{step}"


def test_a_correction_goes_from_record_to_verified(
    ticket: Ticket, agent: User, data_owner: User, requester: User
) -> None:
    staff, owner, asker = ApiClient(agent), ApiClient(data_owner), ApiClient(requester)
    assert staff.get(_path(ticket)).status_code == 404

    written = staff.put(_path(ticket), BODY)
    assert written.status_code == 200
    assert (written.json()["version"], written.json()["signed_off"]) == (1, False)
    asked = staff.post(_path(ticket, "/sign-off-request"))
    assert asked.json()["data_owner"]["name"] == "Anil Rao"
    assert staff.post(_path(ticket, "/applied")).status_code == 409

    decided = owner.post(_path(ticket, "/decision"), {"decision": "signed_off", "comment": "OK"})
    sign_off = decided.json()["sign_offs"][0]
    assert sign_off["content_hash"] == written.json()["content_hash"]
    assert sign_off["snapshot"]["changes"] == BODY["changes"]

    assert asker.post(_path(ticket, "/applied")).status_code == 403
    assert staff.post(_path(ticket, "/applied")).json()["applied_by"]["username"] == "tara"
    verified = asker.post(_path(ticket, "/verified"), {"outcome": "right"})
    assert verified.json()["verified_by"]["name"] == "Riya"
    assert ApiClient(requester).get(f"/tickets/{ticket.reference}").json()["workflow"]["step"] == ""


def test_unknown_fields_are_refused_by_name(ticket: Ticket, agent: User) -> None:
    answer = ApiClient(agent).put(_path(ticket), {**BODY, "applied_by": 1})
    assert answer.status_code == 422
    assert "applied_by" in _fields(answer)


def test_each_bad_field_is_named(ticket: Ticket, agent: User) -> None:
    answer = ApiClient(agent).put(
        _path(ticket), {**BODY, "records": [], "changes": [], "reason": "typo"}
    )
    assert answer.status_code == 422
    assert set(_fields(answer)) == {"reason"}
    answer = ApiClient(agent).put(_path(ticket), {**BODY, "records": [], "changes": []})
    assert set(_fields(answer)) == {"records", "changes"}


def test_an_extract_must_be_a_public_csv_of_the_ticket(
    ticket: Ticket, agent: User, requester: User
) -> None:
    staff = ApiClient(agent)
    notes = staff.upload(f"/tickets/{ticket.reference}/attachments", "notes.txt", b"notes\n")
    csv = staff.upload(f"/tickets/{ticket.reference}/attachments", "rows.csv", b"roll\n2024001\n")
    refused = staff.put(_path(ticket), {**BODY, "extract_id": notes.json()["id"]})
    assert _fields(refused) == {"extract_id": "must be a CSV file"}
    missing = staff.put(_path(ticket), {**BODY, "extract_id": 999_999})
    assert _fields(missing) == {"extract_id": "no such public file on this ticket"}

    written = staff.put(_path(ticket), {**BODY, "records": [], "extract_id": csv.json()["id"]})
    assert written.json()["extract"]["sha256"] == csv.json()["sha256"]
    extract = ApiClient(requester).get(written.json()["extract"]["download_url"][len("/api/v1") :])
    assert extract.status_code == 200


def test_refusing_needs_a_comment(asked: Ticket, data_owner: User) -> None:
    answer = ApiClient(data_owner).post(_path(asked, "/decision"), {"decision": "refused"})
    assert answer.status_code == 422
    assert set(_fields(answer)) == {"comment"}


def test_the_requester_may_not_write_the_record(ticket: Ticket, requester: User) -> None:
    assert ApiClient(requester).put(_path(ticket), BODY).status_code == 403


def test_a_changed_record_answers_its_sign_off_void(signed: Ticket, agent: User) -> None:
    answer = ApiClient(agent).put(_path(signed), {**BODY, "reversal_plan": "Restore from backup."})
    body = answer.json()
    assert body["signed_off"] is False
    assert body["sign_offs"][0]["voided_at"] is not None
    assert body["sign_off_requested_at"] is not None
