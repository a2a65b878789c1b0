"""The quarantine's services and selectors: who may act, what each action records."""

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.mail import quarantine, selectors
from hypercare.mail.choices import InboundStatus, QuarantineStep
from hypercare.mail.models import InboundMessage, QuarantineAction
from hypercare.orgs.models import Institution, Module
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import Ticket, TicketEvent
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


def test_retrying_processes_the_message_again(manager: User, institution: Institution) -> None:
    message = quarantined()
    factories.module(institution)
    factories.requester(institution, username="stranger", email="stranger@elsewhere.example")

    retried = quarantine.retry_message(message=message, actor=manager)

    assert retried.status == InboundStatus.TICKET_OPENED
    assert retried.ticket is not None
    assert retried.ticket.title == "Fee receipt prints blank"
    action = QuarantineAction.objects.get()
    assert (action.step, action.actor) == (QuarantineStep.RETRY, manager)


def test_a_retried_message_may_come_back_with_this_runs_reason(manager: User) -> None:
    message = quarantined(reason="an old reason")

    retried = quarantine.retry_message(message=message, actor=manager)

    assert retried.status == InboundStatus.QUARANTINED
    assert retried.reason not in ("", "an old reason")
    assert QuarantineAction.objects.get().step == QuarantineStep.RETRY


def test_attaching_a_participants_mail_is_their_reply(manager: User, requester: User) -> None:
    ticket = factories.ticket(requester)
    raw = raw_mail(sender=f"Riya <{requester.email}>", body="It prints now, thanks.")
    message = quarantined(raw=raw, sender=requester.email)

    attached = quarantine.attach_message(message=message, actor=manager, ticket=ticket)

    assert attached.status == InboundStatus.REPLY_ADDED
    assert attached.ticket == ticket
    reply = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PUBLIC_REPLY)
    assert (reply.actor, reply.body) == (requester, "It prints now, thanks.")
    action = QuarantineAction.objects.get()
    assert (action.step, action.actor, action.ticket) == (QuarantineStep.ATTACH, manager, ticket)


def test_attaching_a_strangers_mail_is_an_internal_note_naming_them(
    manager: User, requester: User
) -> None:
    ticket = factories.ticket(requester)
    message = quarantined(raw=raw_mail(body="I know what is wrong."))

    quarantine.attach_message(message=message, actor=manager, ticket=ticket)

    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PUBLIC_REPLY).exists()
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.INTERNAL_NOTE)
    assert note.actor == manager
    assert "stranger@elsewhere.example" in note.body
    assert "I know what is wrong." in note.body
    assert "#internal" not in note.body


def test_an_unreadable_message_cannot_be_attached(manager: User, requester: User) -> None:
    ticket = factories.ticket(requester)
    message = quarantined(raw=b"Subject: " + b"x" * 5_000_000 + b"\r\n\r\nbody")

    with pytest.raises(InvalidTransition):
        quarantine.attach_message(message=message, actor=manager, ticket=ticket)

    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED
    assert not QuarantineAction.objects.exists()


def test_opening_a_ticket_for_a_chosen_requester(
    manager: User, institution: Institution, requester: User
) -> None:
    factories.module(institution)
    message = quarantined(raw=raw_mail(body="Receipt 42 is blank."))

    opened = quarantine.open_ticket_from_message(
        message=message, actor=manager, institution=institution, requester=requester
    )

    assert opened.status == InboundStatus.TICKET_OPENED
    assert opened.ticket is not None
    assert (opened.ticket.requester, opened.ticket.institution) == (requester, institution)
    assert "Receipt 42 is blank." in opened.ticket.description
    action = QuarantineAction.objects.get()
    assert (action.step, action.ticket) == (QuarantineStep.OPEN_TICKET, opened.ticket)


def test_the_requester_must_belong_to_the_institution(
    manager: User, other_institution: Institution, requester: User
) -> None:
    factories.module(other_institution)
    message = quarantined()

    with pytest.raises(ValidationFailed) as refused:
        quarantine.open_ticket_from_message(
            message=message, actor=manager, institution=other_institution, requester=requester
        )

    assert set(refused.value.errors) == {"requester_id"}
    assert not Ticket.objects.exists()


def test_a_refused_ticket_leaves_the_message_quarantined_and_free(
    manager: User, institution: Institution, requester: User
) -> None:
    Module.objects.filter(institution=institution).update(is_active=False)
    message = quarantined()

    with pytest.raises(ValidationFailed):
        quarantine.open_ticket_from_message(
            message=message, actor=manager, institution=institution, requester=requester
        )

    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED
    assert not QuarantineAction.objects.exists()
    # Free for the next action: nothing of the refused one holds it.
    discarded = quarantine.discard_message(message=message, actor=manager, reason="Spam.")
    assert discarded.status == InboundStatus.DISCARDED
