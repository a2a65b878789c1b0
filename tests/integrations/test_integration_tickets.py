"""An integration ticket's work: its integration and contacts, the trace of the failing
transaction and the vendor hand-off, through the services, the API, the desk page and
the workflow panel."""

import pytest
from django.test import Client

from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.integrations.choices import IntegrationTicketEventKind
from hypercare.integrations.models import ContactRequest, TransactionTrace
from hypercare.integrations.services import ask_contact, record_trace
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution, Integration, IntegrationContact
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in


@pytest.fixture
def gateway(institution: Institution) -> Integration:
    return factories.integration(institution, kind="payment", name="Fee gateway")


@pytest.fixture
def vendor(gateway: Integration) -> IntegrationContact:
    return IntegrationContact.objects.create(
        integration=gateway,
        name="Priya Nair",
        email="priya@paygate.example",
        organisation="PayGate",
    )


@pytest.fixture
def failing(requester: User, gateway: Integration) -> Ticket:
    return factories.ticket(
        requester,
        category=Category.INTEGRATION,
        category_details={"integration_id": gateway.pk, "transaction_reference": "PAY-7781"},
    )


def test_a_trace_takes_the_intake_reference_by_default_and_is_internal(
    failing: Ticket, agent: User
) -> None:
    trace = record_trace(
        ticket=failing, actor=agent, transaction_reference="", finding="Stopped at the bank."
    )
    assert (trace.transaction_reference, trace.traced_by) == ("PAY-7781", agent)
    event = failing.events.get(kind=IntegrationTicketEventKind.TRANSACTION_TRACED)
    assert (event.is_internal, event.new_value, event.body) == (
        True,
        "PAY-7781",
        "Stopped at the bank.",
    )


def test_asking_a_contact_mails_them_in_the_tickets_thread(
    failing: Ticket, agent: User, vendor: IntegrationContact
) -> None:
    ask_contact(ticket=failing, actor=agent, contact=vendor, message="Is PAY-7781 with you?")

    mail = OutboxMessage.objects.get(event=NotificationEvent.INTEGRATION_CONTACT_ASKED)
    assert (mail.to_email, mail.ticket_id) == ("priya@paygate.example", failing.pk)
    assert mail.subject == f"[{failing.reference}] Fee gateway: {failing.title}"
    assert "Is PAY-7781 with you?" in mail.body
    event = failing.events.get(kind=IntegrationTicketEventKind.CONTACT_ASKED)
    assert event.is_internal
    assert event.new_value == "Priya Nair (PayGate) <priya@paygate.example>"


def test_only_the_tickets_integrations_contacts_with_an_address_are_asked(
    failing: Ticket, agent: User, institution: Institution, gateway: Integration
) -> None:
    other = factories.integration(institution, name="SMS gateway")
    stranger = IntegrationContact.objects.create(integration=other, name="SMS", email="s@x.example")
    no_mail = IntegrationContact.objects.create(integration=gateway, name="Ops", phone="+44 1")
    for contact, problem in (
        (stranger, "is not a contact of this ticket's integration"),
        (no_mail, "has no email address: call +44 1"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            ask_contact(ticket=failing, actor=agent, contact=contact, message="Hello")
        assert refused.value.errors == {"contact": problem}
    assert not OutboxMessage.objects.filter(event=NotificationEvent.INTEGRATION_CONTACT_ASKED)


def test_only_support_staff_work_only_an_open_integration_ticket(
    failing: Ticket, agent: User, requester: User
) -> None:
    with pytest.raises(NotAllowed):
        record_trace(ticket=failing, actor=requester, transaction_reference="", finding="x")
    question = factories.ticket(requester)
    with pytest.raises(InvalidTransition):
        record_trace(ticket=question, actor=agent, transaction_reference="A", finding="x")
    Ticket.objects.filter(pk=failing.pk).update(status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        record_trace(ticket=failing, actor=agent, transaction_reference="", finding="x")


def test_the_workflow_goes_from_trace_to_hand_off_to_waiting_for_the_vendor(
    failing: Ticket, agent: User, vendor: IntegrationContact
) -> None:
    where = workflows.progress(failing)
    assert (where.step, where.waiting_for) == (
        "failing_transaction",
        "Waiting for support to trace the failing transaction PAY-7781.",
    )
    assert where.taken == ("Integration: Fee gateway.",)

    record_trace(ticket=failing, actor=agent, transaction_reference="", finding="At the bank.")
    assert workflows.progress(failing).step == "vendor_hand_off"

    ask_contact(ticket=failing, actor=agent, contact=vendor, message="Please check.")
    where = workflows.progress(failing)
    assert (where.step, where.waiting_for) == ("", "Waiting for PayGate to answer.")
    assert "priya@" not in " ".join(where.taken)

    change_status(ticket=failing, actor=agent, status=Status.RESOLVED, reason="Bank fixed it.")
    failing.refresh_from_db()
    assert workflows.progress(failing).waiting_for == ""


def test_the_api_records_a_trace_and_asks_a_contact(
    failing: Ticket, agent: User, vendor: IntegrationContact
) -> None:
    client = ApiClient(agent)
    base = f"/tickets/{failing.reference}/integration"
    traced = client.post(f"{base}/traces", {"finding": "At the bank."})
    assert traced.status_code == 201
    assert traced.json()["transaction_reference"] == "PAY-7781"
    empty = client.post(f"{base}/traces", {"finding": ""})
    assert empty.status_code == 422
    asked = client.post(
        f"{base}/contact-requests", {"contact_id": vendor.pk, "message": "Please check."}
    )
    assert asked.status_code == 201
    assert asked.json()["to_email"] == "priya@paygate.example"
    unknown = client.post(f"{base}/contact-requests", {"contact_id": 99999, "message": "Hi"})
    assert unknown.status_code == 422
    work = client.get(base).json()
    assert work["integration"]["name"] == "Fee gateway"
    assert [contact["name"] for contact in work["contacts"]] == ["Priya Nair"]
    assert (len(work["traces"]), len(work["requests"])) == (1, 1)


def test_the_desk_page_shows_the_contacts_and_takes_a_trace_and_a_question(
    failing: Ticket, agent: User, vendor: IntegrationContact
) -> None:
    client: Client = signed_in(agent)
    page = client.get(f"/desk/tickets/{failing.pk}/").content.decode()
    assert "Priya Nair" in page
    assert "priya@paygate.example" in page

    refused = client.post(f"/desk/tickets/{failing.pk}/integration/traces/", {"finding": ""})
    assert refused.status_code == 422
    assert 'id="id_trace-finding_error"' in refused.content.decode()

    client.post(f"/desk/tickets/{failing.pk}/integration/traces/", {"finding": "At the bank."})
    client.post(
        f"/desk/tickets/{failing.pk}/integration/ask/",
        {"contact": vendor.pk, "message": "Please check PAY-7781."},
    )
    assert TransactionTrace.objects.filter(ticket=failing).count() == 1
    assert ContactRequest.objects.get(ticket=failing).message == "Please check PAY-7781."
    page = client.get(f"/desk/tickets/{failing.pk}/").content.decode()
    assert "Waiting for PayGate to answer." in page
