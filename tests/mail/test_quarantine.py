"""The quarantine's services and selectors: who may act, what each action records."""

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.mail import quarantine, selectors
from hypercare.mail.choices import InboundStatus, QuarantineStep
from hypercare.mail.models import InboundMessage, QuarantineAction
from tests import factories
from tests.mail.quarantined import mailbox, quarantined, raw_mail


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


def test_the_quarantine_lists_only_quarantined_messages_newest_first(manager: User) -> None:
    older = quarantined(number=1)
    newer = quarantined(number=2)
    InboundMessage.objects.filter(pk=older.pk).update(
        received_at=newer.received_at.replace(year=2020)
    )
    done = quarantined(number=3)
    InboundMessage.objects.filter(pk=done.pk).update(status=InboundStatus.TICKET_OPENED)

    listed = list(selectors.quarantine(manager, selectors.QuarantineFilters()))

    assert listed == [newer, older]
    assert selectors.quarantine_count(manager) == 2


def test_the_quarantine_filters_by_reason_and_mailbox(manager: User) -> None:
    support = mailbox("Support")
    by_reason = quarantined(number=1, reason="the message could not be read (HeaderParseError)")
    by_mailbox = quarantined(number=2, mailbox=support)

    read = selectors.quarantine(manager, selectors.QuarantineFilters(reason="COULD NOT be read"))
    boxed = selectors.quarantine(manager, selectors.QuarantineFilters(mailbox=support.pk))

    assert list(read) == [by_reason]
    assert list(boxed) == [by_mailbox]


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER3, Role.ESCALATION_MANAGER])
def test_other_support_staff_see_no_quarantine(db: None, role: str) -> None:
    message = quarantined()
    staff = factories.agent(role)

    with pytest.raises(NotFound):
        selectors.quarantine(staff, selectors.QuarantineFilters())
    assert selectors.quarantine_count(staff) == 0
    with pytest.raises(NotFound):
        selectors.get_visible_message(staff, message.pk)
    with pytest.raises(NotAllowed):
        quarantine.discard_message(message=message, actor=staff, reason="Spam")


def test_a_message_is_read_again_for_its_page(manager: User) -> None:
    raw = raw_mail(body="Receipt 42 is blank.", attachment=("receipt.pdf", b"%PDF-1.4 blank"))
    message = quarantined(raw=raw)

    detail = selectors.message_detail(manager, message.pk)

    assert detail.reading.parsed is not None
    assert "Receipt 42 is blank." in detail.reading.parsed.text
    assert [a.filename for a in detail.reading.parsed.attachments] == ["receipt.pdf"]
    assert detail.reading.problem == ""


def test_an_unreadable_message_says_why(manager: User) -> None:
    message = quarantined(raw=b"Subject: " + b"x" * 5_000_000 + b"\r\n\r\nbody")

    detail = selectors.message_detail(manager, message.pk)

    assert detail.reading.parsed is None
    assert detail.reading.problem != ""


def test_discarding_records_who_when_and_why(manager: User) -> None:
    message = quarantined()

    discarded = quarantine.discard_message(message=message, actor=manager, reason=" Spam ")

    assert discarded.status == InboundStatus.DISCARDED
    assert discarded.reason == "the sender belongs to no institution"
    action = QuarantineAction.objects.get()
    assert (action.step, action.actor, action.note) == (QuarantineStep.DISCARD, manager, "Spam")
    assert action.at is not None
    assert selectors.quarantine_count(manager) == 0


def test_discarding_needs_a_reason(manager: User) -> None:
    message = quarantined()

    with pytest.raises(ValidationFailed) as refused:
        quarantine.discard_message(message=message, actor=manager, reason="  ")

    assert set(refused.value.errors) == {"reason"}
    assert InboundMessage.objects.get(pk=message.pk).status == InboundStatus.QUARANTINED
    assert not QuarantineAction.objects.exists()


def test_a_message_is_handled_once(manager: User) -> None:
    message = quarantined()
    quarantine.discard_message(message=message, actor=manager, reason="Spam")

    with pytest.raises(InvalidTransition):
        quarantine.discard_message(message=message, actor=manager, reason="Spam again")

    assert QuarantineAction.objects.count() == 1
