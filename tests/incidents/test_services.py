from datetime import timedelta
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.incidents.choices import IncidentEventKind, IncidentStatus, IncidentTicketEventKind
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.selectors import suggested_children
from hypercare.incidents.services import (
    attach_child,
    attach_children,
    change_resolve_by,
    declare_major_incident,
    detach_child,
    flag_missed_resolutions,
    flag_missed_updates,
    post_incident_update,
    resolve_major_incident,
)
from hypercare.jobs import JOBS
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.services.conversation import add_public_reply
from tests import factories
from tests.incidents.conftest import T0, TITLE, Outage, declaration, payment_ticket


def kinds(ticket: Any) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_declaring_from_a_ticket_makes_it_the_first_child(
    outage: Outage, incident: MajorIncident
) -> None:
    assert [child.ticket for child in incident.children.all()] == [outage.riya_ticket]
    assert list(incident.institutions.all()) == [outage.northfield]
    assert incident.status == IncidentStatus.ACTIVE
    assert incident.next_update_due_at == T0 + timedelta(minutes=20, hours=1)
    assert IncidentTicketEventKind.INCIDENT_DECLARED in kinds(outage.riya_ticket)
    assert IncidentTicketEventKind.INCIDENT_ATTACHED in kinds(outage.riya_ticket)
    assert list(incident.events.values_list("kind", flat=True)) == [
        IncidentEventKind.DECLARED,
        IncidentEventKind.CHILD_ATTACHED,
    ]


@pytest.mark.parametrize("role", [Role.TIER2, Role.TIER3, Role.SUPPORT_MANAGER])
def test_managers_and_tier_2_and_3_declare(outage: Outage, role: str) -> None:
    actor = factories.agent(role)
    incident = declare_major_incident(
        actor=actor, declaration=declaration(institutions=[outage.southbank])
    )
    assert incident.declared_by == actor
    assert incident.children.count() == 0


@pytest.mark.parametrize("role", [Role.TIER1, Role.ESCALATION_MANAGER])
def test_others_may_not_declare(outage: Outage, role: str) -> None:
    with pytest.raises(NotAllowed):
        declare_major_incident(
            actor=factories.agent(role), declaration=declaration(institutions=[outage.northfield])
        )
    with pytest.raises(NotAllowed):
        declare_major_incident(
            actor=outage.northfield_admin,
            declaration=declaration(institutions=[outage.northfield]),
        )
    assert not MajorIncident.objects.exists()


def test_declaring_names_every_field_that_is_wrong(outage: Outage) -> None:
    wrong = declaration(
        title=" ",
        module_code="nothing",
        integration_kind="pigeon",
        impact="",
        institutions=[],
        started_at=T0 + timedelta(days=1),
        update_every_hours=0,
    )
    with pytest.raises(ValidationFailed) as refused:
        declare_major_incident(actor=outage.manager, declaration=wrong)
    assert set(refused.value.errors) == {
        "title",
        "module_code",
        "integration_kind",
        "impact",
        "institutions",
        "started_at",
        "update_every_hours",
    }


def test_attaching_another_institutions_ticket_adds_that_institution(
    outage: Outage, incident: MajorIncident
) -> None:
    attach_child(incident=incident, ticket=outage.sam_ticket, actor=outage.manager)
    assert set(incident.institutions.all()) == {outage.northfield, outage.southbank}
    assert IncidentTicketEventKind.INCIDENT_ATTACHED in kinds(outage.sam_ticket)
    assert incident.events.filter(
        kind=IncidentEventKind.CHILD_ATTACHED, ticket=outage.sam_ticket
    ).exists()


def test_a_ticket_is_the_child_of_one_incident_at_most(
    outage: Outage, incident: MajorIncident
) -> None:
    other = declare_major_incident(
        actor=outage.manager, declaration=declaration(institutions=[outage.northfield])
    )
    with pytest.raises(InvalidTransition, match="already a child"):
        attach_child(incident=other, ticket=outage.riya_ticket, actor=outage.manager)


