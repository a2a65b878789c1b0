"""The escalation process of seed 003 through its services: request, handling, cadence,
levels and de-escalation, with the clock under the test's control."""

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.escalations.choices import (
    AgreementChannel,
    CommunicationMode,
    EscalationEventKind,
    EscalationLevel,
    EscalationStatus,
    Workaround,
)
from hypercare.escalations.models import Escalation, EscalationRule
from hypercare.escalations.selectors import choose_manager, open_escalations
from hypercare.escalations.services.handling import (
    DeEscalationChecklist,
    assign_escalation_manager,
    de_escalate,
    post_escalation_update,
    raise_escalation_level,
    record_action_plan,
    record_communication_plan,
)
from hypercare.escalations.services.intake import request_escalation
from hypercare.escalations.services.review import flag_missed_updates
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.orgs.services import set_availability
from hypercare.tickets.choices import Status
from hypercare.tickets.event_kinds import describe
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.escalations.conftest import CHECKLIST, REASON, T0


def _request(ticket: Ticket, actor: User, **changes: Any) -> Escalation:
    checklist = dataclasses.replace(CHECKLIST, **changes)
    return request_escalation(ticket=ticket, actor=actor, reason=REASON, checklist=checklist)


def _events(ticket: Ticket, kind: str) -> list[TicketEvent]:
    return list(ticket.events.filter(kind=kind).order_by("pk"))


def _mail(event: str) -> list[str]:
    return sorted(OutboxMessage.objects.filter(event=event).values_list("to_email", flat=True))


def _agreement(**changes: Any) -> DeEscalationChecklist:
    checklist = DeEscalationChecklist(
        action_plan_accepted=True,
        root_cause_on_track=True,
        agreed_by="Riya",
        agreed_at=T0 + timedelta(days=2),
        agreement_channel=AgreementChannel.PHONE,
    )
    return dataclasses.replace(checklist, **changes)


def _plans(escalation: Escalation, manager: User, every: int = 4) -> Escalation:
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch the gateway.")
    return record_communication_plan(
        escalation=escalation,
        actor=manager,
        mode=CommunicationMode.CONFERENCE_CALL,
        update_every_hours=every,
        attendees="Riya, Esme, the gateway vendor",
    )


# The whole life of an escalation ----------------------------------------------------------


