"""Mail and links: a reply after the reopen window opens a ticket linked to the old one,
and a reply to a merged ticket goes to the ticket it was merged into."""

from datetime import timedelta

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.links.choices import LinkEventKind, LinkKind
from hypercare.links.models import TicketLink
from hypercare.links.services import merge_tickets
from hypercare.mail import quarantine
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import MailDomain
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket
from tests import factories
from tests.mail.quarantined import quarantined, raw_mail
from tests.mail.test_intake import corpus, mail, received, resolve, sent_notification

OUR_MESSAGE_ID = "<ticket.123.event.9@hypercare.example>"


@pytest.fixture
def northfield(db: None) -> Institution:
    institution = factories.institution("Northfield")
    MailDomain.objects.create(institution=institution, domain="northfield.example.edu")
    return institution


@pytest.fixture
def chidi(northfield: Institution) -> User:
    return factories.requester(northfield, email="chidi.okafor@northfield.example.edu")


@pytest.fixture
def survivor(northfield: Institution) -> Ticket:
    return factories.ticket(factories.requester(northfield, email="ada@northfield.example.edu"))


def merged(duplicate: Ticket, survivor: Ticket) -> Ticket:
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=factories.agent())
    duplicate.refresh_from_db()
    return duplicate


def test_a_reply_after_the_window_opens_a_new_ticket_linked_to_the_old(chidi: User) -> None:
    old = resolve(factories.ticket(chidi))

    with time_machine.travel(clock.now() + timedelta(days=30)):
        message = received(mail(subject=f"Re: [{old.reference}] again"))

    assert message.status == InboundStatus.TICKET_OPENED
    new = message.ticket
    assert new is not None
    link = TicketLink.objects.get()
    assert (link.source, link.target, link.kind) == (new, old, LinkKind.RELATED)
    linked = old.events.get(kind=LinkEventKind.LINKED)
    assert (linked.actor, linked.new_value, linked.is_internal) == (chidi, new.reference, False)
    assert new.events.get(kind=LinkEventKind.LINKED).new_value == old.reference


def test_a_reply_to_a_merged_ticket_threaded_by_our_message_id_goes_to_the_survivor(
    chidi: User, survivor: Ticket
) -> None:
    duplicate = merged(factories.ticket(chidi), survivor)
    sent_notification(duplicate, OUR_MESSAGE_ID)

    message = received(corpus("outlook.eml", **{"[HC-000123]": "[no tag]"}))

    assert message.status == InboundStatus.REPLY_ADDED
    assert message.ticket == survivor
    reply = survivor.events.get(kind=EventKind.PUBLIC_REPLY)
    assert reply.actor == chidi
    assert not duplicate.events.filter(kind=EventKind.PUBLIC_REPLY).exists()
    assert Ticket.objects.get(pk=duplicate.pk).status == Status.CLOSED


def test_a_reply_to_a_merged_ticket_named_in_the_subject_goes_to_the_survivor(
    chidi: User, survivor: Ticket
) -> None:
    duplicate = merged(factories.ticket(chidi), survivor)

    message = received(mail(subject=f"Re: [{duplicate.reference}] any news?"))

    assert message.status == InboundStatus.REPLY_ADDED
    assert message.ticket == survivor
    assert Ticket.objects.count() == 2


def test_a_merged_duplicates_reply_reaches_the_survivor_after_a_second_merge(
    chidi: User, survivor: Ticket, northfield: Institution
) -> None:
    duplicate = merged(factories.ticket(chidi), survivor)
    final = factories.ticket(factories.requester(northfield))
    merged(survivor, final)

    message = received(mail(subject=f"Re: [{duplicate.reference}] any news?"))

    assert message.ticket == final
    assert final.events.filter(kind=EventKind.PUBLIC_REPLY, actor=chidi).exists()


def test_a_colleague_naming_a_merged_ticket_never_reaches_its_survivor(
    chidi: User, survivor: Ticket, northfield: Institution
) -> None:
    duplicate = merged(factories.ticket(chidi), survivor)
    factories.requester(northfield, email="nosy@northfield.example.edu")

    nosy = mail(sender="nosy@northfield.example.edu", subject=f"Re: [{duplicate.reference}] hi")
    message = received(nosy)

    assert message.status == InboundStatus.TICKET_OPENED
    assert message.ticket not in (survivor, duplicate)
    assert message.reason.startswith(f"Named {survivor.reference}, whose participant")
    assert not survivor.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def test_a_quarantined_mail_attached_to_a_merged_ticket_goes_to_the_survivor(
    chidi: User, survivor: Ticket
) -> None:
    duplicate = merged(factories.ticket(chidi), survivor)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    raw = raw_mail(sender=f"Chidi <{chidi.email}>", body="It prints now, thanks.")
    message = quarantined(raw=raw, sender=chidi.email)

    attached = quarantine.attach_message(message=message, actor=manager, ticket=duplicate)

    assert attached.ticket == survivor
    reply = survivor.events.get(kind=EventKind.PUBLIC_REPLY)
    assert (reply.actor, reply.body) == (chidi, "It prints now, thanks.")
