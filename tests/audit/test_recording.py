"""Changes made through the services, or the ORM in a shell, are recorded at the model:
who (the shell when no person acts), what, and the values before and after."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from hypercare.access_requests.services.reviews import set_review_interval
from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.audit.choices import Action, Area, Channel
from hypercare.audit.context import acting
from hypercare.audit.models import AuditEntry
from hypercare.audit.recording import HIDDEN
from hypercare.escalations.models import EscalationRule
from hypercare.handover.gate_settings import set_exit_gates
from hypercare.handover.models import ExitGate
from hypercare.mail.models import Mailbox
from hypercare.notifications.models import NotificationTemplate
from hypercare.orgs.models import Institution, Module
from hypercare.orgs.services import create_institution
from hypercare.sla.clocks import Target
from hypercare.sla.models import ClosureDay, SlaTarget
from hypercare.sla.policies import (
    CalendarSettings,
    PolicySettings,
    add_closure_days,
    create_calendar,
    create_policy,
    remove_closure_days,
    update_calendar,
    update_policy,
)
from hypercare.tickets.models import RoutingRule
from hypercare.tickets.services.saved_replies import (
    create_saved_reply,
    delete_saved_reply,
    update_saved_reply,
)
from tests import factories
from tests.audit.conftest import entries_of, steps

SHELL = Channel.SHELL


def test_a_routing_rule_changed_in_a_shell_is_recorded_as_the_shells(db: None) -> None:
    team = factories.team("Finance desk")
    rule = RoutingRule.objects.create(team=team, category="question", position=10)
    rule.position = 20
    rule.save()
    rule.save()  # unchanged: nothing recorded
    pk = rule.pk
    rule.delete()
    rule.pk = pk

    recorded = steps(rule)
    assert [(action, who, channel) for action, who, channel, _, _ in recorded] == [
        (Action.CREATED, SHELL, SHELL),
        (Action.CHANGED, SHELL, SHELL),
        (Action.DELETED, SHELL, SHELL),
    ]
    assert recorded[0][4]["team"] == team.pk
    assert recorded[1][3:] == ({"position": 10}, {"position": 20})
    assert recorded[2][3]["position"] == 20
    entry = entries_of(rule)[0]
    assert entry.area == Area.ROUTING
    assert entry.actor_id is None
    assert "Finance desk" in entry.record_label


def test_an_sla_policy_and_its_targets_record_only_what_changed(
    manager: User, institution: Institution
) -> None:
    target = Target(first_response_minutes=60, resolution_minutes=480, business_hours=False)
    settings = PolicySettings(
        name="Contract", institution=institution, targets={"critical": target, "high": target}
    )
    with acting(person=manager):
        policy = create_policy(actor=manager, settings=settings)
        slower = Target(first_response_minutes=90, resolution_minutes=480, business_hours=False)
        update_policy(
            actor=manager,
            policy=policy,
            settings=PolicySettings(
                name="Contract",
                institution=institution,
                warning_percent=80,
                targets={"critical": slower},
            ),
        )

    assert steps(policy)[1] == (
        Action.CHANGED,
        manager.display_name,
        SHELL,
        {"warning_percent": 75},
        {"warning_percent": 80},
    )
    p1 = SlaTarget.objects.get(policy=policy, priority="critical")
    assert [step[0] for step in steps(p1)] == [Action.CREATED, Action.CHANGED]
    assert steps(p1)[1][3:] == ({"first_response_minutes": 60}, {"first_response_minutes": 90})
    p2 = AuditEntry.objects.filter(record_type="sla.slatarget").exclude(record_id=str(p1.pk))
    assert [entry.action for entry in p2.order_by("pk")] == [Action.CREATED, Action.DELETED]


def test_a_calendar_and_its_holidays_are_recorded(manager: User) -> None:
    calendar = create_calendar(actor=manager, settings=CalendarSettings(name="Pune office"))
    update_calendar(
        actor=manager,
        calendar=calendar,
        settings=CalendarSettings(name="Pune office", time_zone="Asia/Kolkata"),
    )
    add_closure_days(actor=manager, calendar=calendar, first=date(2026, 12, 24), reason="Exam week")
    remove_closure_days(actor=manager, calendar=calendar, first=date(2026, 12, 24))

    assert steps(calendar)[1][3:] == ({"time_zone": "UTC"}, {"time_zone": "Asia/Kolkata"})
    closures = AuditEntry.objects.filter(record_type="sla.closureday").order_by("pk")
    assert [(entry.action, entry.area) for entry in closures] == [
        (Action.CREATED, Area.CALENDARS),
        (Action.DELETED, Area.CALENDARS),
    ]
    assert closures[0].after["date"] == "2026-12-24"
    assert closures[0].after["reason"] == "Exam week"
    assert not ClosureDay.objects.exists()


def test_team_memberships_are_changes_of_the_team_from_either_side(db: None) -> None:
    team = factories.team("Service desk")
    alice = factories.agent(first_name="Alice", last_name="Ames")
    bob = factories.agent(first_name="Bob", last_name="Bell")
    team.members.add(alice, bob)
    team.members.remove(alice)
    bob.teams.clear()

    members = [(before, after) for action, _, _, before, after in steps(team)[1:]]
    assert members == [
        ({"members": []}, {"members": ["Alice Ames", "Bob Bell"]}),
        ({"members": ["Alice Ames", "Bob Bell"]}, {"members": ["Bob Bell"]}),
        ({"members": ["Bob Bell"]}, {"members": []}),
    ]


def test_round_robin_progress_is_not_configuration(db: None) -> None:
    team = factories.team()
    team.last_auto_assigned = factories.agent()
    team.save()
    assert [step[0] for step in steps(team)] == [Action.CREATED]


def test_role_grants_and_revocations_name_the_person(manager: User) -> None:
    person = factories.user(Role.TIER1, Role.TIER2, username="tina")
    grants = AuditEntry.objects.filter(person_id=person.pk).order_by("pk")
    assert [(entry.action, entry.after["role"]) for entry in grants] == [
        (Action.GRANTED, Role.TIER1),
        (Action.GRANTED, Role.TIER2),
    ]
    with acting(person=manager):
        RoleGrant.objects.get(user=person, role=Role.TIER2).delete()
    revoked = AuditEntry.objects.filter(person_id=person.pk, action=Action.REVOKED).get()
    assert revoked.before["role"] == Role.TIER2
    assert revoked.who == manager.display_name
    assert revoked.area == Area.ROLES


def test_templates_are_recorded(manager: User) -> None:
    template = NotificationTemplate.objects.get(event="ticket_received")
    old_subject = template.subject
    template.subject = "We have your request {{ ticket.reference }}"
    template.save()
    assert steps(template)[-1][3:] == (
        {"subject": old_subject},
        {"subject": "We have your request {{ ticket.reference }}"},
    )

    team = factories.team()
    team.members.add(manager)
    reply = create_saved_reply(actor=manager, team=team, title="Reset", body="Try again.")
    update_saved_reply(actor=manager, reply=reply, title="Reset", body="Please try again.")
    pk = reply.pk
    delete_saved_reply(actor=manager, reply=reply)
    reply.pk = pk
    assert [(step[0], step[3], step[4]) for step in steps(reply)][1:] == [
        (Action.CHANGED, {"body": "Try again."}, {"body": "Please try again."}),
        (Action.DELETED, steps(reply)[2][3], {}),
    ]
    assert entries_of(reply)[0].area == Area.TEMPLATES


def test_a_mailboxs_password_is_recorded_as_changed_never_by_value(db: None) -> None:
    mailbox = Mailbox.objects.create(
        name="Support", address="support@desk.example", host="imap.example", password="s3cret"
    )
    mailbox.password = "n3w-s3cret"  # noqa: S105 (a test value)
    mailbox.last_error = "timed out"
    mailbox.save()

    created, changed = steps(mailbox)
    assert created[4]["password"] == HIDDEN
    assert changed[3:] == ({"password": HIDDEN}, {"password": HIDDEN})
    stored = AuditEntry.objects.values_list("before", "after")
    assert "s3cret" not in str(list(stored))


def test_exit_gate_thresholds_are_recorded(institution: Institution, manager: User) -> None:
    set_exit_gates(institution=institution, gates={"backlog": 3, "no_critical": 7}, actor=manager)
    set_exit_gates(institution=institution, gates={"backlog": 5}, actor=manager)

    gates = AuditEntry.objects.filter(area=Area.EXIT_GATES).order_by("pk")
    assert [(entry.action, entry.before, entry.after) for entry in gates][2:] == [
        (Action.DELETED, gates[1].after, {}),
        (Action.CHANGED, {"threshold": 3}, {"threshold": 5}),
    ]
    assert ExitGate.objects.get(institution=institution).threshold == 5


def test_escalation_rules_and_institution_settings_are_recorded(
    institution: Institution, manager: User
) -> None:
    escalation_manager = factories.agent(Role.ESCALATION_MANAGER)
    rule = EscalationRule.objects.create(institution=institution, manager=escalation_manager)
    assert entries_of(rule)[0].area == Area.ESCALATION_RULES

    set_review_interval(institution=institution, actor=manager, months=6)
    schedule = AuditEntry.objects.get(record_type="access_requests.reviewschedule")
    assert schedule.after["months_between_reviews"] == 6

    created = create_institution(name="Eastgate", slug="eastgate")
    assert steps(created)[0][0] == Action.CREATED
    modules = Module.objects.filter(institution=created)
    recorded = AuditEntry.objects.filter(record_type="orgs.module", action=Action.CREATED)
    assert set(recorded.values_list("record_id", flat=True)) >= {
        str(pk) for pk in modules.values_list("pk", flat=True)
    }


def test_the_audit_is_append_only(db: None) -> None:
    factories.team()
    entry = AuditEntry.objects.get()
    entry.record_label = "something else"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(record_label="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().record_label != "something else"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_an_audit_row_by_sql(db: None) -> None:
    factories.team()
    for statement in (
        "UPDATE audit_auditentry SET record_label = 'x'",
        "DELETE FROM audit_auditentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEntry.objects.count() == 1