def test_the_whole_life_of_an_escalation(
    ticket: Ticket, requester: User, manager: User, support_manager: User
) -> None:
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        escalation = _request(ticket, requester)
    assert (escalation.status, escalation.manager, escalation.level) == (
        EscalationStatus.ACTIVE,
        manager,
        EscalationLevel.SUPPORT_LEAD,
    )
    # The first update is due within the configured four hours.
    assert escalation.next_update_due_at == T0 + timedelta(hours=5)

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        _plans(escalation, manager, every=6)
    escalation.refresh_from_db()
    assert escalation.next_update_due_at == T0 + timedelta(hours=8)

    with time_machine.travel(T0 + timedelta(hours=7), tick=False):
        post_escalation_update(escalation=escalation, actor=manager, body="Vendor is on it.")
    escalation.refresh_from_db()
    assert escalation.last_update_at == T0 + timedelta(hours=7)
    assert escalation.next_update_due_at == T0 + timedelta(hours=13)

    # The next update is missed: flagged exactly once however often the job runs.
    with time_machine.travel(T0 + timedelta(hours=13, minutes=1), tick=False):
        assert flag_missed_updates() == {"missed_updates": 1}
        assert flag_missed_updates() == {"missed_updates": 0}
    with time_machine.travel(T0 + timedelta(hours=20), tick=False):
        assert flag_missed_updates() == {"missed_updates": 0}
    missed = _events(ticket, EscalationEventKind.ESCALATION_UPDATE_MISSED)
    assert len(missed) == 1
    assert missed[0].is_internal
    assert _mail(NotificationEvent.ESCALATION_UPDATE_MISSED) == ["esme@example.edu"]

    with time_machine.travel(T0 + timedelta(hours=21), tick=False):
        raise_escalation_level(
            escalation=escalation,
            actor=support_manager,
            level=EscalationLevel.SUPPORT_MANAGER,
            reason="Update missed on a fee deadline week.",
        )
    escalation.refresh_from_db()
    assert escalation.level == EscalationLevel.SUPPORT_MANAGER

    with pytest.raises(ValidationFailed) as refused:
        de_escalate(
            escalation=escalation,
            actor=manager,
            checklist=_agreement(root_cause_on_track=False, agreed_by=" "),
        )
    assert set(refused.value.errors) == {"root_cause_on_track", "agreed_by"}
    assert Escalation.objects.get(pk=escalation.pk).status == EscalationStatus.ACTIVE

    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        de_escalate(escalation=escalation, actor=manager, checklist=_agreement())
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.DE_ESCALATED
    assert (escalation.agreed_by, escalation.agreement_channel) == ("Riya", "phone")
    assert escalation.next_update_due_at is None
    # The record stays on the timeline, in order, and the ticket can be escalated again.
    kinds = list(ticket.events.filter(kind__startswith="escalation").values_list("kind", flat=True))
    assert kinds == [
        EscalationEventKind.ESCALATION_REQUESTED,
        EscalationEventKind.ESCALATION_MANAGER,
        EscalationEventKind.ESCALATION_ACTION_PLAN,
        EscalationEventKind.ESCALATION_COMMUNICATION_PLAN,
        EscalationEventKind.ESCALATION_UPDATE,
        EscalationEventKind.ESCALATION_UPDATE_MISSED,
        EscalationEventKind.ESCALATION_LEVEL_RAISED,
    ]
    assert _events(ticket, EscalationEventKind.DE_ESCALATED)[0].is_internal is False
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        assert _request(ticket, requester, milestone_date=None, milestone="").is_open


def test_the_requester_follows_the_public_steps_only(
    ticket: Ticket, requester: User, manager: User
) -> None:
    with time_machine.travel(T0, tick=False):
        escalation = _request(ticket, requester)
        _plans(escalation, manager)
        raise_escalation_level(
            escalation=escalation,
            actor=manager,
            level=EscalationLevel.SUPPORT_MANAGER,
            reason="Vendor silent",
        )
    public = set(ticket.events.filter(is_internal=False).values_list("kind", flat=True))
    assert {
        EscalationEventKind.ESCALATION_REQUESTED,
        EscalationEventKind.ESCALATION_MANAGER,
        EscalationEventKind.ESCALATION_ACTION_PLAN,
        EscalationEventKind.ESCALATION_COMMUNICATION_PLAN,
    } <= public
    assert EscalationEventKind.ESCALATION_LEVEL_RAISED not in public


def test_request_notifies_the_manager_and_acknowledges_to_the_requester(
    ticket: Ticket, requester: User, manager: User
) -> None:
    with time_machine.travel(T0, tick=False):
        _request(ticket, requester)
    assert _mail(NotificationEvent.ESCALATION_REQUESTED) == ["esme@example.edu"]
    acknowledged = OutboxMessage.objects.get(event=NotificationEvent.ESCALATION_ACKNOWLEDGED)
    assert acknowledged.to_email == "riya@example.edu"
    assert "Esme" in acknowledged.body
    assert "Mon 7 Apr 2025, 14:00 UTC" in acknowledged.body


