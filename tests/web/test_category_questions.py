"""Each category's questions are asked in the words of one spec: form, API and mail."""

from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from hypercare.tickets.category_details import DETAILS_BY_CATEGORY, QUESTIONS
from hypercare.tickets.choices import Category
from hypercare.web.tickets.forms import CategoryQuestionsForm
from tests import factories


@pytest.mark.parametrize("category", Category.values)
def test_the_form_asks_the_specs_questions(
    category: str, institution: Institution, requester: User
) -> None:
    form = CategoryQuestionsForm(category=category, institution=institution, viewer=requester)
    asked = [
        (name, field.label, field.help_text, field.required) for name, field in form.fields.items()
    ]
    assert asked == [
        (question.name, question.label, question.help_text, question.required)
        for question in QUESTIONS[category]
    ]


@pytest.mark.parametrize("category", Category.values)
def test_the_api_validates_and_describes_with_the_specs_questions(category: str) -> None:
    properties = DETAILS_BY_CATEGORY[category].model_json_schema()["properties"]
    assert [(key, schema["title"]) for key, schema in properties.items()] == [
        (question.key, question.label) for question in QUESTIONS[category]
    ]


def test_the_openapi_document_lists_each_categorys_questions(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    answers = document["components"]["schemas"]["TicketCreateIn"]["properties"]["category_details"]
    titles = {
        schema["title"]: [prop["title"] for prop in schema["properties"].values()]
        for schema in answers["oneOf"]
    }
    assert titles["Integration details"] == [
        "Which connection is failing?",
        "Reference of a failing transaction",
    ]
    assert len(titles) == len(Category.values)


def test_a_record_question_is_named_after_its_record_and_stored_by_id(
    institution: Institution, requester: User
) -> None:
    gateway = factories.integration(institution, name="Campus Pay")
    form = CategoryQuestionsForm(
        {"details-integration": gateway.pk, "details-transaction_reference": "TXN-1"},
        category=Category.INTEGRATION,
        institution=institution,
        viewer=requester,
    )
    assert form.is_valid(), form.errors
    assert form.details() == {"integration_id": gateway.pk, "transaction_reference": "TXN-1"}
    assert form.field_for("category_details.integration_id") == "integration"


def test_the_received_mail_lists_the_answers_in_the_forms_words(
    institution: Institution, requester: User
) -> None:
    gateway = factories.integration(institution, name="Campus Pay")
    owner = factories.user(Role.DATA_OWNER, institution=institution, first_name="Dora")
    integration = factories.ticket(
        requester,
        category=Category.INTEGRATION,
        category_details={"integration_id": gateway.pk, "transaction_reference": "TXN-88231"},
    )
    correction = factories.ticket(
        requester,
        category=Category.DATA_CORRECTION,
        category_details={
            "records_affected": "Roll 7",
            "correction_wanted": "Fix the date of birth",
            "data_owner_id": owner.pk,
        },
    )

    def received(ticket: Any) -> str:
        message = OutboxMessage.objects.get(ticket=ticket, event=NotificationEvent.TICKET_RECEIVED)
        return message.body

    assert (
        "What you told us:\nWhich connection is failing?\n  Campus Pay\n"
        "Reference of a failing transaction\n  TXN-88231\n"
    ) in received(integration)
    assert "Who owns this data?\n  Dora" in received(correction)
