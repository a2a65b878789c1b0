"""Requests generated from the OpenAPI document, valid and invalid, sent in-process.

Schemathesis derives requests for every operation from the document itself and sends
them to the WSGI application with a support manager's token: no answer may be a server
error, and every status code must be one the operation declares. Its examples and a few
fuzzed requests per operation keep the run short (its exhaustive coverage phase would
double it); the contract client (``contract.py``) checks the hand-written tests the same
way. Run with ``DATABASE_URL`` to send them to PostgreSQL.
"""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import status_code_conformance

from hypercare.accounts.choices import Role
from hypercare.accounts.services import issue_token
from hypercare.wsgi import application
from tests import factories
from tests.api.contract import document

SHORT_RUN = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(copy.deepcopy(document()), config=SHORT_RUN)
schema.app = application


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """The application keeps the test's database connection, as under Django's test client:
    closing it between requests would end the test's transaction (on PostgreSQL)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token_headers(db: None, connection_kept: None) -> dict[str, str]:
    """A support manager's token: they may call every operation."""
    manager = factories.agent(Role.SUPPORT_MANAGER, username="sofia")
    _, plain = issue_token(user=manager, name="generated requests")
    return {"Authorization": f"Bearer {plain}"}


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_get_declared_answers(case: Any, token_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=token_headers, checks=[not_a_server_error, status_code_conformance]
    )
