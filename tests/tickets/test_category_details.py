"""Each category asks its own questions at intake, checked against the ticket's institution."""

from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.orgs.models import Institution
from hypercare.tickets.category_details import DETAILS_BY_CATEGORY, validate_category_details
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from tests import factories

# Answers that need no other record; data correction and integration are built per test.
PLAIN_VALID: dict[str, dict[str, Any]] = {
    Category.QUESTION: {"screen_or_report": "Fee collection summary"},
    Category.CONFIGURATION: {
        "area": "workflow",
        "current_behaviour": "Two approvals for refunds",
        "wanted_behaviour": "One approval under 5,000",
    },
    Category.ACCESS: {"user": "a.kumar", "role": "Exam coordinator", "action": "add"},
    Category.INCIDENT: {"since": "2025-06-02T08:15:00+05:30", "users_affected": 40},
    Category.ENHANCEMENT: {"business_need": "Bulk print hall tickets", "proposed_solution": ""},
}
REQUIRED_TEXT: dict[str, list[str]] = {
    Category.QUESTION: ["screen_or_report"],
    Category.CONFIGURATION: ["current_behaviour", "wanted_behaviour"],
    Category.DATA_CORRECTION: ["records_affected", "correction_wanted"],
    Category.INTEGRATION: ["transaction_reference"],
    Category.ACCESS: ["user", "role"],
    Category.ENHANCEMENT: ["business_need"],
}


@pytest.fixture
def data_owner(institution: Institution) -> User:
    return factories.user(Role.DATA_OWNER, institution=institution, username="dora")


@pytest.fixture
def valid(institution: Institution, data_owner: User) -> dict[str, dict[str, Any]]:
    """Valid answers for every one of the seven categories at Northfield."""
    gateway = factories.integration(institution, name="Campus payment gateway")
    return {
        **PLAIN_VALID,
        Category.DATA_CORRECTION: {
            "records_affected": "Roll numbers 2301-2340",
            "correction_wanted": "Set section to B",
            "data_owner_id": data_owner.pk,
        },
        Category.INTEGRATION: {
            "integration_id": gateway.pk,
            "transaction_reference": "TXN-88231",
        },
    }


def _validate(category: str, details: Any, institution: Institution) -> dict[str, Any]:
    return validate_category_details(category=category, details=details, institution=institution)


def _errors(category: str, details: Any, institution: Institution) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        _validate(category, details, institution)
    return refused.value.errors


def test_every_category_has_its_own_questions() -> None:
    assert set(DETAILS_BY_CATEGORY) == set(Category.values)
    assert len({model.__name__ for model in DETAILS_BY_CATEGORY.values()}) == 7


@pytest.mark.parametrize("category", Category.values)
def test_valid_details_are_stored_as_json_on_the_ticket(
    requester: User, valid: dict[str, dict[str, Any]], category: str
) -> None:
    ticket = factories.ticket(requester, category=category, category_details=valid[category])
    stored = Ticket.objects.get(pk=ticket.pk).category_details
    assert stored == _validate(category, valid[category], ticket.institution)
    for key, value in valid[category].items():
        if key != "since":
            assert stored[key] == value


def test_incident_start_is_stored_as_an_iso_timestamp(institution: Institution) -> None:
    stored = _validate(Category.INCIDENT, PLAIN_VALID[Category.INCIDENT], institution)
    assert stored == {"since": "2025-06-02T08:15:00+05:30", "users_affected": 40}


def test_text_answers_are_stripped(institution: Institution) -> None:
    stored = _validate(Category.QUESTION, {"screen_or_report": "  Ledger  "}, institution)
    assert stored == {"screen_or_report": "Ledger"}


def test_optional_answer_may_be_left_out(institution: Institution) -> None:
    stored = _validate(Category.ENHANCEMENT, {"business_need": "Bulk print"}, institution)
    assert stored == {"business_need": "Bulk print", "proposed_solution": ""}


@pytest.mark.parametrize("category", Category.values)
def test_each_missing_answer_is_named(
    institution: Institution, valid: dict[str, dict[str, Any]], category: str
) -> None:
    required = [key for key in valid[category] if key != "proposed_solution"]
    for key in required:
        details = {k: v for k, v in valid[category].items() if k != key}
        assert f"category_details.{key}" in _errors(category, details, institution)


@pytest.mark.parametrize(
    ("category", "field"),
    [(category, field) for category, fields in REQUIRED_TEXT.items() for field in fields],
)
def test_blank_answer_is_refused(
    institution: Institution, valid: dict[str, dict[str, Any]], category: str, field: str
) -> None:
    details = {**valid[category], field: "   "}
    assert f"category_details.{field}" in _errors(category, details, institution)


