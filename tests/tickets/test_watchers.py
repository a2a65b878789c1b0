"""Watchers of a ticket, and who hears of its replies, notes and @mentions."""

from datetime import UTC, datetime

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import EventKind
from hypercare.tickets.mentions import mentioned_usernames
from hypercare.tickets.models import Participant, Ticket
from hypercare.tickets.selectors import timeline, visible_tickets
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.watchers import add_watcher, remove_watcher
from hypercare.tickets.watching import mentionable, ticket_watchers, watcher_by_address
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def ticket(requester: User) -> Ticket:
    with time_machine.travel(T0, tick=False):
        return factories.ticket(requester)


def _sent(event: str) -> set[str]:
    return set(OutboxMessage.objects.filter(event=event).values_list("to_email", flat=True))


def _watching(ticket: Ticket) -> set[str]:
    return set(Participant.objects.filter(ticket=ticket).values_list("user__username", flat=True))


def test_a_requester_adds_a_colleague_who_then_sees_the_ticket(
    ticket: Ticket, requester: User, colleague: User
) -> None:
    assert not visible_tickets(colleague).filter(pk=ticket.pk).exists()
    with time_machine.travel(T0, tick=False):
        watching = add_watcher(ticket=ticket, actor=requester, watcher=colleague)

    assert (watching.user, watching.added_by, watching.added_at) == (colleague, requester, T0)
    assert visible_tickets(colleague).filter(pk=ticket.pk).exists()
    event = ticket.events.get(kind=EventKind.WATCHER_ADDED)
    assert not event.is_internal
    assert [e.kind for e in timeline(colleague, ticket)][-1] == EventKind.WATCHER_ADDED


def test_adding_a_watcher_twice_adds_them_once(
    ticket: Ticket, requester: User, colleague: User
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    assert Participant.objects.filter(ticket=ticket).count() == 1
    assert ticket.events.filter(kind=EventKind.WATCHER_ADDED).count() == 1


def test_nobody_adds_a_person_of_another_institution(
    ticket: Ticket, requester: User, agent: User, outsider: User
) -> None:
    for actor in (requester, agent):
        with pytest.raises(ValidationFailed) as refused:
            add_watcher(ticket=ticket, actor=actor, watcher=outsider)
        assert "user" in refused.value.errors
    assert _watching(ticket) == set()


def test_an_institution_user_adds_no_support_staff(
    ticket: Ticket, requester: User, agent: User
) -> None:
    with pytest.raises(ValidationFailed, match="colleague of your institution"):
        add_watcher(ticket=ticket, actor=requester, watcher=agent)


def test_support_staff_add_colleagues_and_staff_whose_watching_stays_internal(
    ticket: Ticket, agent: User, tier2_agent: User, colleague: User, requester: User
) -> None:
    add_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)
    add_watcher(ticket=ticket, actor=agent, watcher=colleague)

    assert _watching(ticket) == {"tomas", "colleague"}
    staff_event = ticket.events.get(kind=EventKind.WATCHER_ADDED, new_value="tomas")
    assert staff_event.is_internal
    assert [w.user for w in ticket_watchers(requester, ticket)] == [colleague]
    assert {w.user for w in ticket_watchers(agent, ticket)} == {colleague, tier2_agent}


def test_the_requester_is_not_added_as_a_watcher(
    ticket: Ticket, agent: User, requester: User
) -> None:
    with pytest.raises(ValidationFailed, match="requester"):
        add_watcher(ticket=ticket, actor=agent, watcher=requester)


def test_inactive_people_are_not_added(ticket: Ticket, agent: User, colleague: User) -> None:
    colleague.is_active = False
    colleague.save()
    with pytest.raises(ValidationFailed):
        add_watcher(ticket=ticket, actor=agent, watcher=colleague)


def test_who_cannot_see_the_ticket_adds_nobody(
    ticket: Ticket, colleague: User, outsider: User, key_user: User
) -> None:
    for actor in (colleague, outsider):
        with pytest.raises(NotAllowed):
            add_watcher(ticket=ticket, actor=actor, watcher=key_user)


def test_a_watcher_stops_watching_themselves(
    ticket: Ticket, requester: User, colleague: User
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    remove_watcher(ticket=ticket, actor=colleague, watcher=colleague)

    assert _watching(ticket) == set()
    assert not visible_tickets(colleague).filter(pk=ticket.pk).exists()
    removed = ticket.events.get(kind=EventKind.WATCHER_REMOVED)
    assert removed.old_value == colleague.display_name
    with pytest.raises(NotFound):
        remove_watcher(ticket=ticket, actor=requester, watcher=colleague)


def test_the_requester_removes_a_colleague_but_never_a_support_watcher(
    ticket: Ticket, requester: User, colleague: User, agent: User, tier2_agent: User
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    add_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)
    third = factories.requester(ticket.institution, username="third")
    add_watcher(ticket=ticket, actor=requester, watcher=third)

    with pytest.raises(NotAllowed):
        remove_watcher(ticket=ticket, actor=requester, watcher=tier2_agent)
    with pytest.raises(NotAllowed):
        remove_watcher(ticket=ticket, actor=colleague, watcher=third)
    remove_watcher(ticket=ticket, actor=requester, watcher=colleague)
    remove_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)
    assert _watching(ticket) == {"third"}


