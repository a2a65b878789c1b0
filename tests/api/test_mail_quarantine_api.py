"""The quarantine's endpoints: managers list, read, download and handle quarantined mail;
every answer is held to the OpenAPI document."""

from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage, Mailbox
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient
from tests.mail.quarantined import mailbox, quarantined, raw_mail

# Token authentication's two queries, the count, then the page with its mailboxes.
LIST_QUERIES = 2 + 2


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


@pytest.fixture
def support(db: None) -> Mailbox:
    return mailbox("Support")


def test_a_manager_lists_the_quarantine_with_reason_sender_subject_and_mailbox(
    manager: User, support: Mailbox
) -> None:
    message = quarantined(mailbox=support, reason="unknown sender")

    answer = ApiClient(manager).get("/mail/quarantine")

    assert answer.status_code == 200
    assert answer.json()["count"] == 1
    row = answer.json()["results"][0]
    assert row["id"] == message.pk
    assert (row["reason"], row["sender"], row["subject"]) == (
        "unknown sender",
        "stranger@elsewhere.example",
        "Fee receipt prints blank",
    )
    assert row["mailbox"]["name"] == "Support"


def test_the_list_filters_and_pages(manager: User, support: Mailbox) -> None:
    for number in range(3):
        quarantined(number=number, mailbox=support, reason="unknown sender")
    quarantined(number=9, reason="could not be read")
    client = ApiClient(manager)

    boxed = client.get("/mail/quarantine", {"mailbox": support.pk, "page_size": 2})
    unread = client.get("/mail/quarantine", {"reason": "READ"})

    assert boxed.json()["count"] == 3
    assert len(boxed.json()["results"]) == 2
    assert [row["reason"] for row in unread.json()["results"]] == ["could not be read"]


def test_an_unknown_filter_is_refused_by_name(manager: User) -> None:
    answer = ApiClient(manager).get("/mail/quarantine", {"sender": "x"})

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "sender"


def test_the_list_costs_the_same_queries_for_2_and_30_messages(
    manager: User, support: Mailbox, django_assert_num_queries: Any
) -> None:
    client = ApiClient(manager)
    client.get("/mail/quarantine")
    for number in range(2):
        quarantined(number=number, mailbox=support)
    with django_assert_num_queries(LIST_QUERIES):
        few = client.get("/mail/quarantine")
    for number in range(2, 30):
        quarantined(number=number, mailbox=support)
    with django_assert_num_queries(LIST_QUERIES):
        many = client.get("/mail/quarantine")

    assert len(few.json()["results"]) == 2
    assert len(many.json()["results"]) == 30


def test_the_detail_shows_the_text_and_attachments(manager: User) -> None:
    raw = raw_mail(body="Receipt 42 is blank.", attachment=("receipt.pdf", b"%PDF-1.4"))
    message = quarantined(raw=raw)

    answer = ApiClient(manager).get(f"/mail/messages/{message.pk}")

    assert answer.status_code == 200
    body = answer.json()
    assert "Receipt 42 is blank." in body["text"]
    assert body["attachments"] == [
        {"filename": "receipt.pdf", "content_type": "application/pdf", "size": 8, "inline": False}
    ]
    assert body["actions"] == []


def test_the_raw_message_downloads_as_it_arrived(manager: User) -> None:
    raw = raw_mail()
    message = quarantined(raw=raw)

    answer = ApiClient(manager).get(f"/mail/messages/{message.pk}/raw")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "message/rfc822"
    assert answer["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'
    assert answer.content == raw


def test_discarding_is_recorded_and_shown(manager: User) -> None:
    message = quarantined()
    client = ApiClient(manager)

    answer = client.post(f"/mail/messages/{message.pk}/discard", {"reason": "Newsletter"})

    assert answer.status_code == 200
    assert answer.json()["status"] == "discarded"
    [action] = answer.json()["actions"]
    assert (action["step"], action["actor"]["username"], action["note"]) == (
        "discard",
        "meera",
        "Newsletter",
    )
    assert client.get("/mail/quarantine").json()["count"] == 0


def test_discarding_without_a_reason_names_the_field(manager: User) -> None:
    message = quarantined()

    answer = ApiClient(manager).post(f"/mail/messages/{message.pk}/discard", {"reason": ""})

    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["reason"]
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED


def test_discarding_twice_is_a_conflict(manager: User) -> None:
    message = quarantined()
    client = ApiClient(manager)
    client.post(f"/mail/messages/{message.pk}/discard", {"reason": "Spam"})

    again = client.post(f"/mail/messages/{message.pk}/discard", {"reason": "Spam"})

    assert again.status_code == 409


def test_an_agent_who_is_not_a_manager_finds_nothing(db: None) -> None:
    message = quarantined()
    client = ApiClient(factories.agent(Role.TIER2))

    assert client.get("/mail/quarantine").status_code == 404
    assert client.get(f"/mail/messages/{message.pk}").status_code == 404
    assert client.get(f"/mail/messages/{message.pk}/raw").status_code == 404


def test_attaching_to_a_ticket_by_its_reference(manager: User, requester: User) -> None:
    ticket = factories.ticket(requester)
    message = quarantined(raw=raw_mail(sender=requester.email, body="Still blank."))

    answer = ApiClient(manager).post(
        f"/mail/messages/{message.pk}/attach", {"ticket": ticket.reference}
    )

    assert answer.status_code == 200
    assert answer.json()["status"] == "reply_added"
    assert answer.json()["ticket_reference"] == ticket.reference
    assert answer.json()["actions"][0]["ticket_reference"] == ticket.reference


def test_attaching_to_no_ticket_names_the_field(manager: User) -> None:
    message = quarantined()

    answer = ApiClient(manager).post(f"/mail/messages/{message.pk}/attach", {"ticket": "HC-999"})

    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["ticket"]


def test_opening_a_ticket_for_a_person_of_the_institution(manager: User, requester: User) -> None:
    assert requester.institution is not None
    factories.module(requester.institution)
    message = quarantined()
    body = {"institution_id": requester.institution_id, "requester_id": requester.pk}

    answer = ApiClient(manager).post(f"/mail/messages/{message.pk}/open-ticket", body)

    assert answer.status_code == 200
    assert answer.json()["status"] == "ticket_opened"
    assert answer.json()["actions"][0]["step"] == "open_ticket"


def test_opening_a_ticket_for_someone_elsewhere_names_the_field(
    manager: User, outsider: User, institution: Institution
) -> None:
    message = quarantined()
    body = {"institution_id": institution.pk, "requester_id": outsider.pk}

    answer = ApiClient(manager).post(f"/mail/messages/{message.pk}/open-ticket", body)

    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["requester_id"]


def test_retrying_records_the_retry(manager: User) -> None:
    message = quarantined()

    answer = ApiClient(manager).post(f"/mail/messages/{message.pk}/retry")

    assert answer.status_code == 200
    assert [action["step"] for action in answer.json()["actions"]] == ["retry"]
