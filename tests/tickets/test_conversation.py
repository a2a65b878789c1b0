"""Public replies and internal notes, and what a reply does to the ticket."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.orgs.models import Institution
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import timeline
from hypercare.tickets.services.conversation import (
    MAX_BODY,
    add_internal_note,
    add_public_reply,
    report_not_fixed,
)
from hypercare.tickets.services.workflow import change_status
from tests import factories

T0 = datetime(2025, 5, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def ticket(requester: User) -> Ticket:
    with time_machine.travel(T0, tick=False):
        return factories.ticket(requester)


def _status(ticket: Ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


def _kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.values_list("kind", flat=True))


def _resolve(ticket: Ticket, agent: User, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)


def test_public_reply_is_recorded_with_author_and_time(ticket: Ticket, requester: User) -> None:
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        event = add_public_reply(ticket=ticket, actor=requester, body="  It happens on Chrome. ")
    assert event.kind == EventKind.PUBLIC_REPLY
    assert (event.body, event.actor, event.is_internal) == (
        "It happens on Chrome.",
        requester,
        False,
    )
    assert event.created_at == T0 + timedelta(minutes=3)
    assert Ticket.objects.get(pk=ticket.pk).updated_at == T0 + timedelta(minutes=3)


def test_first_support_reply_sets_first_responded_at_once(ticket: Ticket, agent: User) -> None:
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        add_public_reply(ticket=ticket, actor=agent, body="Looking into it.")
    with time_machine.travel(T0 + timedelta(minutes=50), tick=False):
        add_public_reply(ticket=ticket, actor=agent, body="Found it.")
    assert Ticket.objects.get(pk=ticket.pk).first_responded_at == T0 + timedelta(minutes=10)


def test_requester_replies_and_internal_notes_are_not_a_first_response(
    ticket: Ticket, requester: User, key_user: User, agent: User
) -> None:
    add_public_reply(ticket=ticket, actor=requester, body="Any news?")
    add_public_reply(ticket=ticket, actor=key_user, body="Same for me.")
    add_internal_note(ticket=ticket, actor=agent, body="Probably the template.")
    assert Ticket.objects.get(pk=ticket.pk).first_responded_at is None


def test_requester_reply_resumes_a_ticket_waiting_on_them(
    ticket: Ticket, agent: User, requester: User
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    add_public_reply(ticket=ticket, actor=requester, body="Here is the screenshot.")
    assert _status(ticket) == Status.IN_PROGRESS
    resumed = ticket.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert resumed is not None
    assert (resumed.old_value, resumed.new_value, resumed.actor) == (
        Status.WAITING_ON_REQUESTER,
        Status.IN_PROGRESS,
        requester,
    )


def test_agent_reply_leaves_a_waiting_ticket_waiting(ticket: Ticket, agent: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    add_public_reply(ticket=ticket, actor=agent, body="Could you send a screenshot?")
    assert _status(ticket) == Status.WAITING_ON_REQUESTER


def test_requester_reply_does_not_resume_a_ticket_waiting_on_a_third_party(
    ticket: Ticket, agent: User, requester: User
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_THIRD_PARTY)
    add_public_reply(ticket=ticket, actor=requester, body="Any news from the bank?")
    assert _status(ticket) == Status.WAITING_ON_THIRD_PARTY


def test_requester_reply_within_the_window_reopens_a_resolved_ticket(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _close_after(ticket, days=7)
    _resolve(ticket, agent, T0)
    with time_machine.travel(T0 + timedelta(days=6, hours=23), tick=False):
        add_public_reply(ticket=ticket, actor=requester, body="Still blank.")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None
    reopened = ticket.events.get(kind=EventKind.REOPENED)
    assert (reopened.old_value, reopened.new_value) == (Status.RESOLVED, Status.IN_PROGRESS)
    assert reopened.actor == requester
    assert _kinds(ticket)[-2:] == [EventKind.REOPENED, EventKind.PUBLIC_REPLY]


def test_requester_reply_after_the_window_is_refused(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _close_after(ticket, days=7)
    _resolve(ticket, agent, T0)
    events_before = ticket.events.count()
    with (
        time_machine.travel(T0 + timedelta(days=7, minutes=1), tick=False),
        pytest.raises(InvalidTransition) as refused,
    ):
        add_public_reply(ticket=ticket, actor=requester, body="Still blank.")
    assert "7 days" in refused.value.message
    assert _status(ticket) == Status.RESOLVED
    assert ticket.events.count() == events_before


def test_reopen_window_follows_the_institutions_auto_close_days(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _close_after(ticket, days=1)
    _resolve(ticket, agent, T0)
    with (
        time_machine.travel(T0 + timedelta(days=2), tick=False),
        pytest.raises(InvalidTransition),
    ):
        add_public_reply(ticket=ticket, actor=requester, body="Not fixed.")
    _close_after(ticket, days=3)
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        add_public_reply(ticket=ticket, actor=requester, body="Not fixed.")
    assert _status(ticket) == Status.IN_PROGRESS


def test_agent_reply_on_a_resolved_ticket_does_not_reopen_it(ticket: Ticket, agent: User) -> None:
    _resolve(ticket, agent, T0)
    add_public_reply(ticket=ticket, actor=agent, body="Closing this soon.")
    assert _status(ticket) == Status.RESOLVED


@pytest.mark.parametrize("persona", ["requester", "agent"])
def test_closed_ticket_refuses_replies(
    request: pytest.FixtureRequest, ticket: Ticket, agent: User, persona: str
) -> None:
    _resolve(ticket, agent, T0)
    change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    events_before = ticket.events.count()
    with pytest.raises(InvalidTransition):
        add_public_reply(ticket=ticket, actor=request.getfixturevalue(persona), body="Hello?")
    assert _status(ticket) == Status.CLOSED
    assert ticket.events.count() == events_before


@pytest.mark.parametrize("body", ["", "  \n "])
def test_blank_reply_is_refused(ticket: Ticket, requester: User, body: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_public_reply(ticket=ticket, actor=requester, body=body)
    assert set(refused.value.errors) == {"body"}
    assert _kinds(ticket) == [EventKind.CREATED]


def test_overlong_reply_is_refused(ticket: Ticket, requester: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_public_reply(ticket=ticket, actor=requester, body="x" * (MAX_BODY + 1))
    assert "body" in refused.value.errors


def test_key_user_and_module_owner_may_reply(ticket: Ticket, key_user: User) -> None:
    owner = factories.user(Role.MODULE_OWNER, institution=ticket.institution)
    factories.module(ticket.institution).owners.add(owner)
    add_public_reply(ticket=ticket, actor=key_user, body="I can reproduce it.")
    add_public_reply(ticket=ticket, actor=owner, body="Finance confirms.")
    authors = ticket.events.filter(kind=EventKind.PUBLIC_REPLY).values_list("actor", flat=True)
    assert list(authors) == [key_user.pk, owner.pk]


@pytest.mark.parametrize("persona", ["colleague", "outsider"])
def test_people_who_cannot_see_the_ticket_may_not_reply(
    request: pytest.FixtureRequest, ticket: Ticket, persona: str
) -> None:
    with pytest.raises(NotAllowed):
        add_public_reply(ticket=ticket, actor=request.getfixturevalue(persona), body="Hi")
    assert _kinds(ticket) == [EventKind.CREATED]


def test_deactivated_requester_may_not_reply(ticket: Ticket, requester: User) -> None:
    requester.is_active = False
    requester.save()
    with pytest.raises(NotAllowed):
        add_public_reply(ticket=ticket, actor=requester, body="Hi")


def test_internal_note_is_for_support_staff_only(
    ticket: Ticket, agent: User, requester: User, key_user: User
) -> None:
    note = add_internal_note(ticket=ticket, actor=agent, body="Template id 42 is corrupt.")
    assert (note.kind, note.is_internal, note.actor) == (EventKind.INTERNAL_NOTE, True, agent)
    for persona in (requester, key_user):
        with pytest.raises(NotAllowed):
            add_internal_note(ticket=ticket, actor=persona, body="Let me see")
    assert ticket.events.filter(kind=EventKind.INTERNAL_NOTE).count() == 1


def test_internal_note_never_reaches_the_requesters_timeline(
    ticket: Ticket, agent: User, requester: User
) -> None:
    add_internal_note(ticket=ticket, actor=agent, body="Template id 42 is corrupt.")
    add_public_reply(ticket=ticket, actor=agent, body="We are on it.")
    # The first reply also takes the New ticket into work (owner, then status).
    assert [event.kind for event in timeline(requester, ticket)] == [
        EventKind.CREATED,
        EventKind.PUBLIC_REPLY,
        EventKind.ASSIGNED,
        EventKind.STATUS_CHANGED,
    ]
    assert EventKind.INTERNAL_NOTE in [event.kind for event in timeline(agent, ticket)]


def test_internal_note_does_not_change_status(ticket: Ticket, agent: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    add_internal_note(ticket=ticket, actor=agent, body="Chased by phone.")
    assert _status(ticket) == Status.WAITING_ON_REQUESTER


# "Not fixed": one service reopens the ticket, with what is still wrong as a reply.


def test_not_fixed_reopens_and_passes_on_what_is_still_wrong(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _resolve(ticket, agent, T0 + timedelta(hours=1))
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        report_not_fixed(ticket=ticket, actor=requester, body="  Still blank.  ")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.resolved_at) == (Status.IN_PROGRESS, None)
    assert _kinds(ticket)[-2:] == [EventKind.REOPENED, EventKind.PUBLIC_REPLY]
    assert ticket.events.get(kind=EventKind.PUBLIC_REPLY).body == "Still blank."


def test_not_fixed_without_a_message_only_reopens(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _resolve(ticket, agent, T0 + timedelta(hours=1))
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        report_not_fixed(ticket=ticket, actor=requester)
    assert _status(ticket) == Status.IN_PROGRESS
    assert _kinds(ticket)[-1] == EventKind.REOPENED
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def test_not_fixed_after_the_window_is_refused_and_changes_nothing(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _close_after(ticket, days=7)
    _resolve(ticket, agent, T0)
    events_before = ticket.events.count()
    with (
        time_machine.travel(T0 + timedelta(days=8), tick=False),
        pytest.raises(InvalidTransition, match="within 7 days"),
    ):
        report_not_fixed(ticket=ticket, actor=requester, body="Still broken")
    assert _status(ticket) == Status.RESOLVED
    assert ticket.events.count() == events_before


def test_not_fixed_needs_a_resolved_ticket_and_the_requester_side(
    ticket: Ticket, requester: User, outsider: User
) -> None:
    with pytest.raises(NotAllowed):
        report_not_fixed(ticket=ticket, actor=requester)
    with pytest.raises(NotAllowed):
        report_not_fixed(ticket=ticket, actor=outsider)
    assert _status(ticket) == Status.NEW


def test_a_message_with_a_nul_is_refused_naming_the_body(
    ticket: Ticket, agent: User, requester: User
) -> None:
    _resolve(ticket, agent, T0 + timedelta(hours=1))
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        with pytest.raises(ValidationFailed) as refused:
            report_not_fixed(ticket=ticket, actor=requester, body="Still\x00 broken")
        with pytest.raises(ValidationFailed) as reply_refused:
            add_public_reply(ticket=ticket, actor=requester, body="bad\x00")
    assert set(refused.value.errors) == {"body"}
    assert set(reply_refused.value.errors) == {"body"}
    assert _status(ticket) == Status.RESOLVED


# Status follows the work ----------------------------------------------------------------


@pytest.mark.parametrize("start", [Status.NEW, Status.TRIAGED])
def test_first_support_reply_moves_a_new_or_triaged_ticket_to_in_progress(
    ticket: Ticket, agent: User, start: str
) -> None:
    if start != Status.NEW:
        change_status(ticket=ticket, actor=agent, status=start)
    add_public_reply(ticket=ticket, actor=agent, body="Looking at it now.")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.assignee) == (Status.IN_PROGRESS, agent)
    change = ticket.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert change is not None
    assert (change.old_value, change.new_value) == (start, Status.IN_PROGRESS)


def test_reply_with_a_chosen_status_sets_that_status_instead(ticket: Ticket, agent: User) -> None:
    add_public_reply(
        ticket=ticket, actor=agent, body="Which campus?", status=Status.WAITING_ON_REQUESTER
    )
    assert _status(ticket) == Status.WAITING_ON_REQUESTER
    worked = [
        kind
        for kind in _kinds(ticket)
        if kind in (EventKind.PUBLIC_REPLY, EventKind.STATUS_CHANGED)
    ]
    assert worked == [EventKind.PUBLIC_REPLY, EventKind.STATUS_CHANGED]
    assert list(
        ticket.events.filter(kind=EventKind.STATUS_CHANGED).values_list("new_value", flat=True)
    ) == [Status.WAITING_ON_REQUESTER]


def test_reply_leaves_a_ticket_in_work_where_it_is(ticket: Ticket, agent: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_THIRD_PARTY)
    add_public_reply(ticket=ticket, actor=agent, body="Still waiting on the vendor.")
    assert _status(ticket) == Status.WAITING_ON_THIRD_PARTY


def test_reply_with_a_status_the_lifecycle_refuses_changes_nothing(
    ticket: Ticket, agent: User
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        add_public_reply(ticket=ticket, actor=agent, body="Back to new", status=Status.NEW)
    assert _status(ticket) == Status.IN_PROGRESS
    assert EventKind.PUBLIC_REPLY not in _kinds(ticket)


def test_reply_with_an_unknown_status_names_the_field(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_public_reply(ticket=ticket, actor=agent, body="Hi", status="done")
    assert "status" in refused.value.errors
    assert _kinds(ticket) == [EventKind.CREATED]


def test_the_requester_may_not_set_a_status_with_a_reply(ticket: Ticket, requester: User) -> None:
    with pytest.raises(NotAllowed):
        add_public_reply(ticket=ticket, actor=requester, body="Closing", status=Status.CLOSED)
    assert _status(ticket) == Status.NEW


def test_a_requester_reply_does_not_start_work_on_a_new_ticket(
    ticket: Ticket, requester: User
) -> None:
    add_public_reply(ticket=ticket, actor=requester, body="Any news?")
    assert _status(ticket) == Status.NEW


def test_a_reply_that_names_the_current_status_keeps_it(ticket: Ticket, agent: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.TRIAGED)
    add_public_reply(ticket=ticket, actor=agent, body="We have it.", status=Status.TRIAGED)
    assert _status(ticket) == Status.TRIAGED


def _timeline_replays(queries: list[dict[str, Any]]) -> int:
    """Reads of the ticket's clock events: what re-planning its SLA clocks costs."""
    return sum('FROM "tickets_ticketevent"' in query["sql"] for query in queries)


def test_only_a_reply_that_moves_a_clock_replays_the_timeline(
    ticket: Ticket, requester: User, agent: User, time_machine: Any
) -> None:
    """A requester adding detail to a new ticket stops or starts no clock, so its plan is
    left as it was (the mail pipe's replies are mostly these); support's first answer
    stops the first-response clock and is planned again."""
    due = ticket.first_response_due_at
    time_machine.move_to(T0 + timedelta(minutes=10), tick=False)

    with CaptureQueriesContext(connection) as detail:
        add_public_reply(ticket=ticket, actor=requester, body="It happens in Chrome too.")
    ticket.refresh_from_db()
    assert (_timeline_replays(detail.captured_queries), ticket.first_response_due_at) == (0, due)

    with CaptureQueriesContext(connection) as answer:
        add_public_reply(ticket=ticket, actor=agent, body="We are looking at it.")
    ticket.refresh_from_db()
    assert _timeline_replays(answer.captured_queries) == 1
    assert ticket.first_response_state == ClockState.MET


def _close_after(ticket: Ticket, *, days: int) -> None:
    Institution.objects.filter(pk=ticket.institution_id).update(auto_close_days=days)