def test_watchers_get_public_replies_from_both_sides(
    ticket: Ticket, requester: User, colleague: User, agent: User, tier2_agent: User
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    add_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)

    add_public_reply(ticket=ticket, actor=agent, body="Looking into it.")
    assert _sent(NotificationEvent.PUBLIC_REPLY) == {
        requester.email,
        colleague.email,
        tier2_agent.email,
    }
    OutboxMessage.objects.all().delete()
    add_public_reply(ticket=ticket, actor=colleague, body="It fails for me too.")
    assert _sent(NotificationEvent.PUBLIC_REPLY) == {
        requester.email,
        agent.email,
        tier2_agent.email,
    }


def test_only_support_staff_watching_hear_of_an_internal_note(
    ticket: Ticket, requester: User, colleague: User, agent: User, tier2_agent: User
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    add_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)

    OutboxMessage.objects.all().delete()
    add_internal_note(ticket=ticket, actor=agent, body="Template 42 is corrupt.")

    assert _sent(NotificationEvent.INTERNAL_NOTE) == {tier2_agent.email}
    assert not OutboxMessage.objects.filter(to_email__in=[requester.email, colleague.email])
    body = OutboxMessage.objects.get(event=NotificationEvent.INTERNAL_NOTE).body
    assert "Template 42 is corrupt." in body


def test_a_mention_notifies_the_staff_member_and_never_an_institution_user(
    ticket: Ticket, requester: User, colleague: User, agent: User, tier2_agent: User
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    add_watcher(ticket=ticket, actor=agent, watcher=tier2_agent)

    OutboxMessage.objects.all().delete()
    add_internal_note(
        ticket=ticket, actor=agent, body="@tomas and @colleague and @riya, see the log. @tara"
    )

    assert _sent(NotificationEvent.MENTIONED) == {tier2_agent.email}
    # The mentioned watcher hears once, of the mention.
    assert _sent(NotificationEvent.INTERNAL_NOTE) == set()
    assert not OutboxMessage.objects.filter(to_email__in=[requester.email, colleague.email])
    mail = OutboxMessage.objects.get(event=NotificationEvent.MENTIONED)
    assert "mentioned you" in mail.subject


def test_an_inactive_staff_member_is_not_mentioned(ticket: Ticket, agent: User) -> None:
    gone = factories.agent(username="gone")
    gone.is_active = False
    gone.save()
    add_internal_note(ticket=ticket, actor=agent, body="@gone knew this.")
    assert _sent(NotificationEvent.MENTIONED) == set()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@tomas please", {"tomas"}),
        ("ask @ana.", {"ana"}),
        ("(@a.b-c_d) and @e+f", {"a.b-c_d", "e+f"}),
        ("mail ana@example.org", set()),
        ("@ alone", set()),
    ],
)
def test_mentions_are_read_from_the_text(text: str, names: set[str]) -> None:
    assert mentioned_usernames(text) == names


def test_mentionable_lists_active_support_staff_by_prefix(
    ticket: Ticket, agent: User, tier2_agent: User, requester: User
) -> None:
    factories.requester(ticket.institution, username="tamsin")
    manager = factories.agent(Role.SUPPORT_MANAGER, username="tanvi")

    assert mentionable(agent, ticket, "@ta") == [manager, agent]
    assert mentionable(agent, ticket, "TOM") == [tier2_agent]
    assert mentionable(requester, ticket, "t") == []


def test_a_watcher_is_found_by_username_or_address_among_who_may_be_added(
    ticket: Ticket, requester: User, colleague: User, outsider: User, agent: User
) -> None:
    assert watcher_by_address(requester, ticket, "colleague") == colleague
    assert watcher_by_address(requester, ticket, colleague.email.upper()) == colleague
    assert watcher_by_address(requester, ticket, outsider.email) is None
    assert watcher_by_address(requester, ticket, agent.username) is None
    assert watcher_by_address(agent, ticket, agent.username) == agent


def test_a_watcher_who_moved_institution_hears_nothing_more(
    ticket: Ticket, requester: User, colleague: User, agent: User, other_institution: Institution
) -> None:
    add_watcher(ticket=ticket, actor=requester, watcher=colleague)
    colleague.institution = other_institution
    colleague.save()

    add_public_reply(ticket=ticket, actor=agent, body="Fixed soon.")

    assert _sent(NotificationEvent.PUBLIC_REPLY) == {requester.email}
