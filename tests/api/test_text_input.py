"""What text the API takes: its schemas refuse and describe what the services refuse.

A single line (a title, a name, a version) may hold no control character; a text body
only tabs and line breaks; NUL nowhere, so it never reaches PostgreSQL (which cannot
store it) from a body or a query string. These tests run on SQLite and, with
``DATABASE_URL``, on PostgreSQL.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib.text import BODY_PROBLEM, LINE_PROBLEM
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.api.contract import ContractClient, document

TICKET = {
    "module": "fees",
    "category": "question",
    "title": "Where is the fee ledger?",
    "description": "I cannot find the ledger report.",
    "urgency": "low",
    "impact": "low",
    "category_details": {"screen_or_report": "Fee ledger"},
}
ESCALATION = {
    "reason": "production_down",
    "problem_statement_confirmed": True,
    "business_impact": "Admissions cannot take payments.",
    "workaround": "impractical",
    "workaround_impractical_because": "Cash only.",
}
# method, path, body, the field refused, and how (None: any message).
CASES: list[tuple[str, str, dict[str, Any], str, str | None]] = [
    ("post", "/tickets", {**TICKET, "title": "Fees\x00"}, "title", LINE_PROBLEM),
    ("post", "/tickets", {**TICKET, "title": "Fees\r\nBcc: all"}, "title", LINE_PROBLEM),
    ("post", "/tickets", {**TICKET, "description": "a\x00b"}, "description", BODY_PROBLEM),
    ("post", "/tickets", {**TICKET, "action_attempted": "\x00"}, "action_attempted", BODY_PROBLEM),
    ("post", "/tickets", {**TICKET, "error_seen": "E\x1b[31m"}, "error_seen", BODY_PROBLEM),
    ("post", "/tickets", {**TICKET, "operational_impact": "\x00"}, "operational_impact", None),
    ("post", "/tickets", {**TICKET, "requester_erp_role": "a\nb"}, "requester_erp_role", None),
    ("post", "/tickets/1/replies", {"body": "Hello\x00"}, "body", BODY_PROBLEM),
    ("post", "/tickets/1/notes", {"body": "\x00"}, "body", BODY_PROBLEM),
    ("post", "/tickets/1/status", {"status": "triaged", "reason": "\x00"}, "reason", None),
    ("post", "/tickets/1/assignee", {"assignee_id": None, "reason": "\x00"}, "reason", None),
    ("post", "/tickets/1/priority", {"priority": "high", "reason": "Urgent\x00"}, "reason", None),
    (
        "post",
        "/tickets/1/category",
        {"category": "question", "category_details": {}, "reason": "\x00"},
        "reason",
        None,
    ),
    ("post", "/tickets/1/module", {"module": "fees", "reason": "\x00"}, "reason", None),
    ("post", "/tickets/1/tier", {"tier": 2, "handover": {"tried": "\x00"}}, "handover.tried", None),
    ("post", "/tickets/1/tier", {"tier": 1, "note": "\x00"}, "note", None),
    ("post", "/tickets/1/team", {"team_id": 1, "reason": "\x00"}, "reason", None),
    ("post", "/tokens", {"name": "ci\x00"}, "name", LINE_PROBLEM),
    ("post", "/tokens", {"name": "ci\nX-Evil: 1"}, "name", LINE_PROBLEM),
    ("post", "/releases", {"version": "2025.3\x00"}, "version", None),
    ("post", "/releases", {"version": "2025.3", "notes": "\x00"}, "notes", BODY_PROBLEM),
    ("post", "/tickets/1/escalations", {**ESCALATION, "details": "\x00"}, "details", None),
    (
        "post",
        "/tickets/1/escalations",
        {**ESCALATION, "business_impact": "\x00"},
        "business_impact",
        None,
    ),
    (
        "post",
        "/tickets/1/escalations",
        {**ESCALATION, "workaround_impractical_because": "\x00"},
        "workaround_impractical_because",
        None,
    ),
    ("post", "/tickets/1/escalations", {**ESCALATION, "milestone": "a\nb"}, "milestone", None),
    ("post", "/escalations/1/manager", {"manager_id": 1, "reason": "\x00"}, "reason", None),
    ("post", "/escalations/1/action-plan", {"action_plan": "\x00"}, "action_plan", None),
    (
        "post",
        "/escalations/1/communication-plan",
        {"mode": "email", "update_every_hours": 4, "attendees": "\x00"},
        "attendees",
        None,
    ),
    ("post", "/escalations/1/updates", {"body": "\x00"}, "body", None),
    ("post", "/escalations/1/level", {"level": 2, "reason": "\x00"}, "reason", None),
    ("post", "/escalations/1/de-escalation", {"agreed_by": "Riya\x00"}, "agreed_by", None),
]


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sofia")


@pytest.mark.parametrize(("method", "path", "body", "field", "problem"), CASES)
def test_control_characters_are_refused_naming_the_field(
    manager: User, method: str, path: str, body: dict[str, Any], field: str, problem: str | None
) -> None:
    response = getattr(ApiClient(manager), method)(path, body)

    assert response.status_code == 422, response.json()
    refused = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert field in refused
    assert problem is None or refused[field] == problem


def test_a_nul_in_the_search_text_is_refused(requester: User) -> None:
    response = ApiClient(requester).get("/tickets", {"text": "fee\x00"})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "text", "message": LINE_PROBLEM}]


def test_bodies_keep_their_line_breaks_and_lines_are_stripped(requester: User) -> None:
    body = {**TICKET, "title": "  Fee ledger  ", "description": "First line\n\tthen more"}

    response = ApiClient(requester).post("/tickets", body)

    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.description) == ("Fee ledger", "First line\n\tthen more")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return dict(document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    return schema


def _text_inputs(name: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every free-text string in an input schema, by its dotted name."""
    schema = _resolve(schema)
    for option in schema.get("anyOf", []):
        yield from _text_inputs(name, option)
    for key, value in schema.get("properties", {}).items():
        yield from _text_inputs(f"{name}.{key}", value)
    if "items" in schema:
        yield from _text_inputs(f"{name}[]", schema["items"])
    if schema.get("type") == "string" and not {"enum", "const", "format"} & set(schema):
        yield name, schema


