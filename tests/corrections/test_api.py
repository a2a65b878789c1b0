"""Data corrections through the API: the record under its ticket, the sign-off, the
outcome; allow-listed fields, field-named refusals, and 403/404/409 as declared."""

from typing import Any

from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
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


AS_QUESTION = {
    "category": "question",
    "category_details": {"screen_or_report": "Student record"},
    "confirm": True,
}
NO_LONGER = "is not a data correction any more"


def _key_user_too(data_owner: User) -> None:
    """The data owner also reads every ticket of the institution, so they still see the
    ticket once it is no data correction: what they are told is then the point."""
    RoleGrant.objects.create(user=data_owner, role=Role.KEY_USER)


def test_a_recategorised_ticket_refuses_sign_off_and_its_request_with_409(
    asked: Ticket, agent: User, data_owner: User
) -> None:
    _key_user_too(data_owner)
    staff = ApiClient(agent)
    assert staff.post(f"/tickets/{asked.reference}/category", AS_QUESTION).status_code == 200

    for decision in ({"decision": "signed_off"}, {"decision": "refused", "comment": "No."}):
        refused = ApiClient(data_owner).post(_path(asked, "/decision"), decision)
        assert refused.status_code == 409
        assert f"{asked.reference} {NO_LONGER}" in refused.json()["message"]
    asking = staff.post(_path(asked, "/sign-off-request"))
    assert (asking.status_code, NO_LONGER in asking.json()["message"]) == (409, True)
    assert staff.get(_path(asked)).json()["sign_offs"] == []


def test_a_recategorised_ticket_refuses_applied_with_409(signed: Ticket, agent: User) -> None:
    staff = ApiClient(agent)
    assert staff.post(f"/tickets/{signed.reference}/category", AS_QUESTION).status_code == 200

    applied = staff.post(_path(signed, "/applied"))
    assert (applied.status_code, NO_LONGER in applied.json()["message"]) == (409, True)
    assert staff.get(_path(signed)).json()["applied_at"] is None


def test_a_correction_applied_before_recategorising_is_not_verified_after(
    signed: Ticket, agent: User, requester: User
) -> None:
    staff = ApiClient(agent)
    assert staff.post(_path(signed, "/applied")).status_code == 200
    assert staff.post(f"/tickets/{signed.reference}/category", AS_QUESTION).status_code == 200

    verified = ApiClient(requester).post(_path(signed, "/verified"), {"outcome": "right"})
    assert (verified.status_code, NO_LONGER in verified.json()["message"]) == (409, True)
    assert staff.get(_path(signed)).json()["verified_at"] is None


def test_naming_another_data_owner_voids_the_sign_off_and_asks_them(
    signed: Ticket, agent: User, data_owner: User, institution: Institution
) -> None:
    new_owner = factories.user(
        Role.DATA_OWNER, institution=institution, first_name="Bea", last_name="Kim"
    )
    staff = ApiClient(agent)
    renamed = staff.post(
        f"/tickets/{signed.reference}/category",
        {
            "category": "data_correction",
            "category_details": {**signed.category_details, "data_owner_id": new_owner.pk},
        },
    )
    assert renamed.status_code == 200

    body = staff.get(_path(signed)).json()
    assert body["data_owner"]["name"] == "Bea Kim"
    assert (body["signed_off"], body["sign_off_requested_at"] is not None) == (False, True)
    assert body["sign_offs"][0]["void_reason"] == "data_owner_changed"
    assert staff.post(_path(signed, "/applied")).status_code == 409
    # No longer named, the data owner before no longer reads the ticket.
    before = ApiClient(data_owner).post(_path(signed, "/decision"), {"decision": "signed_off"})
    assert before.status_code == 404
    decided = ApiClient(new_owner).post(_path(signed, "/decision"), {"decision": "signed_off"})
    assert decided.json()["signed_off"] is True
