"""The people copied (CC) on mail about a ticket: known colleagues become its watchers,
anyone else is ignored without a word."""

import pytest

from hypercare.accounts.models import User
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import MailDomain
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import Participant, Ticket
from tests import factories
from tests.mail.test_intake import mail, received, sent_notification


@pytest.fixture
def northfield(db: None) -> Institution:
    institution = factories.institution("Northfield")
    MailDomain.objects.create(institution=institution, domain="northfield.example.edu")
    return institution


@pytest.fixture
def chidi(northfield: Institution) -> User:
    return factories.requester(northfield, email="chidi.okafor@northfield.example.edu")


@pytest.fixture
def eleanor(northfield: Institution) -> User:
    return factories.requester(northfield, email="Eleanor.Shellstrop@northfield.example.edu")


def _watchers(ticket: Ticket) -> set[str]:
    return set(Participant.objects.filter(ticket=ticket).values_list("user__email", flat=True))


def test_a_colleague_copied_on_a_new_ticket_watches_it(
    northfield: Institution, chidi: User, eleanor: User, other_institution: Institution
) -> None:
    outsider = factories.requester(other_institution, email="jason@southbank.example.edu")
    gone = factories.requester(northfield, email="tahani@northfield.example.edu")
    gone.is_active = False
    gone.save()
    agent = factories.agent(email="tara@hypercare.example")
    copied = (
        "Eleanor <eleanor.shellstrop@northfield.example.edu>, jason@southbank.example.edu, "
        "tahani@northfield.example.edu, nobody@northfield.example.edu, tara@hypercare.example, "
        "chidi.okafor@northfield.example.edu"
    )

    message = received(mail(headers={"Cc": copied}))

    assert message.status == InboundStatus.TICKET_OPENED
    ticket = Ticket.objects.get()
    assert _watchers(ticket) == {eleanor.email}
    watching = Participant.objects.get(ticket=ticket)
    assert watching.added_by == chidi
    assert ticket.events.filter(kind=EventKind.WATCHER_ADDED).count() == 1
    assert outsider.participations.count() == agent.participations.count() == 0


def test_a_colleague_copied_on_a_reply_watches_the_ticket(chidi: User, eleanor: User) -> None:
    ticket = factories.ticket(chidi)
    sent_notification(ticket, "<ticket.1.event.1@hypercare.example>")
    reply = mail(
        subject=f"Re: [{ticket.reference}] Fee receipt",
        message_id="<m2@northfield.example.edu>",
        headers={
            "In-Reply-To": "<ticket.1.event.1@hypercare.example>",
            "Cc": "eleanor.shellstrop@northfield.example.edu",
        },
    )

    message = received(reply)

    assert message.status == InboundStatus.REPLY_ADDED
    assert _watchers(ticket) == {eleanor.email}
    received(reply.replace(b"<m2@", b"<m3@"))
    assert Participant.objects.filter(ticket=ticket).count() == 1


def test_mail_without_copies_adds_no_watcher(chidi: User, eleanor: User) -> None:
    received(mail())
    assert not Participant.objects.exists()