# The review checklist --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"problem_statement_confirmed": False}, {"problem_statement_confirmed"}),
        ({"business_impact": "  "}, {"business_impact"}),
        ({"workaround": "maybe"}, {"workaround"}),
        ({"workaround_impractical_because": ""}, {"workaround_impractical_because"}),
        ({"milestone": ""}, {"milestone"}),
        ({"milestone_date": None}, {"milestone_date"}),
        ({"milestone_date": date(2025, 4, 6)}, {"milestone_date"}),
        (
            {"problem_statement_confirmed": False, "business_impact": "", "workaround": ""},
            {"problem_statement_confirmed", "business_impact", "workaround"},
        ),
    ],
)
def test_the_review_checklist_names_every_answer_that_does_not_pass(
    ticket: Ticket, requester: User, changes: dict[str, Any], fields: set[str]
) -> None:
    with time_machine.travel(T0, tick=False), pytest.raises(ValidationFailed) as refused:
        _request(ticket, requester, **changes)
    assert set(refused.value.errors) == fields
    assert not Escalation.objects.exists()
    assert not ticket.events.filter(kind=EscalationEventKind.ESCALATION_REQUESTED).exists()


def test_no_workaround_and_no_milestone_is_a_complete_checklist(
    ticket: Ticket, requester: User
) -> None:
    with time_machine.travel(T0, tick=False):
        escalation = _request(
            ticket,
            requester,
            workaround=Workaround.NONE,
            workaround_impractical_because="ignored",
            milestone_date=None,
            milestone="",
        )
    assert (escalation.workaround_impractical_because, escalation.milestone_date) == ("", None)


def test_an_unknown_reason_is_refused(ticket: Ticket, requester: User) -> None:
    with time_machine.travel(T0, tick=False), pytest.raises(ValidationFailed) as refused:
        request_escalation(ticket=ticket, actor=requester, reason="bored", checklist=CHECKLIST)
    assert set(refused.value.errors) == {"reason"}


def test_a_ticket_has_one_open_escalation_and_a_closed_one_none(
    ticket: Ticket, requester: User, agent: User
) -> None:
    with time_machine.travel(T0, tick=False):
        _request(ticket, requester)
        with pytest.raises(InvalidTransition):
            _request(ticket, agent)
        other = factories.ticket(requester)
        change_status(ticket=other, actor=agent, status=Status.RESOLVED)
        change_status(ticket=other, actor=agent, status=Status.CLOSED)
        with pytest.raises(InvalidTransition):
            _request(other, requester)
    assert Escalation.objects.count() == 1


# Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["requester", "institution_admin", "agent"])
def test_requester_institution_admin_and_agents_may_request(
    request: pytest.FixtureRequest, ticket: Ticket, persona: str
) -> None:
    actor = request.getfixturevalue(persona)
    with time_machine.travel(T0, tick=False):
        assert _request(ticket, actor).requested_by == actor


@pytest.mark.parametrize("persona", ["colleague", "key_user", "outsider"])
def test_others_may_not_request(
    request: pytest.FixtureRequest, ticket: Ticket, persona: str
) -> None:
    with time_machine.travel(T0, tick=False), pytest.raises(NotAllowed):
        _request(ticket, request.getfixturevalue(persona))


@pytest.fixture
def escalation(ticket: Ticket, requester: User, manager: User) -> Escalation:
    with time_machine.travel(T0, tick=False):
        return _request(ticket, requester)


@pytest.mark.parametrize("persona", ["requester", "institution_admin", "agent", "outsider"])
def test_only_managers_handle_an_escalation(
    request: pytest.FixtureRequest, escalation: Escalation, manager: User, persona: str
) -> None:
    actor = request.getfixturevalue(persona)
    steps: list[Callable[[], object]] = [
        lambda: assign_escalation_manager(escalation=escalation, actor=actor, manager=manager),
        lambda: record_action_plan(escalation=escalation, actor=actor, action_plan="Plan"),
        lambda: post_escalation_update(escalation=escalation, actor=actor, body="Update"),
        lambda: raise_escalation_level(
            escalation=escalation, actor=actor, level=2, reason="Because"
        ),
        lambda: de_escalate(escalation=escalation, actor=actor, checklist=_agreement()),
    ]
    for step in steps:
        with pytest.raises(NotAllowed):
            step()
    assert escalation.ticket.events.filter(kind__startswith="escalation").count() == 2


