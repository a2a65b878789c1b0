"""Tagging tickets, filtering by tag, and renaming and merging tags through the services."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.audit.choices import Action, Area
from hypercare.audit.models import AuditEntry
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.tags.choices import TagEventKind
from hypercare.tags.models import Tag, Tagging
from hypercare.tags.selectors import ticket_tags
from hypercare.tags.services import add_tag, merge_tags, remove_tag, rename_tag
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import TicketFilters, ticket_list, timeline
from tests import factories


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


def _names(user: User, ticket: Ticket) -> list[str]:
    return [tag.name for tag in ticket_tags(user, ticket)]


def test_typing_a_tag_makes_it_once_whatever_its_case_and_spacing(
    requester: User, agent: User
) -> None:
    one, two = factories.ticket(requester), factories.ticket(requester)

    add_tag(ticket=one, actor=agent, name="  Fee   Receipts ")
    add_tag(ticket=two, actor=agent, name="fee receipts")
    add_tag(ticket=two, actor=agent, name="FEE RECEIPTS")

    assert list(Tag.objects.values_list("name", flat=True)) == ["fee receipts"]
    assert _names(agent, one) == _names(agent, two) == ["fee receipts"]
    assert Tagging.objects.filter(ticket=two).count() == 1
    assert two.events.filter(kind=TagEventKind.TAGGED).count() == 1


def test_tag_events_are_internal_and_name_the_tag(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)

    tag = add_tag(ticket=ticket, actor=agent, name="vendor bug")
    remove_tag(ticket=ticket, actor=agent, tag=tag)

    events = ticket.events.filter(kind__in=TagEventKind.values).order_by("pk")
    assert [(e.kind, e.new_value or e.old_value, e.is_internal) for e in events] == [
        (TagEventKind.TAGGED, "vendor bug", True),
        (TagEventKind.UNTAGGED, "vendor bug", True),
    ]
    assert not timeline(requester, ticket).filter(kind__in=TagEventKind.values).exists()
    assert _names(agent, ticket) == []
    assert Tag.objects.filter(pk=tag.pk).exists()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "must not be empty"),
        ("x" * 51, "must be at most 50 characters"),
        ("two\nlines", "must be one line"),
    ],
)
def test_a_bad_tag_name_is_refused_by_field(
    requester: User, agent: User, name: str, problem: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_tag(ticket=factories.ticket(requester), actor=agent, name=name)
    assert problem in refused.value.errors["name"]
    assert not Tag.objects.exists()


def test_only_support_staff_tag_and_see_tags(requester: User, key_user: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    tag = add_tag(ticket=ticket, actor=agent, name="angry")

    for person in (requester, key_user):
        with pytest.raises(NotAllowed):
            add_tag(ticket=ticket, actor=person, name="calm")
        with pytest.raises(NotAllowed):
            remove_tag(ticket=ticket, actor=person, tag=tag)
        assert _names(person, ticket) == []
    assert _names(agent, ticket) == ["angry"]


def test_the_tag_filter_finds_tickets_with_any_of_the_tags_for_staff_only(
    requester: User, agent: User
) -> None:
    fees, exams, both, none = (factories.ticket(requester) for _ in range(4))
    add_tag(ticket=fees, actor=agent, name="fees")
    add_tag(ticket=exams, actor=agent, name="exams")
    add_tag(ticket=both, actor=agent, name="fees")
    add_tag(ticket=both, actor=agent, name="exams")

    def found(user: User, *names: str) -> set[Ticket]:
        return set(ticket_list(user, TicketFilters(tag=names)))

    assert found(agent, "Fees") == {fees, both}
    assert found(agent, "fees", "exams") == {fees, exams, both}
    assert found(agent, "nothing") == set()
    assert none not in found(agent, "fees", "exams")
    # The requester sees all four tickets, but a tag filter tells them nothing.
    assert found(requester) == {fees, exams, both, none}
    assert found(requester, "fees") == set()


def test_a_manager_renames_a_tag_on_every_ticket_and_the_audit_records_it(
    requester: User, agent: User, manager: User
) -> None:
    ticket = factories.ticket(requester)
    tag = add_tag(ticket=ticket, actor=agent, name="feez")

    rename_tag(tag=tag, actor=manager, name="Fees")

    assert _names(agent, ticket) == ["fees"]
    entry = AuditEntry.objects.filter(area=Area.TAGS, action=Action.CHANGED).get()
    assert (entry.before, entry.after) == ({"name": "feez"}, {"name": "fees"})


def test_renaming_to_another_tags_name_is_refused(
    requester: User, agent: User, manager: User
) -> None:
    ticket = factories.ticket(requester)
    add_tag(ticket=ticket, actor=agent, name="fees")
    other = add_tag(ticket=ticket, actor=agent, name="feez")

    with pytest.raises(ValidationFailed) as refused:
        rename_tag(tag=other, actor=manager, name="FEES")
    assert "merge" in refused.value.errors["name"]
    assert Tag.objects.get(pk=other.pk).name == "feez"


def test_merging_moves_every_ticket_and_deletes_the_old_tag(
    requester: User, agent: User, manager: User
) -> None:
    only_old, both, only_new = (factories.ticket(requester) for _ in range(3))
    old = add_tag(ticket=only_old, actor=agent, name="feez")
    add_tag(ticket=both, actor=agent, name="feez")
    new = add_tag(ticket=both, actor=agent, name="fees")
    add_tag(ticket=only_new, actor=agent, name="fees")

    merge_tags(tag=old, into=new, actor=manager)

    assert not Tag.objects.filter(pk=old.pk).exists()
    for ticket in (only_old, both, only_new):
        assert _names(agent, ticket) == ["fees"]
    assert Tagging.objects.filter(tag=new).count() == 3
    assert AuditEntry.objects.filter(area=Area.TAGS, action=Action.DELETED).count() == 1


def test_a_tag_is_not_merged_into_itself(requester: User, agent: User, manager: User) -> None:
    tag = add_tag(ticket=factories.ticket(requester), actor=agent, name="fees")
    with pytest.raises(ValidationFailed) as refused:
        merge_tags(tag=tag, into=tag, actor=manager)
    assert "into" in refused.value.errors


def test_only_managers_rename_and_merge(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    one = add_tag(ticket=ticket, actor=agent, name="one")
    two = add_tag(ticket=ticket, actor=agent, name="two")

    with pytest.raises(NotAllowed):
        rename_tag(tag=one, actor=agent, name="uno")
    with pytest.raises(NotAllowed):
        merge_tags(tag=one, into=two, actor=agent)
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["one", "two"]
