import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import NotificationTemplate, OutboxMessage
from hypercare.orgs.choices import Tier
from hypercare.orgs.models import Institution
from hypercare.sla.choices import ClockState
from hypercare.sla.models import SlaPolicy
from hypercare.tickets.models import RoutingRule, Ticket
from tests import factories
from tests.api.conftest import ApiClient

VALID = {
    "module": "fees",
    "category": "integration",
    "title": "Online fee payment not reflected",
    "description": "Students paid through the gateway but receipts are not generated.",
    "urgency": "high",
    "impact": "medium",
    "category_details": {},
}


def test_requester_creates_ticket_and_gets_reference(
    api_as: type[ApiClient], requester: User
) -> None:
    gateway = factories.integration(requester.institution)
    body = {
        **VALID,
        "category_details": {"integration_id": gateway.pk, "transaction_reference": "TXN-88"},
    }
    response = api_as(requester).post("/tickets", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("HC-")
    assert data["priority"] == "high"
    assert data["requester"]["username"] == requester.username
    assert Ticket.objects.get(pk=data["id"]).category_details["transaction_reference"] == "TXN-88"


def _open_gateway_ticket(api_as: type[ApiClient], requester: User) -> Ticket:
    gateway = factories.integration(requester.institution)
    details = {"integration_id": gateway.pk, "transaction_reference": "TXN-88"}
    body = {**VALID, "category_details": details}
    response = api_as(requester).post("/tickets", body)
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(pk=response.json()["id"])


def test_a_ticket_opens_with_the_built_in_notice_when_its_template_is_missing(
    api_as: type[ApiClient], requester: User, caplog: pytest.LogCaptureFixture
) -> None:
    NotificationTemplate.objects.filter(event=NotificationEvent.TICKET_RECEIVED).delete()

    with caplog.at_level(logging.WARNING, logger="hypercare.notifications"):
        ticket = _open_gateway_ticket(api_as, requester)

    message = OutboxMessage.objects.get(ticket=ticket)
    assert message.subject == f"[{ticket.reference}] We have your request: {ticket.title}"
    assert message.body.startswith(f'Hello Riya,\n\nWe have received your request "{ticket.title}"')
    assert "— Hypercare support desk" in message.body
    assert "The notification template ticket_received is missing" in caplog.text


def test_a_ticket_opens_without_clocks_when_the_default_sla_policy_is_missing(
    api_as: type[ApiClient], requester: User
) -> None:
    SlaPolicy.objects.filter(is_default=True).delete()

    ticket = _open_gateway_ticket(api_as, requester)

    assert ticket.sla_policy is None
    assert ticket.first_response_state == ticket.resolution_state == ClockState.NO_TARGET


def test_requester_cannot_set_status_or_institution(
    api_as: type[ApiClient], requester: User, other_institution: Institution
) -> None:
    for extra in (
        {"status": "closed"},
        {"institution_id": other_institution.pk},
        {"assignee_id": 1},
    ):
        response = api_as(requester).post("/tickets", {**VALID, **extra})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == next(iter(extra))
    assert Ticket.objects.count() == 0


def test_unknown_query_parameter_is_refused(api_as: type[ApiClient], agent: User) -> None:
    response = api_as(agent).get("/tickets", {"order_by": "requester__password"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "order_by", "message": "is not a known query parameter"}
    ]


def test_anonymous_gets_401(api_as: type[ApiClient]) -> None:
    response = api_as(None).get("/tickets")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_outsider_gets_404_for_other_institutions_ticket(
    api_as: type[ApiClient], requester: User, outsider: User
) -> None:
    ticket = factories.ticket(requester)
    assert api_as(outsider).get(f"/tickets/{ticket.pk}").status_code == 404
    assert api_as(outsider).get(f"/tickets/{ticket.reference}").status_code == 404
    assert api_as(requester).get(f"/tickets/{ticket.reference}").status_code == 200


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_list_filters_sort_and_paginate(
    api_as: type[ApiClient], requester: User, agent: User
) -> None:
    low = factories.ticket(requester, urgency="low", impact="low", title="Library fine wrong")
    critical = factories.ticket(requester, urgency="high", impact="high", title="Payroll down")
    factories.ticket(requester, urgency="medium", impact="medium", title="Hostel report slow")
    client = api_as(agent)

    page = client.get("/tickets", {"sort": "priority", "page_size": 2}).json()
    assert page["count"] == 3
    assert [t["id"] for t in page["results"]] == [critical.pk, page["results"][1]["id"]]
    assert len(page["results"]) == 2
    second = client.get("/tickets", {"sort": "priority", "page_size": 2, "page": 2}).json()
    assert [t["id"] for t in second["results"]] == [low.pk]

    only_low = client.get("/tickets", {"priority": "low"}).json()
    assert [t["id"] for t in only_low["results"]] == [low.pk]
    both = client.get("/tickets?priority=low&priority=critical").json()
    assert {t["id"] for t in both["results"]} == {low.pk, critical.pk}
    found = client.get("/tickets", {"text": "payroll"}).json()
    assert [t["id"] for t in found["results"]] == [critical.pk]


def test_bad_filter_values_name_the_field(api_as: type[ApiClient], agent: User) -> None:
    for params, field in (
        ({"status": "sleeping"}, "status.0"),
        ({"sort": "password"}, "sort"),
        ({"page_size": 1000}, "page_size"),
        ({"team": "abc"}, "team"),
    ):
        response = api_as(agent).get("/tickets", params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] == field


def test_reply_note_and_timeline_visibility(
    api_as: type[ApiClient], requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    assert (
        api_as(agent)
        .post(f"/tickets/{ticket.pk}/notes", {"body": "Check gateway logs"})
        .status_code
        == 201
    )
    assert (
        api_as(agent).post(f"/tickets/{ticket.pk}/replies", {"body": "Looking into it"}).status_code
        == 201
    )

    agent_view = [e["kind"] for e in api_as(agent).get(f"/tickets/{ticket.pk}/events").json()]
    requester_view = api_as(requester).get(f"/tickets/{ticket.pk}/events").json()
    assert "internal_note" in agent_view
    # The first reply takes the New ticket into work: an owner, then In progress.
    kinds = ["created", "public_reply", "assigned", "status_changed"]
    assert [e["kind"] for e in requester_view] == kinds
    assert all("gateway logs" not in e["body"] for e in requester_view)


def test_a_reply_can_set_the_status_in_the_same_request(
    api_as: type[ApiClient], requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    payload = {"body": "Which campus?", "status": "waiting_on_requester"}
    assert api_as(agent).post(f"/tickets/{ticket.pk}/replies", payload).status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == "waiting_on_requester"
    refused = api_as(requester).post(f"/tickets/{ticket.pk}/replies", payload)
    assert refused.status_code == 403


def test_taking_a_ticket_above_your_tier_asks_for_confirm(
    api_as: type[ApiClient], requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    Ticket.objects.filter(pk=ticket.pk).update(tier=Tier.TECHNICAL)
    asked = api_as(agent).post(f"/tickets/{ticket.pk}/take", {})
    assert asked.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    taken = api_as(agent).post(f"/tickets/{ticket.pk}/take?confirm=true", {})
    assert taken.status_code == 200
    assert taken.json()["status"] == "triaged"
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk


def test_requester_cannot_add_internal_note_or_assign(
    api_as: type[ApiClient], requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    client = api_as(requester)
    assert client.post(f"/tickets/{ticket.pk}/notes", {"body": "x"}).status_code == 403
    response = client.post(f"/tickets/{ticket.pk}/assignee", {"assignee_id": agent.pk})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_status_transition_and_invalid_one(
    api_as: type[ApiClient], requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    client = api_as(agent)
    response = client.post(f"/tickets/{ticket.pk}/status", {"status": "triaged"})
    assert response.status_code == 200
    assert response.json()["assignee"]["username"] == agent.username
    refused = client.post(f"/tickets/{ticket.pk}/status", {"status": "closed"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict"
    ticket.refresh_from_db()
    assert ticket.status == "triaged"


def test_assign_priority_tier_via_api(
    api_as: type[ApiClient], requester: User, agent: User, tier2_agent: User
) -> None:
    ticket = factories.ticket(requester)
    client = api_as(agent)
    assert (
        client.post(f"/tickets/{ticket.pk}/assignee", {"assignee_id": tier2_agent.pk}).json()[
            "assignee"
        ]["username"]
        == tier2_agent.username
    )
    no_reason = client.post(
        f"/tickets/{ticket.pk}/priority", {"priority": "critical", "reason": ""}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    raised = client.post(
        f"/tickets/{ticket.pk}/priority", {"priority": "critical", "reason": "Payroll day"}
    ).json()
    assert raised["priority"] == "critical"
    assert raised["priority_overridden"] is True
    consultants = factories.team("Finance consultants", tier=Tier.FUNCTIONAL)
    RoutingRule.objects.create(team=consultants, tier=Tier.FUNCTIONAL, for_new_tickets=False)
    without_handover = client.post(f"/tickets/{ticket.pk}/tier", {"tier": 2, "note": "Config"})
    assert without_handover.status_code == 422
    assert {error["field"] for error in without_handover.json()["errors"]} == {
        "handover.tried",
        "handover.findings",
        "handover.needed",
    }
    handover = {"tried": "Reprinted", "findings": "Template broken", "needed": "Config fix"}
    tiered = client.post(f"/tickets/{ticket.pk}/tier", {"tier": 2, "handover": handover})
    assert (tiered.json()["tier"], tiered.json()["team"]["id"]) == (2, consultants.pk)


def test_attachment_upload_download_and_isolation(
    api_as: type[ApiClient], requester: User, outsider: User
) -> None:
    ticket = factories.ticket(requester)
    uploaded = api_as(requester).upload(f"/tickets/{ticket.pk}/attachments", "error.png", _png())
    assert uploaded.status_code == 201, uploaded.json()
    meta = uploaded.json()
    assert meta["content_type"] == "image/png"

    download = api_as(requester).get(meta["download_url"].removeprefix("/api/v1"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == _png()
    assert download["Content-Type"] == "image/png"

    assert api_as(outsider).get(meta["download_url"].removeprefix("/api/v1")).status_code == 404
    assert api_as(outsider).get(f"/attachments/{meta['id']}").status_code == 404


def test_svg_upload_refused_with_field_message(api_as: type[ApiClient], requester: User) -> None:
    ticket = factories.ticket(requester)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = api_as(requester).upload(f"/tickets/{ticket.pk}/attachments", "shot.png", svg)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert ticket.attachments.count() == 0


UNKNOWN = "is not a field you can set here"
TWICE = "is given more than once"


def _upload(name: str = "more.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _png())


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        (lambda: {"colour": "red"}, {"colour": UNKNOWN}),
        (lambda: {"internal": "false", "note": "hi"}, {"note": UNKNOWN}),
        (lambda: {"screenshot": _upload()}, {"screenshot": UNKNOWN}),
        (lambda: {"file": [_upload(), _upload("other.png")]}, {"file": TWICE}),
        (lambda: {"internal": ["false", "true"]}, {"internal": TWICE}),
    ],
    ids=["form field", "beside internal", "file", "two files", "internal twice"],
)
def test_unknown_or_repeated_multipart_fields_are_refused_naming_them(
    api_as: type[ApiClient],
    requester: User,
    fields: Callable[[], dict[str, Any]],
    refused: dict[str, str],
) -> None:
    ticket = factories.ticket(requester)

    response = api_as(requester).upload(
        f"/tickets/{ticket.pk}/attachments", "shot.png", _png(), **fields()
    )

    assert response.status_code == 422
    assert {e["field"]: e["message"] for e in response.json()["errors"]} == refused
    assert ticket.attachments.count() == 0


def test_malformed_json_and_huge_ids_are_4xx(api_as: type[ApiClient], agent: User) -> None:
    client = api_as(agent)
    raw = client._client.post(
        "/api/v1/tickets", "{not json", content_type="application/json", headers=client._headers
    )
    assert 400 <= raw.status_code < 500
    assert client.get(f"/tickets/{10**30}").status_code == 404
    assert client.get(f"/attachments/{10**30}").status_code == 422


def test_agent_creates_for_requester_needs_institution(
    api_as: type[ApiClient], agent: User, requester: User
) -> None:
    body = {**VALID, "category": "question", "category_details": {"screen_or_report": "Fee ledger"}}
    missing = api_as(agent).post("/tickets", body)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "institution_id"
    created = api_as(agent).post(
        "/tickets",
        {
            **body,
            "institution_id": requester.institution_id,
            "requester_id": requester.pk,
            "channel": "phone",
        },
    )
    assert created.status_code == 201
    assert created.json()["reported_by"]["username"] == agent.username
    assert created.json()["channel"] == "phone"


QUESTION = {**VALID, "category": "question", "category_details": {"screen_or_report": "Ledger"}}


@pytest.mark.parametrize("persona", ["requester", "key_user"])
@pytest.mark.parametrize("channel", ["api", "phone"])
def test_institution_users_cannot_choose_the_channel(
    api_as: type[ApiClient], request: pytest.FixtureRequest, persona: str, channel: str
) -> None:
    response = api_as(request.getfixturevalue(persona)).post(
        "/tickets", {**QUESTION, "channel": channel}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "channel", "message": "is not a field you can set"}
    ]
    assert not Ticket.objects.exists()


def test_a_ticket_opened_through_the_api_came_in_by_api(
    api_as: type[ApiClient], requester: User
) -> None:
    response = api_as(requester).post("/tickets", QUESTION)

    assert response.status_code == 201
    assert response.json()["channel"] == "api"


@pytest.mark.parametrize("channel", ["phone", "walk_in", "chat", "email", "api"])
def test_support_staff_record_a_call_or_a_mail_they_log(
    api_as: type[ApiClient], agent: User, requester: User, channel: str
) -> None:
    body = {**QUESTION, "institution_id": requester.institution_id, "requester_id": requester.pk}

    response = api_as(agent).post("/tickets", {**body, "channel": channel})

    assert response.status_code == 201
    assert response.json()["channel"] == channel


def test_a_walk_in_logged_for_a_requester_says_so_on_their_timeline(
    api_as: type[ApiClient], agent: User, requester: User
) -> None:
    body = {**QUESTION, "institution_id": requester.institution_id, "requester_id": requester.pk}
    created = api_as(agent).post("/tickets", {**body, "channel": "walk_in"}).json()

    events = api_as(requester).get(f"/tickets/{created['reference']}/events").json()

    assert created["requester"]["username"] == requester.username
    opened = next(event for event in events if event["kind"] == "created")
    assert opened["actor"]["username"] == agent.username
    assert opened["old_value"] == requester.username


def test_support_staff_cannot_claim_a_ticket_came_through_the_portal(
    api_as: type[ApiClient], agent: User, requester: User
) -> None:
    body = {**QUESTION, "institution_id": requester.institution_id, "requester_id": requester.pk}

    response = api_as(agent).post("/tickets", {**body, "channel": "portal"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "channel"


def test_key_user_reports_for_colleague_but_requester_cannot(
    api_as: type[ApiClient], key_user: User, requester: User, colleague: User
) -> None:
    body = {
        **VALID,
        "category": "question",
        "category_details": {"screen_or_report": "Fee ledger"},
        "requester_id": colleague.pk,
    }
    assert api_as(key_user).post("/tickets", body).status_code == 201
    refused = api_as(requester).post("/tickets", body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "requester_id"


def test_category_details_errors_name_nested_field(
    api_as: type[ApiClient], requester: User
) -> None:
    gateway = factories.integration(requester.institution)
    response = api_as(requester).post(
        "/tickets", {**VALID, "category_details": {"integration_id": gateway.pk}}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "category_details.transaction_reference", "message": "Field required"}
    ]


def _question(**fields: str) -> dict[str, object]:
    return {
        **VALID,
        "category": "question",
        "category_details": {"screen_or_report": "Fee receipt"},
        **fields,
    }


def test_a_title_with_a_carriage_return_is_refused_naming_the_title(
    api_as: type[ApiClient], requester: User
) -> None:
    """A CR in a title once reached every notice's subject, and each one failed to send."""
    response = api_as(requester).post("/tickets", _question(title="Fees\rdown"))
    assert response.status_code == 422, response.json()
    assert "title" in {error["field"] for error in response.json()["errors"]}
    assert Ticket.objects.count() == 0


def test_a_nul_anywhere_in_the_text_is_refused_naming_the_field(
    api_as: type[ApiClient], requester: User
) -> None:
    client = api_as(requester)
    for field in ("description", "error_seen", "operational_impact"):
        response = client.post("/tickets", _question(**{field: "Blank page\x00"}))
        assert response.status_code == 422, response.json()
        assert field in {error["field"] for error in response.json()["errors"]}
    details = {"screen_or_report": "Fee\x00 receipt"}
    response = client.post("/tickets", _question() | {"category_details": details})
    assert response.status_code == 422
    assert "category_details.screen_or_report" in {e["field"] for e in response.json()["errors"]}
    assert Ticket.objects.count() == 0