def test_bulk_attach_reports_each_refusal_and_keeps_the_rest(
    outage: Outage, incident: MajorIncident
) -> None:
    outcome = attach_children(
        incident=incident, tickets=[outage.riya_ticket, outage.sam_ticket], actor=outage.manager
    )
    assert outcome.changed == [outage.sam_ticket]
    assert [ticket for ticket, _ in outcome.refused] == [outage.riya_ticket]


def test_detaching_is_on_both_timelines(outage: Outage, incident: MajorIncident) -> None:
    detach_child(incident=incident, ticket=outage.riya_ticket, actor=outage.manager)
    assert incident.children.count() == 0
    assert IncidentTicketEventKind.INCIDENT_DETACHED in kinds(outage.riya_ticket)
    assert incident.events.filter(
        kind=IncidentEventKind.CHILD_DETACHED, ticket=outage.riya_ticket
    ).exists()
    with pytest.raises(InvalidTransition):
        detach_child(incident=incident, ticket=outage.riya_ticket, actor=outage.manager)


def test_one_update_reaches_each_requester_and_admin_about_their_own_only(
    outage: Outage, incident: MajorIncident
) -> None:
    attach_child(incident=incident, ticket=outage.sam_ticket, actor=outage.manager)
    post_incident_update(
        incident=incident, actor=outage.manager, body="The gateway provider is restarting it."
    )
    sent = OutboxMessage.objects.filter(
        event__in=[NotificationEvent.INCIDENT_UPDATE, NotificationEvent.INCIDENT_INSTITUTION_UPDATE]
    )
    by_recipient = {message.recipient: message for message in sent}
    assert set(by_recipient) == {
        outage.riya,
        outage.sam,
        outage.northfield_admin,
        outage.southbank_admin,
    }
    northfield_side = (outage.riya, outage.northfield_admin)
    for person, message in by_recipient.items():
        text = message.subject + message.body
        assert TITLE in text
        assert "The gateway provider is restarting it." in text
        own, other = (
            (outage.riya_ticket, outage.sam_ticket)
            if person in northfield_side
            else (outage.sam_ticket, outage.riya_ticket)
        )
        other_institution = outage.southbank if person in northfield_side else outage.northfield
        assert own.reference in text
        assert other.reference not in text
        assert other.title not in text
        assert other.requester.display_name not in text
        assert other_institution.name not in text
    for ticket in (outage.riya_ticket, outage.sam_ticket):
        update = TicketEvent.objects.get(
            ticket=ticket, kind=IncidentTicketEventKind.INCIDENT_UPDATE
        )
        assert not update.is_internal
        assert update.body == "The gateway provider is restarting it."


def test_an_update_sets_the_next_one_due(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    time_machine.move_to(T0 + timedelta(hours=3), tick=False)
    post_incident_update(incident=incident, actor=outage.manager, body="Still down.")
    incident.refresh_from_db()
    assert incident.last_update_at == T0 + timedelta(hours=3)
    assert incident.next_update_due_at == T0 + timedelta(hours=4)


def test_an_update_is_supports_first_response_on_each_child_not_answered_yet(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    add_public_reply(ticket=outage.sam_ticket, actor=outage.manager, body="We are on it.")
    attach_child(incident=incident, ticket=outage.sam_ticket, actor=outage.manager)
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)

    post_incident_update(incident=incident, actor=outage.manager, body="Still down.")

    unanswered = Ticket.objects.get(pk=outage.riya_ticket.pk)
    assert unanswered.first_responded_at == T0 + timedelta(hours=1)
    assert unanswered.first_response_state == ClockState.MET
    answered = Ticket.objects.get(pk=outage.sam_ticket.pk)
    assert answered.first_responded_at == T0 + timedelta(minutes=20)
    assert answered.first_response_state == ClockState.MET


def test_an_update_needs_words(outage: Outage, incident: MajorIncident) -> None:
    with pytest.raises(ValidationFailed) as refused:
        post_incident_update(incident=incident, actor=outage.manager, body="  ")
    assert set(refused.value.errors) == {"body"}


def test_resolving_resolves_every_open_child_through_the_workflow(
    outage: Outage, incident: MajorIncident
) -> None:
    attach_child(incident=incident, ticket=outage.sam_ticket, actor=outage.manager)
    outcome = resolve_major_incident(
        incident=incident, actor=outage.manager, resolution="The provider renewed its certificate."
    )
    assert {ticket.pk for ticket in outcome.changed} == {
        outage.riya_ticket.pk,
        outage.sam_ticket.pk,
    }
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.next_update_due_at is None
    for ticket in (outage.riya_ticket, outage.sam_ticket):
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
        assert ticket.resolved_at is not None
        change = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_CHANGED)
        assert change.reason == "The provider renewed its certificate."
        told = OutboxMessage.objects.get(
            event=NotificationEvent.TICKET_RESOLVED, ticket=ticket, recipient=ticket.requester
        )
        assert "How it was resolved: The provider renewed its certificate." in told.body
    with pytest.raises(InvalidTransition):
        post_incident_update(incident=incident, actor=outage.manager, body="Late news.")


