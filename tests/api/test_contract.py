"""The OpenAPI document declares the error answers each operation gives.

``tests/api/contract.py`` holds every answer the other tests see to the document; these
tests hold the document itself to the rules every operation follows.
"""

from collections.abc import Iterator
from http.client import responses as reason_phrases
from typing import Any

from hypercare.accounts.models import User
from tests.api.conftest import ApiClient
from tests.api.contract import ContractClient, document

WRITE_METHODS = {"post", "put", "patch", "delete"}


def operations() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in document()["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _validated(parameter: dict[str, Any]) -> bool:
    """A query parameter always; a path parameter unless any text will do (a reference)."""
    if parameter["in"] == "query":
        return True
    schema = parameter["schema"]
    return schema.get("type") != "string" or bool(set(schema) - {"title", "type"})


def _declared(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"]}


def test_every_operation_declares_401_and_422_for_its_input() -> None:
    missing = []
    for name, operation in operations():
        declared = _declared(operation)
        if operation.get("security") and 401 not in declared:
            missing.append(f"{name}: 401")
        has_input = "requestBody" in operation or any(map(_validated, operation["parameters"]))
        if has_input and 422 not in declared:
            missing.append(f"{name}: 422")
    assert missing == []


def test_every_operation_on_a_named_record_declares_404() -> None:
    missing = [
        name
        for name, operation in operations()
        if any(p["in"] == "path" for p in operation["parameters"])
        and 404 not in _declared(operation)
    ]
    assert missing == []


def test_every_write_declares_the_403_of_a_session_without_its_csrf_token() -> None:
    missing = [
        name
        for name, operation in operations()
        if name.split()[0].lower() in WRITE_METHODS
        and "CSRF" not in operation["responses"].get("403", {}).get("description", "")
    ]
    assert missing == []


def test_each_error_answer_says_when_it_happens_and_has_the_error_shape() -> None:
    vague = []
    for name, operation in operations():
        for status, answer in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = answer["content"]["application/json"]["schema"]
            if schema != {"$ref": "#/components/schemas/ErrorOut"}:
                vague.append(f"{name} {status}: {schema}")
            if answer["description"] == reason_phrases[int(status)]:
                vague.append(f"{name} {status}: {answer['description']}")
    assert vague == []


def test_the_document_describes_the_error_shape() -> None:
    error = document()["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["code", "message", "errors"]


def test_a_body_that_is_not_json_is_invalid_input(requester: User) -> None:
    client = ApiClient(requester)
    raw = client._client.post(
        "/api/v1/tokens", "{not json", content_type="application/json", headers=client._headers
    )
    assert raw.status_code == 422
    assert raw.json()["errors"] == [{"field": "body", "message": "is not valid JSON"}]


def test_a_caller_without_credentials_is_told_401_on_a_write_too(requester: User) -> None:
    """A write is checked for its CSRF token only once a session has signed someone in."""
    browser = ContractClient(enforce_csrf_checks=True)
    anonymous = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert anonymous.status_code == 401

    browser.force_login(requester)
    forged = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert forged.status_code == 403
    assert browser.get("/api/v1/me").status_code == 200