def test_escalation_managers_raise_to_the_support_manager_but_not_to_executives(
    escalation: Escalation, manager: User, support_manager: User
) -> None:
    with pytest.raises(NotAllowed):
        raise_escalation_level(
            escalation=escalation, actor=manager, level=EscalationLevel.EXECUTIVE, reason="Now"
        )
    raise_escalation_level(
        escalation=escalation, actor=manager, level=EscalationLevel.SUPPORT_MANAGER, reason="Slow"
    )
    raise_escalation_level(
        escalation=escalation,
        actor=support_manager,
        level=EscalationLevel.EXECUTIVE,
        reason="Board meeting on Friday",
    )
    escalation.refresh_from_db()
    assert escalation.level == EscalationLevel.EXECUTIVE
    raised = _events(escalation.ticket, EscalationEventKind.ESCALATION_LEVEL_RAISED)
    assert [(event.old_value, event.new_value) for event in raised] == [("1", "2"), ("2", "3")]
    assert raised[1].reason == "Board meeting on Friday"


def test_levels_only_go_up_and_need_a_reason(escalation: Escalation, support_manager: User) -> None:
    with pytest.raises(InvalidTransition):
        raise_escalation_level(
            escalation=escalation, actor=support_manager, level=1, reason="Calm down"
        )
    with pytest.raises(ValidationFailed) as refused:
        raise_escalation_level(escalation=escalation, actor=support_manager, level=4, reason="")
    assert set(refused.value.errors) == {"level", "reason"}


def test_raising_to_the_support_manager_tells_the_support_managers(
    escalation: Escalation, manager: User, support_manager: User
) -> None:
    raise_escalation_level(escalation=escalation, actor=manager, level=2, reason="Slow vendor")
    assert _mail(NotificationEvent.ESCALATION_LEVEL_RAISED) == ["sam@example.edu"]


# Handling ---------------------------------------------------------------------------------


def test_plans_and_updates_need_a_manager_first(
    ticket: Ticket, requester: User, support_manager: User, manager: User
) -> None:
    set_availability(actor=manager, agent=manager, on_duty=False, out_of_office_until=None)
    with time_machine.travel(T0, tick=False):
        escalation = _request(ticket, requester)
    assert (escalation.status, escalation.manager) == (EscalationStatus.REQUESTED, None)
    # Nobody could be chosen, so every escalation manager hears of it.
    assert _mail(NotificationEvent.ESCALATION_REQUESTED) == ["esme@example.edu"]
    with pytest.raises(InvalidTransition):
        record_action_plan(escalation=escalation, actor=support_manager, action_plan="Plan")
    assign_escalation_manager(escalation=escalation, actor=support_manager, manager=manager)
    escalation.refresh_from_db()
    assert (escalation.status, escalation.manager) == (EscalationStatus.ACTIVE, manager)
    assert _mail(NotificationEvent.ESCALATION_ASSIGNED) == ["esme@example.edu"]


