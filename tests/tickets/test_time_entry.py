"""Time entered on replies and notes: the team's rule, the bounds, one write with the
reply or note, and the sums on the ticket."""

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.orgs.choices import TimeEntryRule
from hypercare.orgs.models import Team
from hypercare.tickets.models import Ticket, TicketEvent, TimeEntry
from hypercare.tickets.selectors import PersonTime, TicketTime, time_on_ticket, timeline
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from tests import factories

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


def _in_team(ticket: Ticket, rule: str) -> Ticket:
    team = factories.team(time_entry=rule)
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    return Ticket.objects.get(pk=ticket.pk)


def _refusal(call: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        call()
    return refused.value.errors


def test_minutes_are_written_with_the_reply_and_the_note(ticket: Ticket, agent: User) -> None:
    with time_machine.travel(T0, tick=False):
        reply = add_public_reply(ticket=ticket, actor=agent, body="On it.", minutes=15)
        note = add_internal_note(ticket=ticket, actor=agent, body="Driver.", minutes=30)

    rows = TimeEntry.objects.order_by("pk").values_list("event", "person", "minutes", "at")
    assert list(rows) == [(reply.pk, agent.pk, 15, T0), (note.pk, agent.pk, 30, T0)]


def test_without_minutes_nothing_is_entered_when_optional(ticket: Ticket, agent: User) -> None:
    add_public_reply(ticket=_in_team(ticket, TimeEntryRule.OPTIONAL), actor=agent, body="Hi")

    assert TimeEntry.objects.count() == 0


@pytest.mark.parametrize("minutes", [0, -5, 1441])
def test_minutes_outside_a_day_are_refused(ticket: Ticket, agent: User, minutes: int) -> None:
    errors = _refusal(
        lambda: add_internal_note(ticket=ticket, actor=agent, body="x", minutes=minutes)
    )

    assert errors == {"minutes": "must be a whole number of minutes from 1 to 1440"}
    assert not TicketEvent.objects.filter(kind="internal_note").exists()


def test_a_team_that_requires_time_refuses_a_reply_or_note_without(
    ticket: Ticket, agent: User
) -> None:
    ticket = _in_team(ticket, TimeEntryRule.REQUIRED)

    for call in (
        lambda: add_public_reply(ticket=ticket, actor=agent, body="On it."),
        lambda: add_internal_note(ticket=ticket, actor=agent, body="Driver."),
    ):
        assert set(_refusal(call)) == {"minutes"}
    assert list(ticket.events.values_list("kind", flat=True)) == ["created"]
    add_internal_note(ticket=ticket, actor=agent, body="Driver.", minutes=1440)
    assert TimeEntry.objects.get().minutes == 1440


def test_a_team_that_tracks_no_time_refuses_minutes(ticket: Ticket, agent: User) -> None:
    ticket = _in_team(ticket, TimeEntryRule.OFF)

    errors = _refusal(lambda: add_public_reply(ticket=ticket, actor=agent, body="x", minutes=5))

    assert errors == {"minutes": "This team does not track time"}
    add_public_reply(ticket=ticket, actor=agent, body="Fine without.")
    assert TimeEntry.objects.count() == 0


def test_institution_users_never_enter_time(ticket: Ticket, requester: User) -> None:
    ticket = _in_team(ticket, TimeEntryRule.REQUIRED)

    errors = _refusal(lambda: add_public_reply(ticket=ticket, actor=requester, body="x", minutes=5))

    assert errors == {"minutes": "Only support staff enter time"}
    add_public_reply(ticket=ticket, actor=requester, body="Any news?")
    assert TimeEntry.objects.count() == 0


def test_the_ticket_sums_time_per_person_for_staff_only(
    ticket: Ticket, agent: User, tier2_agent: User, requester: User
) -> None:
    add_public_reply(ticket=ticket, actor=agent, body="On it.", minutes=10)
    add_internal_note(ticket=ticket, actor=tier2_agent, body="Logs.", minutes=45)
    add_internal_note(ticket=ticket, actor=agent, body="Fixed.", minutes=5)

    assert time_on_ticket(agent, ticket) == TicketTime(
        60,
        [
            PersonTime(tier2_agent.display_name, 45),
            PersonTime(agent.display_name, 15),
        ],
    )
    assert time_on_ticket(requester, ticket) is None


def test_the_timeline_shows_minutes_to_staff_only(
    ticket: Ticket, agent: User, requester: User
) -> None:
    add_public_reply(ticket=ticket, actor=agent, body="On it.", minutes=10)

    events = timeline(agent, ticket)
    staff = {event.kind: event.minutes_spent for event in events}  # type: ignore[attr-defined]
    assert staff["public_reply"] == 10
    assert staff["created"] is None
    assert all(not hasattr(event, "minutes_spent") for event in timeline(requester, ticket))


def test_a_team_defaults_to_optional_time() -> None:
    assert Team._meta.get_field("time_entry").default == TimeEntryRule.OPTIONAL
