from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import (
    attach_child,
    declare_major_incident,
    flag_missed_resolutions,
)
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.tickets.choices import Status
from tests import factories
from tests.api.conftest import ApiClient
from tests.incidents.conftest import T0, TITLE, Outage, declaration, payment_ticket

DECLARATION: dict[str, Any] = {
    "title": TITLE,
    "module_code": "fees",
    "integration_kind": "payment",
    "impact": "Students cannot pay fees online.",
    "started_at": "2025-04-07T10:40:00Z",
}


def test_declare_from_a_ticket_attach_update_and_resolve(outage: Outage) -> None:
    api = ApiClient(outage.manager)
    declared = api.post("/incidents", {**DECLARATION, "from_ticket": outage.riya_ticket.reference})
    assert declared.status_code == 201, declared.json()
    incident = declared.json()
    assert incident["reference"].startswith("MI-")
    assert [child["reference"] for child in incident["children"]] == [outage.riya_ticket.reference]
    assert [institution["id"] for institution in incident["institutions"]] == [outage.northfield.pk]
    path = f"/incidents/{incident['id']}"
    attached = api.post(f"{path}/children", {"ticket": outage.sam_ticket.reference})
    assert attached.status_code == 201
    assert len(attached.json()["children"]) == 2
    updated = api.post(f"{path}/updates", {"body": "Restarting the gateway."})
    assert updated.status_code == 201
    assert updated.json()["last_update_at"] is not None
    resolved = api.post(f"{path}/resolution", {"resolution": "Certificate renewed."})
    assert resolved.status_code == 200
    assert resolved.json()["incident"]["status"] == "resolved"
    assert {child["status"] for child in resolved.json()["resolved"]} == {Status.RESOLVED}
    again = api.post(f"{path}/updates", {"body": "Late."})
    assert again.status_code == 409


def test_bulk_attach_and_detach(outage: Outage, incident: MajorIncident) -> None:
    api = ApiClient(outage.manager)
    path = f"/incidents/{incident.pk}"
    bulk = api.post(
        f"{path}/children/bulk",
        {"tickets": [outage.sam_ticket.reference, outage.riya_ticket.reference]},
    )
    assert bulk.status_code == 200
    assert [row["reference"] for row in bulk.json()["attached"]] == [outage.sam_ticket.reference]
    assert [row["ticket"] for row in bulk.json()["refused"]] == [outage.riya_ticket.reference]
    detached = api.delete(f"{path}/children/{outage.sam_ticket.reference}")
    assert detached.status_code == 200
    assert [child["reference"] for child in detached.json()["children"]] == [
        outage.riya_ticket.reference
    ]