def test_only_an_escalation_manager_can_be_the_primary_contact(
    escalation: Escalation, support_manager: User, agent: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        assign_escalation_manager(escalation=escalation, actor=support_manager, manager=agent)
    assert set(refused.value.errors) == {"manager"}


def test_the_communication_plan_is_checked_field_by_field(
    escalation: Escalation, manager: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        record_communication_plan(
            escalation=escalation, actor=manager, mode="pigeon", update_every_hours=0, attendees=""
        )
    assert set(refused.value.errors) == {"mode", "update_every_hours", "attendees"}


def test_recording_the_action_plan_again_revises_it(escalation: Escalation, manager: User) -> None:
    record_action_plan(escalation=escalation, actor=manager, action_plan="First plan")
    record_action_plan(escalation=escalation, actor=manager, action_plan="Better plan")
    escalation.refresh_from_db()
    assert escalation.action_plan == "Better plan"
    events = _events(escalation.ticket, EscalationEventKind.ESCALATION_ACTION_PLAN)
    assert [(event.new_value, event.body) for event in events] == [
        ("recorded", "First plan"),
        ("revised", "Better plan"),
    ]


def test_an_update_reaches_the_requester_with_the_next_update_time(
    escalation: Escalation, manager: User
) -> None:
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        _plans(escalation, manager, every=2)
        post_escalation_update(escalation=escalation, actor=manager, body="Patch on staging.")
    updates = OutboxMessage.objects.filter(event=NotificationEvent.ESCALATION_UPDATE)
    latest = updates.order_by("-pk").first()
    assert latest is not None
    assert latest.to_email == "riya@example.edu"
    assert "Patch on staging." in latest.body
    assert "Mon 7 Apr 2025, 13:00 UTC" in latest.body


# Update cadence -------------------------------------------------------------------------


def test_each_due_update_is_flagged_once_and_a_posted_update_rearms_the_check(
    escalation: Escalation, manager: User
) -> None:
    with time_machine.travel(T0, tick=False):
        _plans(escalation, manager, every=4)
    with time_machine.travel(T0 + timedelta(hours=3, minutes=59), tick=False):
        assert flag_missed_updates() == {"missed_updates": 0}
    with time_machine.travel(T0 + timedelta(hours=4), tick=False):
        assert flag_missed_updates() == {"missed_updates": 1}
        assert flag_missed_updates() == {"missed_updates": 0}
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        post_escalation_update(escalation=escalation, actor=manager, body="Late, sorry.")
        assert flag_missed_updates() == {"missed_updates": 0}
    with time_machine.travel(T0 + timedelta(hours=9), tick=False):
        assert flag_missed_updates() == {"missed_updates": 1}
    missed = _events(escalation.ticket, EscalationEventKind.ESCALATION_UPDATE_MISSED)
    assert [event.created_at for event in missed] == [
        T0 + timedelta(hours=4),
        T0 + timedelta(hours=9),
    ]
    assert (missed[0].reason, missed[0].new_value) == ("", "2025-04-07T14:00:00+00:00")
    assert (
        describe(missed[0]) == "An escalation update was missed: it was due Mon 7 Apr 2025, 14:00"
    )


def test_the_first_update_is_due_before_any_plan(escalation: Escalation) -> None:
    with time_machine.travel(T0 + timedelta(hours=4), tick=False):
        assert flag_missed_updates() == {"missed_updates": 1}


def test_a_de_escalated_escalation_has_no_updates_due(
    escalation: Escalation, manager: User
) -> None:
    with time_machine.travel(T0, tick=False):
        _plans(escalation, manager)
    with time_machine.travel(T0 + timedelta(days=2, hours=1), tick=False):
        de_escalate(escalation=escalation, actor=manager, checklist=_agreement())
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        assert flag_missed_updates() == {"missed_updates": 0}


def test_a_missed_update_at_level_two_also_tells_the_support_managers_and_team_lead(
    ticket: Ticket, requester: User, manager: User, support_manager: User
) -> None:
    lead = factories.agent(Role.TIER1, username="leo")
    team = factories.team("Service desk", lead=lead)
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    with time_machine.travel(T0, tick=False):
        escalation = _request(ticket, requester)
        raise_escalation_level(escalation=escalation, actor=manager, level=2, reason="Slow")
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        flag_missed_updates()
    assert _mail(NotificationEvent.ESCALATION_UPDATE_MISSED) == [
        "esme@example.edu",
        "leo@example.edu",
        "sam@example.edu",
    ]


# De-escalation -----------------------------------------------------------------------------


def test_de_escalation_needs_a_recorded_action_plan(escalation: Escalation, manager: User) -> None:
    with pytest.raises(InvalidTransition):
        de_escalate(escalation=escalation, actor=manager, checklist=_agreement())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"action_plan_accepted": False}, "action_plan_accepted"),
        ({"root_cause_on_track": False}, "root_cause_on_track"),
        ({"agreed_by": ""}, "agreed_by"),
        ({"agreed_at": None}, "agreed_at"),
        ({"agreed_at": T0 + timedelta(days=9)}, "agreed_at"),
        ({"agreed_at": T0 - timedelta(days=1)}, "agreed_at"),
        ({"agreement_channel": ""}, "agreement_channel"),
    ],
)
def test_de_escalation_is_refused_until_its_checklist_is_complete(
    escalation: Escalation, manager: User, changes: dict[str, Any], field: str
) -> None:
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch")
    with (
        time_machine.travel(T0 + timedelta(days=3), tick=False),
        pytest.raises(ValidationFailed) as refused,
    ):
        de_escalate(escalation=escalation, actor=manager, checklist=_agreement(**changes))
    assert set(refused.value.errors) == {field}
    escalation.refresh_from_db()
    assert escalation.is_open
    assert not escalation.ticket.events.filter(kind=EscalationEventKind.DE_ESCALATED).exists()


