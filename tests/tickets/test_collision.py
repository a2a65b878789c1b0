"""Two staff members on one ticket: each sees the other, and a reply written while the
other answered waits for its author to confirm it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import ConfirmationNeeded, NotAllowed
from hypercare.tickets.models import Presence, Ticket
from hypercare.tickets.selectors import others_present
from hypercare.tickets.services.conversation import (
    add_internal_note,
    add_public_reply,
    newest_public_reply,
)
from hypercare.tickets.services.presence import record_presence
from tests import factories

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


@pytest.fixture
def colleague_agent(db: None) -> User:
    return factories.agent(Role.TIER1, username="omar", first_name="Omar", last_name="Haddad")


def test_a_reply_after_one_the_author_had_not_read_waits_for_confirmation(
    ticket: Ticket, agent: User, colleague_agent: User, requester: User
) -> None:
    read = add_public_reply(ticket=ticket, actor=requester, body="It still fails.")
    with time_machine.travel(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), tick=False):
        newer = add_public_reply(ticket=ticket, actor=colleague_agent, body="Try again now.")
    with pytest.raises(ConfirmationNeeded, match="Omar Haddad replied at 14:05"):
        add_public_reply(ticket=ticket, actor=agent, body="Looking.", seen_event_id=read.pk)
    assert newest_public_reply(ticket) == newer
    sent = add_public_reply(
        ticket=ticket, actor=agent, body="Looking.", seen_event_id=read.pk, confirmed=True
    )
    assert newest_public_reply(ticket) == sent


def test_a_reply_is_not_held_up_by_the_authors_own_notes_or_replies(
    ticket: Ticket, agent: User, requester: User, colleague_agent: User
) -> None:
    read = add_public_reply(ticket=ticket, actor=requester, body="It still fails.")
    add_public_reply(ticket=ticket, actor=agent, body="Looking.")
    add_internal_note(ticket=ticket, actor=colleague_agent, body="Token expired?")
    add_public_reply(ticket=ticket, actor=agent, body="Found it.", seen_event_id=read.pk)
    # A writer who says nothing of what they read (mail, an older client) is not asked.
    add_public_reply(ticket=ticket, actor=requester, body="Thanks!")


def test_staff_see_each_other_on_a_ticket_and_who_is_replying(
    ticket: Ticket, agent: User, colleague_agent: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        record_presence(ticket=ticket, actor=agent, replying=False)
        record_presence(ticket=ticket, actor=colleague_agent, replying=True)
        assert [(p.person, p.replying) for p in others_present(agent, ticket)] == [
            (colleague_agent, True)
        ]
        assert [p.person for p in others_present(colleague_agent, ticket)] == [agent]
        clock.shift(timedelta(seconds=20))
        record_presence(ticket=ticket, actor=colleague_agent, replying=False)
        assert [(p.person, p.replying) for p in others_present(agent, ticket)] == [
            (colleague_agent, False)
        ]
        clock.shift(timedelta(seconds=25))
        assert [p.person for p in others_present(colleague_agent, ticket)] == []
        record_presence(ticket=ticket, actor=colleague_agent, replying=False)
        # Who left is forgotten as soon as someone else beats on the ticket.
        assert list(Presence.objects.values_list("user", flat=True)) == [colleague_agent.pk]


def test_institution_people_are_neither_shown_nor_told_who_is_there(
    ticket: Ticket, agent: User, requester: User
) -> None:
    record_presence(ticket=ticket, actor=agent, replying=True)
    assert others_present(requester, ticket) == []
    with pytest.raises(NotAllowed):
        record_presence(ticket=ticket, actor=requester, replying=False)
    assert not Presence.objects.filter(user=requester).exists()


def test_a_reply_written_before_any_other_asks_when_one_was_sent_meanwhile(
    ticket: Ticket, agent: User, colleague_agent: User
) -> None:
    add_public_reply(ticket=ticket, actor=colleague_agent, body="Try again now.")
    with pytest.raises(ConfirmationNeeded):
        add_public_reply(ticket=ticket, actor=agent, body="Looking.", seen_event_id=0)
