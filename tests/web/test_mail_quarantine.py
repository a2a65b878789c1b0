"""The quarantine's pages in the workspace: what a manager sees and does there."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.mail.choices import InboundStatus, QuarantineStep
from hypercare.mail.models import InboundMessage, QuarantineAction
from tests import factories
from tests.mail.quarantined import mailbox, quarantined, raw_mail
from tests.web.conftest import signed_in


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


@pytest.fixture
def manager_client(manager: User) -> Client:
    return signed_in(manager)


def test_the_list_shows_reason_sender_subject_mailbox_and_when(manager_client: Client) -> None:
    quarantined(mailbox=mailbox("Support"), reason="the sender belongs to no institution")

    page = manager_client.get("/desk/mail/quarantine/")

    assert page.status_code == 200
    html = page.content.decode()
    for shown in (
        "the sender belongs to no institution",
        "stranger@elsewhere.example",
        "Fee receipt prints blank",
        "Support",
    ):
        assert shown in html
    assert "<time datetime=" in html


def test_the_list_filters_by_reason_and_mailbox(manager_client: Client) -> None:
    support = mailbox("Support")
    quarantined(number=1, subject="Unreadable one", reason="could not be read")
    quarantined(number=2, subject="Boxed one", mailbox=support, reason="unknown sender")

    by_reason = manager_client.get("/desk/mail/quarantine/", {"reason": "could not"})
    by_mailbox = manager_client.get("/desk/mail/quarantine/", {"mailbox": support.pk})

    assert "Unreadable one" in by_reason.content.decode()
    assert "Boxed one" not in by_reason.content.decode()
    assert "Boxed one" in by_mailbox.content.decode()
    assert "Unreadable one" not in by_mailbox.content.decode()


def test_the_list_is_paged(manager_client: Client) -> None:
    for number in range(51):
        quarantined(number=number, subject=f"Message {number}")

    first = manager_client.get("/desk/mail/quarantine/").content.decode()
    second = manager_client.get("/desk/mail/quarantine/", {"page": 2}).content.decode()

    assert first.count('id="message-') == 50
    assert second.count('id="message-') == 1
    assert "Page 2 of 2" in second


def test_the_message_page_shows_its_text_escaped_and_its_attachments(
    manager_client: Client,
) -> None:
    raw = raw_mail(body="<script>alert(1)</script> Receipt 42", attachment=("r.pdf", b"%PDF"))
    message = quarantined(raw=raw)

    html = manager_client.get(f"/desk/mail/messages/{message.pk}/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; Receipt 42" in html
    assert "<script>alert(1)" not in html
    assert "r.pdf" in html
    assert f"/desk/mail/messages/{message.pk}/raw/" in html


def test_the_raw_message_downloads_with_a_safe_name(manager_client: Client) -> None:
    raw = raw_mail(subject='../../etc/passwd"; x=')
    message = quarantined(raw=raw)

    answer = manager_client.get(f"/desk/mail/messages/{message.pk}/raw/")

    assert answer["Content-Type"] == "message/rfc822"
    assert answer["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'
    assert answer.content == raw


def test_discarding_from_the_page_records_it(manager_client: Client, manager: User) -> None:
    message = quarantined()

    answer = manager_client.post(
        f"/desk/mail/messages/{message.pk}/discard/", {"reason": "A newsletter"}, follow=True
    )

    assert answer.status_code == 200
    assert InboundMessage.objects.get().status == InboundStatus.DISCARDED
    action = QuarantineAction.objects.get()
    assert (action.step, action.actor, action.note) == (
        QuarantineStep.DISCARD,
        manager,
        "A newsletter",
    )
    assert "A newsletter" in answer.content.decode()
    assert "Meera" in answer.content.decode() or "meera" in answer.content.decode()


def test_discarding_without_a_reason_shows_the_error_by_its_field(manager_client: Client) -> None:
    message = quarantined()

    answer = manager_client.post(f"/desk/mail/messages/{message.pk}/discard/", {"reason": ""})

    assert answer.status_code == 422
    assert 'id="id_reason_error"' in answer.content.decode()
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED


def test_an_unknown_action_is_not_found(manager_client: Client) -> None:
    message = quarantined()

    assert manager_client.post(f"/desk/mail/messages/{message.pk}/explode/").status_code == 404


def test_managers_see_the_count_in_the_navigation(manager_client: Client) -> None:
    quarantined(number=1)
    quarantined(number=2)

    html = manager_client.get("/desk/mail/quarantine/").content.decode()

    assert '<span class="count" data-quarantine-count>2</span>' in html


def test_agents_who_are_not_managers_see_no_quarantine(agent_client: Client) -> None:
    message = quarantined()

    assert "data-quarantine-count" not in agent_client.get("/desk/").content.decode()
    assert agent_client.get("/desk/mail/quarantine/").status_code == 404
    assert agent_client.get(f"/desk/mail/messages/{message.pk}/").status_code == 404


def test_attaching_from_the_page_puts_the_mail_on_the_ticket(
    manager_client: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    message = quarantined(raw=raw_mail(sender=requester.email, body="Still blank today."))

    answer = manager_client.post(
        f"/desk/mail/messages/{message.pk}/attach/", {"ticket": ticket.reference}, follow=True
    )

    assert answer.status_code == 200
    assert InboundMessage.objects.get().ticket == ticket
    assert ticket.reference in answer.content.decode()
    assert QuarantineAction.objects.get().step == QuarantineStep.ATTACH


def test_attaching_to_an_unknown_ticket_shows_the_error_by_its_field(
    manager_client: Client,
) -> None:
    message = quarantined()

    answer = manager_client.post(f"/desk/mail/messages/{message.pk}/attach/", {"ticket": "HC-404"})

    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'id="id_ticket_error"' in page
    assert "No such ticket, or you may not see it." in page


def test_opening_a_ticket_from_the_page(manager_client: Client, requester: User) -> None:
    assert requester.institution is not None
    factories.module(requester.institution)
    message = quarantined()

    answer = manager_client.post(
        f"/desk/mail/messages/{message.pk}/open-ticket/",
        {"institution": requester.institution_id, "requester": requester.pk},
        follow=True,
    )

    assert answer.status_code == 200
    opened = InboundMessage.objects.get().ticket
    assert opened is not None
    assert opened.requester == requester


def test_a_requester_of_another_institution_is_refused_by_the_field(
    manager_client: Client, requester: User, outsider: User
) -> None:
    message = quarantined()

    answer = manager_client.post(
        f"/desk/mail/messages/{message.pk}/open-ticket/",
        {"institution": requester.institution_id, "requester": outsider.pk},
    )

    assert answer.status_code == 422
    assert 'id="id_requester_error"' in answer.content.decode()
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED


def test_retrying_from_the_page(manager_client: Client) -> None:
    message = quarantined()

    answer = manager_client.post(f"/desk/mail/messages/{message.pk}/retry/", follow=True)

    assert answer.status_code == 200
    assert QuarantineAction.objects.get().step == QuarantineStep.RETRY


def test_the_list_page_costs_the_same_queries_for_2_and_40_messages(
    manager_client: Client,
) -> None:
    support = mailbox("Support")
    for number in range(2):
        quarantined(number=number, mailbox=support)
    with CaptureQueriesContext(connection) as few:
        manager_client.get("/desk/mail/quarantine/")
    for number in range(2, 40):
        quarantined(number=number, mailbox=support)
    with CaptureQueriesContext(connection) as many:
        page = manager_client.get("/desk/mail/quarantine/")

    assert page.content.decode().count('id="message-') == 40
    assert len(many.captured_queries) == len(few.captured_queries)