def test_an_update_through_the_api_meets_the_childs_first_response(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    api = ApiClient(outage.manager)
    api.post(f"/incidents/{incident.pk}/updates", {"body": "Still down."})
    child = api.get(f"/tickets/{outage.riya_ticket.reference}").json()
    assert child["first_responded_at"] == "2025-04-07T11:40:00Z"
    assert child["sla"]["first_response"]["state"] == "met"


def test_a_declaration_names_each_wrong_field(outage: Outage) -> None:
    answer = ApiClient(outage.manager).post(
        "/incidents",
        {**DECLARATION, "institutions": [], "started_at": "2099-01-01T00:00:00Z"},
    )
    assert answer.status_code == 422
    assert {error["field"] for error in answer.json()["errors"]} == {"institutions", "started_at"}
    unknown = ApiClient(outage.manager).post(
        "/incidents", {**DECLARATION, "institutions": [999999], "colour": "red"}
    )
    assert unknown.status_code == 422
    assert "colour" in {error["field"] for error in unknown.json()["errors"]}


def test_a_tier_1_agent_may_read_but_not_declare_or_update(
    outage: Outage, incident: MajorIncident
) -> None:
    api = ApiClient(factories.agent())
    assert api.get(f"/incidents/{incident.pk}").status_code == 200
    refused = api.post("/incidents", {**DECLARATION, "institutions": [outage.northfield.pk]})
    assert refused.status_code == 403
    assert api.post(f"/incidents/{incident.pk}/updates", {"body": "x"}).status_code == 403


def test_an_institution_sees_its_incident_with_only_its_own_side(
    outage: Outage, incident: MajorIncident
) -> None:
    ApiClient(outage.manager).post(
        f"/incidents/{incident.pk}/children", {"ticket": outage.sam_ticket.reference}
    )
    for person, own, other in (
        (outage.riya, outage.riya_ticket, outage.sam_ticket),
        (outage.sam, outage.sam_ticket, outage.riya_ticket),
    ):
        api = ApiClient(person)
        listed = api.get("/incidents").json()
        assert [row["id"] for row in listed["results"]] == [incident.pk]
        detail = api.get(f"/incidents/{incident.pk}")
        text = detail.content.decode()
        assert [child["reference"] for child in detail.json()["children"]] == [own.reference]
        assert other.reference not in text
        assert other.title not in text
        assert other.institution.name not in text
        assert api.post(f"/incidents/{incident.pk}/updates", {"body": "x"}).status_code == 403


def test_an_unaffected_institution_does_not_find_the_incident(
    outage: Outage, incident: MajorIncident
) -> None:
    api = ApiClient(outage.southbank_admin)
    assert api.get("/incidents").json()["count"] == 0
    assert api.get(f"/incidents/{incident.pk}").status_code == 404
    assert api.post(f"/incidents/{incident.pk}/resolution", {"resolution": "x"}).status_code == 404


def test_an_update_through_the_api_is_queued_once_per_person(
    outage: Outage, incident: MajorIncident
) -> None:
    ApiClient(outage.manager).post(f"/incidents/{incident.pk}/updates", {"body": "Restarting."})
    sent = OutboxMessage.objects.filter(event=NotificationEvent.INCIDENT_UPDATE)
    assert [message.recipient for message in sent] == [outage.riya]


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_list_and_an_incident_cost_the_same_queries_for_few_and_many(
    outage: Outage, incident: MajorIncident
) -> None:
    api = ApiClient(outage.manager)
    api.get("/me")  # a token's first use records it: not the list's cost
    few_list = _queries(lambda: api.get("/incidents"))
    few_detail = _queries(lambda: api.get(f"/incidents/{incident.pk}"))
    for n in range(5):
        declare_major_incident(
            actor=outage.manager, declaration=declaration(institutions=[outage.northfield])
        )
        attach_child(
            incident=incident,
            ticket=payment_ticket(outage.sam, f"Payment {n} refused"),
            actor=outage.manager,
        )
    assert _queries(lambda: api.get("/incidents")) == few_list
    assert _queries(lambda: api.get(f"/incidents/{incident.pk}")) == few_detail


def _declare_by(api: ApiClient, outage: Outage, resolve_by: str) -> Any:
    """Declare for Northfield with the resolution target ``resolve_by``."""
    payload = {**DECLARATION, "institutions": [outage.northfield.pk], "resolve_by": resolve_by}
    return api.post("/incidents", payload)


def test_declare_with_a_resolution_target_and_move_it(outage: Outage, time_machine: Any) -> None:
    api = ApiClient(outage.manager)
    declared = _declare_by(api, outage, "2025-04-07T13:00:00Z")
    assert declared.status_code == 201, declared.json()
    incident = declared.json()
    assert incident["resolve_by"] == "2025-04-07T13:00:00Z"
    assert (incident["resolve_missed_at"], incident["resolve_overdue"]) == (None, False)
    path = f"/incidents/{incident['id']}/resolve-by"

    time_machine.move_to(T0 + timedelta(hours=3), tick=False)
    flag_missed_resolutions()
    overdue = api.get(f"/incidents/{incident['id']}").json()
    assert overdue["resolve_overdue"] is True
    assert overdue["resolve_missed_at"] == "2025-04-07T13:40:00Z"

    moved = api.post(path, {"resolve_by": "2025-04-07T18:00:00Z", "reason": "Vendor ETA 18:00."})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["resolve_by"] == "2025-04-07T18:00:00Z"
    assert (moved.json()["resolve_missed_at"], moved.json()["resolve_overdue"]) == (None, False)


def test_a_resolution_target_before_the_start_is_refused_on_its_field(outage: Outage) -> None:
    answer = _declare_by(ApiClient(outage.manager), outage, "2025-04-07T10:00:00Z")
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["resolve_by"]
    assert not MajorIncident.objects.exists()


def test_moving_the_target_names_each_wrong_field_and_is_for_handlers(
    outage: Outage, incident: MajorIncident
) -> None:
    path = f"/incidents/{incident.pk}/resolve-by"
    wrong = ApiClient(outage.manager).post(path, {"resolve_by": "soon", "reason": ""})
    assert wrong.status_code == 422
    assert {error["field"] for error in wrong.json()["errors"]} == {"resolve_by", "reason"}
    past = ApiClient(outage.manager).post(
        path, {"resolve_by": "2025-04-07T10:50:00Z", "reason": "Sooner."}
    )
    assert past.status_code == 422
    assert past.json()["errors"][0]["field"] == "resolve_by"
    refused = ApiClient(factories.agent()).post(
        path, {"resolve_by": "2025-04-07T18:00:00Z", "reason": "Later."}
    )
    assert refused.status_code == 403
