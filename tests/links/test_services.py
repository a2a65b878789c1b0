"""Linking, merging and splitting tickets through the services."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.escalations.choices import (
    EscalationEventKind,
    EscalationStatus,
)
from hypercare.escalations.selectors import open_escalation
from hypercare.links import events as link_events
from hypercare.links.choices import LinkEventKind, LinkKind
from hypercare.links.models import TicketLink
from hypercare.links.selectors import reply_destination, ticket_links
from hypercare.links.services import link_tickets, merge_tickets, split_ticket, unlink_tickets
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    plan_for_release,
    ship_release,
)
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Participant, Ticket
from hypercare.tickets.selectors import timeline
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


def _kinds(ticket: Ticket, kind: str) -> list[tuple[str, str, bool]]:
    return [
        (event.old_value, event.new_value, event.is_internal)
        for event in ticket.events.filter(kind=kind)
    ]


def test_a_link_shows_on_both_tickets_read_from_each_end(requester: User, agent: User) -> None:
    child, parent = factories.ticket(requester), factories.ticket(requester)

    link_tickets(ticket=parent, other=child, kind=LinkKind.PARENT_OF, actor=agent)

    [from_parent] = ticket_links(agent, parent)
    [from_child] = ticket_links(agent, child)
    assert (from_parent.reading, from_parent.other) == ("parent of", child)
    assert (from_child.reading, from_child.other) == ("child of", parent)
    assert _kinds(parent, LinkEventKind.LINKED) == [("parent of", child.reference, False)]
    assert _kinds(child, LinkEventKind.LINKED) == [("child of", parent.reference, False)]


@pytest.mark.parametrize(
    ("kind", "readings"),
    [
        (LinkKind.RELATED, ("related to", "related to")),
        (LinkKind.DUPLICATE_OF, ("duplicate of", "duplicated by")),
        (LinkKind.CAUSED_BY, ("caused by", "cause of")),
    ],
)
def test_every_kind_reads_from_both_ends(
    requester: User, agent: User, kind: str, readings: tuple[str, str]
) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)

    link_tickets(ticket=one, other=two, kind=kind, actor=agent)

    assert (ticket_links(agent, one)[0].reading, ticket_links(agent, two)[0].reading) == readings


def test_two_tickets_are_linked_once_either_way_round(requester: User, agent: User) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)
    link_tickets(ticket=one, other=two, kind=LinkKind.RELATED, actor=agent)

    with pytest.raises(ValidationFailed) as refused:
        link_tickets(ticket=two, other=one, kind=LinkKind.CAUSED_BY, actor=agent)

    assert refused.value.errors == {"ticket": f"is already linked to {two.reference}"}
    assert TicketLink.objects.count() == 1


def test_a_ticket_is_not_linked_to_itself_nor_with_an_unknown_kind(
    requester: User, agent: User
) -> None:
    one = factories.ticket(requester)

    with pytest.raises(ValidationFailed) as refused:
        link_tickets(ticket=one, other=one, kind="sibling", actor=agent)

    assert set(refused.value.errors) == {"kind", "ticket"}
    assert not TicketLink.objects.exists()


def test_only_support_staff_link(requester: User, key_user: User) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)

    with pytest.raises(NotAllowed):
        link_tickets(ticket=one, other=two, kind=LinkKind.RELATED, actor=key_user)

    assert not TicketLink.objects.exists()


def test_a_link_across_institutions_is_internal_on_both_timelines(
    requester: User, outsider: User, agent: User
) -> None:
    ours, theirs = factories.ticket(requester), factories.ticket(outsider)

    link_tickets(ticket=ours, other=theirs, kind=LinkKind.CAUSED_BY, actor=agent)

    assert _kinds(ours, LinkEventKind.LINKED) == [("caused by", theirs.reference, True)]
    assert _kinds(theirs, LinkEventKind.LINKED) == [("cause of", ours.reference, True)]
    assert ticket_links(requester, ours) == []
    assert ticket_links(outsider, theirs) == []
    assert not [e for e in timeline(requester, ours) if e.kind == LinkEventKind.LINKED]


def test_removing_a_link_is_recorded_on_both_timelines(requester: User, agent: User) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)
    link = link_tickets(ticket=one, other=two, kind=LinkKind.CAUSED_BY, actor=agent)

    unlink_tickets(link=link, actor=agent)

    assert not TicketLink.objects.exists()
    assert _kinds(one, LinkEventKind.UNLINKED) == [("caused by", two.reference, False)]
    assert _kinds(two, LinkEventKind.UNLINKED) == [("cause of", one.reference, False)]


def test_merging_moves_the_requester_keeps_both_timelines_and_closes_the_duplicate(
    requester: User, colleague: User, agent: User
) -> None:
    survivor = factories.ticket(requester, title="Fee gateway down")
    duplicate = factories.ticket(colleague, title="Cannot pay fees")
    add_public_reply(ticket=duplicate, actor=colleague, body="Still failing at 10:40.")

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent, reason="Same outage.")

    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    assert duplicate.closed_at is not None
    assert list(Participant.objects.filter(ticket=survivor).values_list("user", flat=True)) == [
        colleague.pk
    ]
    link = TicketLink.objects.get()
    assert (link.source, link.target, link.kind) == (duplicate, survivor, LinkKind.DUPLICATE_OF)
    assert link.merged_at is not None
    assert _kinds(duplicate, LinkEventKind.MERGED) == [("", survivor.reference, False)]
    assert _kinds(survivor, LinkEventKind.MERGE_RECEIVED) == [("", duplicate.reference, False)]
    assert duplicate.events.filter(kind=EventKind.PUBLIC_REPLY).count() == 1
    closed = duplicate.events.get(kind=EventKind.STATUS_CHANGED, new_value=Status.CLOSED)
    assert closed.reason == f"Merged into {survivor.reference}."
    assert duplicate.assignee == agent
    assert reply_destination(duplicate) == survivor


def test_the_duplicates_requester_is_told_once(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    told = OutboxMessage.objects.filter(event=NotificationEvent.TICKET_MERGED)
    assert [(m.recipient, m.ticket) for m in told] == [(colleague, survivor)]
    assert duplicate.reference in told[0].subject
    assert not OutboxMessage.objects.filter(
        recipient=colleague, event__in=[NotificationEvent.STATUS_CHANGED]
    ).exists()


def test_a_participant_gets_the_survivors_public_notifications(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    reply = add_public_reply(ticket=survivor, actor=agent, body="The gateway is back.")
    add_internal_note(ticket=survivor, actor=agent, body="Vendor restarted it.")

    told = OutboxMessage.objects.filter(event=NotificationEvent.PUBLIC_REPLY)
    assert {m.recipient for m in told} == {requester, colleague}
    assert all(m.dedupe_key.endswith(f"event:{reply.pk}:{m.recipient_id}") for m in told)


def test_a_later_merge_of_the_survivor_carries_replies_on(
    requester: User, colleague: User, key_user: User, agent: User
) -> None:
    first, second, third = (factories.ticket(person) for person in (colleague, requester, key_user))
    merge_tickets(duplicate=first, survivor=second, actor=agent)
    merge_tickets(duplicate=second, survivor=third, actor=agent)

    assert reply_destination(first) == third
    followers = set(Participant.objects.filter(ticket=third).values_list("user", flat=True))
    assert followers == {requester.pk, colleague.pk}


def test_only_one_institutions_tickets_merge(requester: User, outsider: User, agent: User) -> None:
    ours, theirs = factories.ticket(requester), factories.ticket(outsider)

    with pytest.raises(ValidationFailed) as refused:
        merge_tickets(duplicate=theirs, survivor=ours, actor=agent)

    assert "another institution" in refused.value.errors["survivor"]
    assert not Participant.objects.exists()


def test_a_closed_ticket_is_not_merged(requester: User, colleague: User, agent: User) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)
    other = factories.ticket(requester)

    with pytest.raises(InvalidTransition):
        merge_tickets(duplicate=other, survivor=duplicate, actor=agent)
    with pytest.raises(InvalidTransition):
        merge_tickets(duplicate=duplicate, survivor=other, actor=agent)


def test_a_merges_link_is_not_removed(requester: User, colleague: User, agent: User) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    with pytest.raises(InvalidTransition):
        unlink_tickets(link=TicketLink.objects.get(), actor=agent)


def test_an_earlier_link_becomes_the_merges_link(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    link_tickets(ticket=survivor, other=duplicate, kind=LinkKind.RELATED, actor=agent)

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    link = TicketLink.objects.get()
    assert (link.source, link.target, link.kind) == (duplicate, survivor, LinkKind.DUPLICATE_OF)


def test_a_split_makes_a_linked_ticket_from_one_message(
    requester: User, key_user: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    message = add_public_reply(ticket=ticket, actor=key_user, body="Also: exam marks vanish.")

    new = split_ticket(ticket=ticket, event=message, actor=agent, title="Exam marks vanish")

    assert (new.title, new.description, new.requester) == (
        "Exam marks vanish",
        "Also: exam marks vanish.",
        key_user,
    )
    assert (new.institution, new.module, new.category) == (
        ticket.institution,
        ticket.module,
        ticket.category,
    )
    [view] = ticket_links(agent, ticket)
    assert (view.reading, view.other) == ("related to", new)
    assert _kinds(new, LinkEventKind.SPLIT) == [("", ticket.reference, False)]


def test_a_split_that_fails_to_link_opens_no_ticket(
    requester: User, agent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = factories.ticket(requester)
    message = add_public_reply(ticket=ticket, actor=agent, body="A second problem found.")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the split event could not be written")

    monkeypatch.setattr(link_events, "record_split", broken)
    with pytest.raises(RuntimeError):
        split_ticket(ticket=ticket, event=message, actor=agent, title="Second problem")

    assert list(Ticket.objects.all()) == [ticket]
    assert not TicketLink.objects.exists()


def test_a_split_of_an_agents_message_keeps_the_requester(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    message = add_public_reply(ticket=ticket, actor=agent, body="A second problem found.")

    new = split_ticket(ticket=ticket, event=message, actor=agent, title="Second problem")

    assert new.requester == requester


def test_only_a_public_message_of_the_ticket_is_split(requester: User, agent: User) -> None:
    ticket, other = factories.ticket(requester), factories.ticket(requester)
    note = add_internal_note(ticket=ticket, actor=agent, body="Internal.")
    elsewhere = add_public_reply(ticket=other, actor=agent, body="Elsewhere.")

    with pytest.raises(ValidationFailed):
        split_ticket(ticket=ticket, event=note, actor=agent, title="No")
    with pytest.raises(NotFound):
        split_ticket(ticket=ticket, event=elsewhere, actor=agent, title="No")
    assert Ticket.objects.count() == 2


def test_a_participant_hears_of_the_survivors_escalation_and_shipped_fix(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    release = create_release(actor=manager, version="2025.3")
    plan_for_release(ticket=survivor, actor=agent, release=release)

    factories.escalation(survivor, requester)
    ship_release(release=release, actor=manager)

    for event in (NotificationEvent.ESCALATION_ACKNOWLEDGED, NotificationEvent.TICKET_SHIPPED):
        told = OutboxMessage.objects.filter(event=event, ticket=survivor)
        assert colleague in {message.recipient for message in told}, event


# What a merge does with the duplicate's escalation and release plan ------------------------


def test_the_duplicates_open_escalation_moves_to_a_survivor_without_one(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    escalation = factories.escalation(duplicate, colleague)

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    escalation.refresh_from_db()
    assert escalation.ticket == survivor
    assert escalation.is_open
    assert _kinds(duplicate, EscalationEventKind.ESCALATION_MOVED_OUT) == [
        ("", survivor.reference, False)
    ]
    assert _kinds(survivor, EscalationEventKind.ESCALATION_MOVED_IN) == [
        (duplicate.reference, "", False)
    ]
    assert open_escalation(agent, survivor) == escalation
    assert open_escalation(agent, duplicate) is None


def test_the_duplicates_escalation_closes_when_the_survivor_is_escalated_already(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    kept = factories.escalation(survivor, requester)
    closed = factories.escalation(duplicate, colleague)

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    closed.refresh_from_db()
    assert (closed.ticket, closed.status) == (duplicate, EscalationStatus.MERGED)
    assert closed.next_update_due_at is None
    assert open_escalation(agent, survivor) == kept
    for ticket in (duplicate, survivor):
        note = ticket.events.get(kind=EscalationEventKind.ESCALATION_CLOSED_BY_MERGE)
        assert (note.old_value, note.new_value) == (duplicate.reference, survivor.reference)
        assert survivor.reference in note.body


def test_the_duplicates_release_plan_moves_to_a_survivor_without_one(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    release = create_release(actor=manager, version="2025.3")
    plan_for_release(ticket=duplicate, actor=agent, release=release)

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    assert Ticket.objects.get(pk=survivor.pk).release == release
    assert Ticket.objects.get(pk=duplicate.pk).release is None
    assert _kinds(duplicate, ReleaseEventKind.RELEASE_PLANNED) == [
        ("", "2025.3", False),
        ("2025.3", "", False),
    ]
    assert _kinds(survivor, ReleaseEventKind.RELEASE_PLANNED) == [("", "2025.3", False)]
    compile_release_notes(release=release, actor=manager)
    assert [item.reference for item in release.note_items.all()] == [survivor.reference]


def test_a_survivor_keeps_its_own_release_and_the_duplicate_leaves_its_own(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    sooner = create_release(actor=manager, version="2025.3")
    later = create_release(actor=manager, version="2025.4")
    plan_for_release(ticket=survivor, actor=agent, release=sooner)
    plan_for_release(ticket=duplicate, actor=agent, release=later)

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    assert Ticket.objects.get(pk=survivor.pk).release == sooner
    assert Ticket.objects.get(pk=duplicate.pk).release is None
    assert _kinds(duplicate, ReleaseEventKind.RELEASE_PLANNED)[-1] == ("2025.4", "", False)
    compile_release_notes(release=later, actor=manager)
    assert not later.note_items.exists()
    compile_release_notes(release=sooner, actor=manager)
    assert [item.reference for item in sooner.note_items.all()] == [survivor.reference]


def test_a_duplicate_whose_fix_shipped_keeps_its_release(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    shipped = create_release(actor=manager, version="2025.3")
    plan_for_release(ticket=duplicate, actor=agent, release=shipped)
    ship_release(release=shipped, actor=manager)

    merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    assert Ticket.objects.get(pk=duplicate.pk).release == shipped
    assert Ticket.objects.get(pk=survivor.pk).release is None


def test_a_refused_merge_moves_neither_escalation_nor_release_plan(
    requester: User, colleague: User, agent: User
) -> None:
    survivor, duplicate = factories.ticket(requester), factories.ticket(colleague)
    escalation = factories.escalation(duplicate, colleague)
    release = create_release(actor=factories.agent(Role.SUPPORT_MANAGER), version="2025.3")
    plan_for_release(ticket=duplicate, actor=agent, release=release)
    change_status(ticket=survivor, actor=agent, status=Status.RESOLVED)
    change_status(ticket=survivor, actor=agent, status=Status.CLOSED)

    with pytest.raises(InvalidTransition):
        merge_tickets(duplicate=duplicate, survivor=survivor, actor=agent)

    escalation.refresh_from_db()
    assert escalation.ticket == duplicate
    assert Ticket.objects.get(pk=duplicate.pk).release == release