def _operation_text_inputs() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            for parameter in operation["parameters"]:
                if parameter["in"] == "query":
                    yield from _text_inputs(f"{name} ?{parameter['name']}", parameter["schema"])
            for content in operation.get("requestBody", {}).get("content", {}).values():
                yield from _text_inputs(name, content["schema"])


def test_every_text_input_says_its_length_and_what_characters_it_refuses() -> None:
    loose = [
        name
        for name, schema in _operation_text_inputs()
        if "maxLength" not in schema or "pattern" not in schema
    ]
    assert loose == []


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("TicketCreateIn", "title"),
        ("TicketCreateIn", "description"),
        ("NoteIn", "body"),
        ("PriorityIn", "reason"),
        ("TokenIn", "name"),
        ("ReleaseCreateIn", "version"),
        ("EscalationRequestIn", "business_impact"),
        ("ActionPlanIn", "action_plan"),
        ("CommunicationPlanIn", "attendees"),
        ("UpdateIn", "body"),
        ("LevelIn", "reason"),
    ],
)
def test_required_text_may_not_be_blank(schema: str, field: str) -> None:
    assert document()["components"]["schemas"][schema]["properties"][field]["minLength"] == 1


@pytest.mark.parametrize(
    ("schema", "field", "rule"),
    [
        ("EscalationRequestIn", "milestone_date", "in the past"),
        ("DeEscalationIn", "agreed_at", "in the future"),
        ("AvailabilityIn", "out_of_office_until", "today or later"),
        ("ReleaseCreateIn", "version", "unique"),
    ],
)
def test_date_and_uniqueness_rules_are_described(schema: str, field: str, rule: str) -> None:
    properties = document()["components"]["schemas"][schema]["properties"]
    assert rule in properties[field]["description"]


@pytest.mark.parametrize("token", ["hc_ab\x00cd_secret", "hc_\x00", "hc_0123456789ab_\x00"])
def test_a_token_with_a_nul_is_a_bad_token(token: str, db: None) -> None:
    response = ContractClient().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