def test_suggestions_match_module_integration_and_time_window(
    outage: Outage, incident: MajorIncident
) -> None:
    exams = factories.ticket(outage.sam, title="Exam hall list", module_code="exams")
    assert exams not in suggested_children(outage.manager, incident)
    assert suggested_children(outage.manager, incident) == [outage.sam_ticket]
    other_kind = factories.ticket(outage.sam, title="Plain fee question", module_code="fees")
    assert other_kind not in suggested_children(outage.manager, incident)
    assert suggested_children(outage.northfield_admin, incident) == []
    assert payment_ticket(outage.riya, "Another failure") in suggested_children(
        outage.manager, incident
    )


def test_a_missed_update_is_flagged_once_until_the_next_is_posted(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    assert JOBS["incident_updates"].function() == {"missed_incident_updates": 0}
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    assert JOBS["incident_updates"].function() == {"missed_incident_updates": 1}
    assert flag_missed_updates() == {"missed_incident_updates": 0}
    missed = OutboxMessage.objects.filter(event=NotificationEvent.INCIDENT_UPDATE_MISSED)
    assert [message.recipient for message in missed] == [outage.manager]
    assert incident.reference in missed[0].subject
    assert incident.events.filter(kind=IncidentEventKind.UPDATE_MISSED).count() == 1
    post_incident_update(incident=incident, actor=outage.manager, body="Back on track.")
    time_machine.move_to(T0 + timedelta(hours=4), tick=False)
    assert flag_missed_updates() == {"missed_incident_updates": 1}


# The resolution target -------------------------------------------------------------------


def test_the_resolution_target_counts_the_setting_from_declaration_around_the_clock(
    outage: Outage, settings: Any
) -> None:
    settings.HYPERCARE_INCIDENT_RESOLVE_HOURS = 14
    incident = declare_major_incident(
        actor=outage.manager, declaration=declaration(institutions=[outage.northfield])
    )
    # Declared Monday 11:00 UTC: fourteen hours on is 01:00 at night, no office hours.
    assert incident.resolve_by == T0 + timedelta(minutes=20, hours=14)
    assert incident.resolve_missed_at is None
    declared = incident.events.get(kind=IncidentEventKind.DECLARED)
    assert declared.moment == incident.resolve_by


def test_the_declarer_may_set_the_resolution_target(outage: Outage) -> None:
    target = T0 + timedelta(hours=2)
    incident = declare_major_incident(
        actor=outage.manager,
        declaration=declaration(institutions=[outage.northfield], resolve_by=target),
    )
    assert incident.resolve_by == target


@pytest.mark.parametrize(
    ("resolve_by", "problem"),
    [
        (T0 - timedelta(minutes=5), "must be after the incident started"),
        (T0, "must be after the incident started"),
        (T0 + timedelta(minutes=10), "must be in the future"),
        (T0 + timedelta(days=40), "must be within 31 days"),
    ],
)
def test_a_resolution_target_out_of_reach_is_refused_on_its_field(
    outage: Outage, resolve_by: Any, problem: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        declare_major_incident(
            actor=outage.manager,
            declaration=declaration(institutions=[outage.northfield], resolve_by=resolve_by),
        )
    assert refused.value.errors == {"resolve_by": problem}
    assert not MajorIncident.objects.exists()


@pytest.mark.parametrize("role", [Role.TIER2, Role.TIER3, Role.SUPPORT_MANAGER])
def test_a_handler_moves_the_target_with_a_reason_on_the_timeline(
    outage: Outage, incident: MajorIncident, role: str
) -> None:
    actor = factories.agent(role)
    target = T0 + timedelta(hours=8)
    change_resolve_by(
        incident=incident, actor=actor, resolve_by=target, reason="The vendor needs a new cert."
    )
    incident.refresh_from_db()
    assert incident.resolve_by == target
    moved = incident.events.get(kind=IncidentEventKind.RESOLVE_BY_CHANGED)
    assert (moved.actor, moved.moment, moved.body) == (
        actor,
        target,
        "The vendor needs a new cert.",
    )


def test_moving_the_target_names_each_missing_answer(
    outage: Outage, incident: MajorIncident
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_resolve_by(incident=incident, actor=outage.manager, resolve_by=None, reason=" ")
    assert set(refused.value.errors) == {"resolve_by", "reason"}
    with pytest.raises(ValidationFailed) as refused:
        change_resolve_by(incident=incident, actor=outage.manager, resolve_by=T0, reason="Earlier.")
    assert refused.value.errors == {"resolve_by": "must be after the incident started"}


def test_only_handlers_move_the_target_of_an_active_incident(
    outage: Outage, incident: MajorIncident
) -> None:
    later = T0 + timedelta(hours=9)
    with pytest.raises(NotAllowed):
        change_resolve_by(
            incident=incident, actor=factories.agent(Role.TIER1), resolve_by=later, reason="x"
        )
    resolve_major_incident(incident=incident, actor=outage.manager, resolution="Fixed.")
    with pytest.raises(InvalidTransition):
        change_resolve_by(incident=incident, actor=outage.manager, resolve_by=later, reason="x")


def test_a_missed_resolution_is_flagged_once_until_the_target_moves(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    target = T0 + timedelta(minutes=20, hours=4)
    assert JOBS["incident_resolutions"].function() == {"missed_incident_resolutions": 0}
    time_machine.move_to(target, tick=False)
    assert JOBS["incident_resolutions"].function() == {"missed_incident_resolutions": 1}
    # A second worker, or the next run, finds it claimed.
    assert flag_missed_resolutions() == {"missed_incident_resolutions": 0}

    incident.refresh_from_db()
    assert incident.resolve_missed_at == target
    missed = incident.events.get(kind=IncidentEventKind.RESOLVE_MISSED)
    assert (missed.actor, missed.moment) == (None, target)
    told = OutboxMessage.objects.filter(event=NotificationEvent.INCIDENT_RESOLVE_MISSED)
    other_manager = factories.agent(Role.SUPPORT_MANAGER)
    assert [message.recipient for message in told] == [outage.manager]
    assert incident.reference in told[0].subject
    assert "still active" in told[0].body

    change_resolve_by(
        incident=incident, actor=other_manager, resolve_by=target + timedelta(hours=2), reason="x"
    )
    incident.refresh_from_db()
    assert incident.resolve_missed_at is None
    time_machine.move_to(target + timedelta(hours=2), tick=False)
    assert flag_missed_resolutions() == {"missed_incident_resolutions": 1}
    assert OutboxMessage.objects.filter(
        event=NotificationEvent.INCIDENT_RESOLVE_MISSED, recipient=other_manager
    ).exists()


def test_a_resolved_incident_misses_no_target(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    resolve_major_incident(incident=incident, actor=outage.manager, resolution="Fixed.")
    time_machine.move_to(T0 + timedelta(days=1), tick=False)
    assert flag_missed_resolutions() == {"missed_incident_resolutions": 0}