def test_a_de_escalated_escalation_takes_no_more_steps(
    escalation: Escalation, manager: User
) -> None:
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch")
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        de_escalate(escalation=escalation, actor=manager, checklist=_agreement())
        with pytest.raises(InvalidTransition):
            post_escalation_update(escalation=escalation, actor=manager, body="More")
        with pytest.raises(InvalidTransition):
            raise_escalation_level(escalation=escalation, actor=manager, level=2, reason="x")


# Choosing the escalation manager -------------------------------------------------------


@pytest.fixture
def managers(db: None) -> tuple[User, User, User]:
    return (
        factories.agent(Role.ESCALATION_MANAGER, username="anil"),
        factories.agent(Role.ESCALATION_MANAGER, username="bela"),
        factories.agent(Role.ESCALATION_MANAGER, username="chen"),
    )


def test_the_most_specific_escalation_rule_names_the_manager(
    ticket: Ticket, institution: Institution, managers: tuple[User, User, User]
) -> None:
    anil, bela, chen = managers
    EscalationRule.objects.create(position=1, manager=anil)
    EscalationRule.objects.create(position=2, manager=bela, module_code=ModuleCode.FINANCE)
    EscalationRule.objects.create(
        position=3, manager=chen, module_code=ModuleCode.FINANCE, institution=institution
    )
    assert choose_manager(ticket, T0)[0] == chen
    EscalationRule.objects.filter(manager=chen).update(module_code=ModuleCode.EXAMS)
    assert choose_manager(ticket, T0)[0] == bela


def test_a_rule_whose_manager_is_away_gives_way_to_the_least_loaded(
    ticket: Ticket, requester: User, managers: tuple[User, User, User]
) -> None:
    anil, bela, chen = managers
    EscalationRule.objects.create(manager=chen, module_code=ModuleCode.FINANCE)
    with time_machine.travel(T0, tick=False):
        set_availability(actor=chen, agent=chen, on_duty=True, out_of_office_until=date(2025, 4, 8))
        busy = factories.ticket(requester)
        _request(busy, requester)  # goes to anil (fewest open, then by username)
        manager, how = choose_manager(ticket, T0)
    assert manager == bela
    assert "fewest open escalations" in how
    assert choose_manager(ticket, T0 + timedelta(days=2))[0] == chen


def test_no_escalation_manager_at_all_leaves_the_request_waiting(
    ticket: Ticket, requester: User
) -> None:
    with time_machine.travel(T0, tick=False):
        escalation = _request(ticket, requester)
    assert escalation.status == EscalationStatus.REQUESTED
    assert list(open_escalations(factories.agent(Role.SUPPORT_MANAGER))) == [escalation]