@pytest.mark.parametrize("category", Category.values)
def test_extra_answer_is_refused(
    institution: Institution, valid: dict[str, dict[str, Any]], category: str
) -> None:
    details = {**valid[category], "favourite_colour": "blue"}
    assert set(_errors(category, details, institution)) == {"category_details.favourite_colour"}


def test_another_categorys_answers_are_refused(institution: Institution) -> None:
    errors = _errors(Category.INCIDENT, PLAIN_VALID[Category.QUESTION], institution)
    assert errors.keys() == {
        "category_details.since",
        "category_details.users_affected",
        "category_details.screen_or_report",
    }


@pytest.mark.parametrize("details", [None, [], "text", 3])
def test_details_that_are_not_an_object_are_refused(institution: Institution, details: Any) -> None:
    assert "category_details" in _errors(Category.QUESTION, details, institution)


@pytest.mark.parametrize(
    ("category", "field", "value"),
    [
        (Category.CONFIGURATION, "area", "colours"),
        (Category.ACCESS, "action", "grant-all"),
        (Category.INCIDENT, "since", "last tuesday"),
        (Category.INCIDENT, "users_affected", 0),
        (Category.INCIDENT, "users_affected", "many"),
        (Category.QUESTION, "screen_or_report", "x" * 2001),
    ],
)
def test_malformed_answer_is_refused(
    institution: Institution, category: str, field: str, value: Any
) -> None:
    details = {**PLAIN_VALID[category], field: value}
    assert f"category_details.{field}" in _errors(category, details, institution)


def test_integration_must_belong_to_the_tickets_institution(
    institution: Institution, other_institution: Institution
) -> None:
    theirs = factories.integration(other_institution, name="Southbank SMS")
    details = {"integration_id": theirs.pk, "transaction_reference": "TXN-1"}
    errors = _errors(Category.INTEGRATION, details, institution)
    assert set(errors) == {"category_details.integration_id"}
    assert (
        _validate(Category.INTEGRATION, details, other_institution)["integration_id"] == theirs.pk
    )


def test_unknown_integration_is_refused(institution: Institution) -> None:
    details = {"integration_id": 999_999, "transaction_reference": "TXN-1"}
    assert "category_details.integration_id" in _errors(Category.INTEGRATION, details, institution)


def _correction(owner_id: int) -> dict[str, Any]:
    return {"records_affected": "Roll 7", "correction_wanted": "Fix DOB", "data_owner_id": owner_id}


def test_data_owner_must_hold_the_data_owner_role(
    institution: Institution, requester: User
) -> None:
    errors = _errors(Category.DATA_CORRECTION, _correction(requester.pk), institution)
    assert set(errors) == {"category_details.data_owner_id"}


def test_data_owner_must_be_at_the_same_institution(
    institution: Institution, other_institution: Institution
) -> None:
    theirs = factories.user(Role.DATA_OWNER, institution=other_institution)
    errors = _errors(Category.DATA_CORRECTION, _correction(theirs.pk), institution)
    assert set(errors) == {"category_details.data_owner_id"}


def test_deactivated_data_owner_cannot_sign_off(institution: Institution, data_owner: User) -> None:
    data_owner.is_active = False
    data_owner.save()
    errors = _errors(Category.DATA_CORRECTION, _correction(data_owner.pk), institution)
    assert "category_details.data_owner_id" in errors


def test_support_agent_is_not_a_data_owner(institution: Institution, agent: User) -> None:
    errors = _errors(Category.DATA_CORRECTION, _correction(agent.pk), institution)
    assert "category_details.data_owner_id" in errors


def test_refused_details_open_no_ticket(requester: User, other_institution: Institution) -> None:
    theirs = factories.integration(other_institution)
    with pytest.raises(ValidationFailed):
        factories.ticket(
            requester,
            category=Category.INTEGRATION,
            category_details={"integration_id": theirs.pk, "transaction_reference": "T-1"},
        )
    assert not Ticket.objects.exists()


def test_incident_start_without_zone_is_read_in_the_institutions_zone(db: None) -> None:
    kolkata = factories.institution("Deccan University", slug="deccan", time_zone="Asia/Kolkata")
    stored = validate_category_details(
        category=Category.INCIDENT,
        details={"since": "2025-06-02T08:15:00", "users_affected": 3},
        institution=kolkata,
    )
    assert stored["since"] == "2025-06-02T08:15:00+05:30"
