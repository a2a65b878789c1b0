"""Change requests through their services: risk, approvals, evidence, implementation,
collisions, releases and the configuration ticket's workflow."""

import io
from datetime import timedelta

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.changes.choices import (
    ApproverRole,
    ChangeStatus,
    ChangeTicketEventKind,
    Decision,
    Outcome,
    Risk,
)
from hypercare.changes.models import ChangeRequest
from hypercare.changes.release import plan_change_release
from hypercare.changes.selectors import change_calendar, collisions, pending_change_approvals
from hypercare.changes.services.approvals import decide_change
from hypercare.changes.services.common import RiskAnswers, assess_risk
from hypercare.changes.services.records import (
    cancel_change,
    create_change,
    submit_change,
    update_change,
)
from hypercare.changes.services.testing import record_evidence, record_implementation
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.releases.selectors import notes_for
from hypercare.releases.services import compile_release_notes, create_release, ship_release
from hypercare.tickets import workflows
from hypercare.tickets.models import Ticket, TicketEvent
from tests import factories
from tests.changes.conftest import HIGH, T0, WINDOW, details
from tests.web.conftest import PNG


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        (RiskAnswers(), Risk.LOW),
        (RiskAnswers(in_production_hours=True), Risk.MEDIUM),
        (
            RiskAnswers(touches_finance_or_exam_data=True, affects_several_institutions=True),
            Risk.HIGH,
        ),
        (RiskAnswers(True, False, True, True), Risk.HIGH),
    ],
)
def test_the_risk_follows_from_the_questionnaire(answers: RiskAnswers, risk: str) -> None:
    assert assess_risk(answers) == risk


def test_an_agent_may_raise_the_risk_but_never_lower_it(
    agent: User, institution: Institution
) -> None:
    raised = create_change(actor=agent, details=details(institution, risk=Risk.HIGH))
    assert (raised.assessed_risk, raised.risk) == (Risk.LOW, Risk.HIGH)
    with pytest.raises(ValidationFailed) as refused:
        create_change(actor=agent, details=details(institution, answers=HIGH, risk=Risk.LOW))
    assert "risk" in refused.value.errors


def test_a_change_from_a_ticket_takes_its_module_and_shows_on_its_timeline(
    agent: User, institution: Institution, config_ticket: Ticket
) -> None:
    change = create_change(
        actor=agent, details=details(institution, modules=[]), tickets=[config_ticket]
    )
    assert [module.code for module in change.modules.all()] == [ModuleCode.FINANCE]
    assert list(change.institutions.all()) == [institution]
    linked = TicketEvent.objects.get(ticket=config_ticket, kind=ChangeTicketEventKind.CHANGE_LINKED)
    assert not linked.is_internal
    assert change.reference in linked.new_value


def test_only_support_staff_raise_a_change(requester: User, institution: Institution) -> None:
    with pytest.raises(NotAllowed):
        create_change(actor=requester, details=details(institution))


def test_submitting_needs_a_plan_a_window_and_modules(
    agent: User, institution: Institution
) -> None:
    bare = create_change(
        actor=agent,
        details=details(institution, plan="", window_start=None, window_end=None, modules=[]),
    )
    with pytest.raises(ValidationFailed) as refused:
        submit_change(change=bare, actor=agent)
    assert set(refused.value.errors) == {"plan", "window_start", "window_end", "modules"}


def test_a_window_must_end_after_it_starts(agent: User, institution: Institution) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_change(actor=agent, details=details(institution, window_end=WINDOW[0]))
    assert refused.value.errors == {"window_end": "must be after the window's start"}


def test_submitting_asks_the_module_owner_who_is_told(
    change: ChangeRequest, agent: User, finance_owner: User, manager: User
) -> None:
    submit_change(change=change, actor=agent)
    change.refresh_from_db()
    assert change.status == ChangeStatus.AWAITING_APPROVAL
    assert [a.role for a in change.approvals.all()] == [ApproverRole.MODULE_OWNER]
    asked = OutboxMessage.objects.filter(event=NotificationEvent.CHANGE_APPROVAL_REQUESTED)
    assert list(asked.values_list("recipient", flat=True)) == [finance_owner.pk]
    assert change.reference in asked.get().subject
    assert list(pending_change_approvals(finance_owner)) == list(change.approvals.all())
    assert not pending_change_approvals(manager).exists()


def test_the_module_owners_approval_approves_the_change(
    change: ChangeRequest, agent: User, finance_owner: User, config_ticket: Ticket
) -> None:
    submit_change(change=change, actor=agent)
    decide_change(change=change, actor=finance_owner, decision=Decision.APPROVED, comment="Fine.")
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    approval = change.approvals.get()
    assert (approval.decided_by, approval.decided_at, approval.comment) == (
        finance_owner,
        T0,
        "Fine.",
    )
    told = OutboxMessage.objects.get(event=NotificationEvent.CHANGE_DECIDED)
    assert told.recipient == agent
    assert workflows.progress(config_ticket).step == "test_evidence"


@pytest.mark.parametrize("gone", ["inactive", "role_withdrawn"])
def test_a_module_whose_only_owner_left_is_decided_by_a_support_manager(
    change: ChangeRequest, agent: User, finance_owner: User, manager: User, gone: str
) -> None:
    if gone == "inactive":
        finance_owner.is_active = False
        finance_owner.save()
    else:
        finance_owner.role_grants.filter(role=Role.MODULE_OWNER).delete()
    submit_change(change=change, actor=agent)

    asked = OutboxMessage.objects.filter(event=NotificationEvent.CHANGE_APPROVAL_REQUESTED)
    assert [mail.recipient for mail in asked] == [manager]
    assert {a.change_id for a in pending_change_approvals(manager)} == {change.pk}
    decide_change(change=change, actor=manager, decision=Decision.APPROVED)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED


def test_a_high_risk_change_also_needs_a_support_manager(
    agent: User, institution: Institution, finance_owner: User, manager: User
) -> None:
    change = create_change(actor=agent, details=details(institution, answers=HIGH))
    submit_change(change=change, actor=agent)
    decide_change(change=change, actor=finance_owner, decision=Decision.APPROVED)
    change.refresh_from_db()
    assert change.status == ChangeStatus.AWAITING_APPROVAL
    assert [a.change for a in pending_change_approvals(manager)] == [change]
    decide_change(change=change, actor=manager, decision=Decision.APPROVED)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED


def test_any_rejection_stops_the_change_and_needs_a_comment(
    agent: User, institution: Institution, finance_owner: User, manager: User
) -> None:
    change = create_change(actor=agent, details=details(institution, answers=HIGH))
    submit_change(change=change, actor=agent)
    with pytest.raises(ValidationFailed) as refused:
        decide_change(change=change, actor=manager, decision=Decision.REJECTED)
    assert set(refused.value.errors) == {"comment"}
    decide_change(change=change, actor=manager, decision=Decision.REJECTED, comment="Not in exams.")
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    with pytest.raises(InvalidTransition):
        decide_change(change=change, actor=finance_owner, decision=Decision.APPROVED)


def test_an_approver_cannot_approve_their_own_request(
    agent: User, institution: Institution, finance_owner: User
) -> None:
    own = factories.ticket(finance_owner, title="Add a refund approval step")
    change = create_change(actor=agent, details=details(institution), tickets=[own])
    submit_change(change=change, actor=agent)
    assert not pending_change_approvals(finance_owner).exists()
    with pytest.raises(NotAllowed):
        decide_change(change=change, actor=finance_owner, decision=Decision.APPROVED)
    assert change.approvals.get().decision == Decision.PENDING


def test_another_modules_owner_cannot_decide(
    change: ChangeRequest, agent: User, institution: Institution
) -> None:
    hr_owner = factories.user("module_owner", institution=institution, username="hr")
    factories.module(institution, ModuleCode.HR).owners.add(hr_owner)
    submit_change(change=change, actor=agent)
    with pytest.raises(NotAllowed):
        decide_change(change=change, actor=hr_owner, decision=Decision.APPROVED)


def _approved(change: ChangeRequest, agent: User, owner: User) -> ChangeRequest:
    submit_change(change=change, actor=agent)
    decide_change(change=change, actor=owner, decision=Decision.APPROVED)
    change.refresh_from_db()
    return change


def test_implementation_is_refused_before_test_evidence(
    change: ChangeRequest, agent: User, finance_owner: User
) -> None:
    change = _approved(change, agent, finance_owner)
    with pytest.raises(InvalidTransition):
        record_implementation(change=change, actor=agent, outcome=Outcome.SUCCEEDED)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert change.implemented_at is None


def test_evidence_before_approval_is_refused(change: ChangeRequest, agent: User) -> None:
    with pytest.raises(InvalidTransition):
        record_evidence(change=change, actor=agent, note="Tested in staging.")


def test_evidence_then_implementation_records_who_when_and_how_it_went(
    change: ChangeRequest,
    agent: User,
    finance_owner: User,
    config_ticket: Ticket,
    time_machine: object,
) -> None:
    change = _approved(change, agent, finance_owner)
    evidence = record_evidence(
        change=change,
        actor=agent,
        note="Tested in staging.",
        files=[("staging.png", io.BytesIO(PNG))],
    )
    assert [(f.original_name, f.content_type) for f in evidence.files.all()] == [
        ("staging.png", "image/png")
    ]
    assert workflows.progress(config_ticket).step == "implementation"
    done = record_implementation(change=change, actor=agent, outcome=Outcome.SUCCEEDED)
    assert (done.status, done.implemented_by, done.implemented_at) == (
        ChangeStatus.IMPLEMENTED,
        agent,
        T0,
    )
    progress = workflows.progress(config_ticket)
    assert progress.step == ""
    assert progress.taken[-1] == f"Implemented by {agent.display_name}."


def test_a_refused_evidence_file_is_named_and_nothing_is_recorded(
    change: ChangeRequest, agent: User, finance_owner: User
) -> None:
    change = _approved(change, agent, finance_owner)
    with pytest.raises(ValidationFailed) as refused:
        record_evidence(
            change=change, actor=agent, note="Tested.", files=[("run.svg", io.BytesIO(b"<svg/>"))]
        )
    assert "file" in refused.value.errors
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED


def test_a_rollback_needs_a_note(change: ChangeRequest, agent: User, finance_owner: User) -> None:
    change = _approved(change, agent, finance_owner)
    record_evidence(change=change, actor=agent, note="Tested.")
    with pytest.raises(ValidationFailed) as refused:
        record_implementation(change=change, actor=agent, outcome=Outcome.ROLLED_BACK)
    assert set(refused.value.errors) == {"note"}
    rolled = record_implementation(
        change=change, actor=agent, outcome=Outcome.ROLLED_BACK, note="Refunds stuck; undone."
    )
    assert rolled.status == ChangeStatus.ROLLED_BACK


def test_a_requester_cannot_record_the_implementation(
    agent: User, institution: Institution, finance_owner: User, tier2_agent: User
) -> None:
    factories.user("requester", institution=institution)
    asked = factories.ticket(factories.requester(institution), actor=tier2_agent)
    asked.reported_by = tier2_agent
    asked.save()
    change = create_change(actor=agent, details=details(institution), tickets=[asked])
    change = _approved(change, agent, finance_owner)
    record_evidence(change=change, actor=agent, note="Tested.")
    with pytest.raises(NotAllowed):
        record_implementation(change=change, actor=tier2_agent, outcome=Outcome.SUCCEEDED)


def test_a_draft_changes_but_a_submitted_change_does_not(
    change: ChangeRequest, agent: User, institution: Institution
) -> None:
    update_change(change=change, actor=agent, details=details(institution, title="Refund step"))
    change.refresh_from_db()
    assert change.title == "Refund step"
    submit_change(change=change, actor=agent)
    with pytest.raises(InvalidTransition):
        update_change(change=change, actor=agent, details=details(institution, title="Other"))


def test_two_changes_to_one_module_in_overlapping_windows_collide(
    change: ChangeRequest, agent: User, institution: Institution, other_institution: Institution
) -> None:
    overlapping = create_change(
        actor=agent,
        details=details(
            institution,
            title="Fee rounding",
            window_start=WINDOW[0] + timedelta(hours=1),
            window_end=WINDOW[1] + timedelta(hours=1),
        ),
    )
    create_change(
        actor=agent,
        details=details(
            institution,
            title="Later",
            window_start=WINDOW[1] + timedelta(hours=1),
            window_end=WINDOW[1] + timedelta(hours=2),
        ),
    )
    create_change(actor=agent, details=details(other_institution, title="Southbank fees"))
    assert [c.other for c in collisions(agent, change)] == [overlapping]
    assert [c.other for c in collisions(agent, overlapping)] == [change]
    month = change_calendar(agent, month=WINDOW[0].date())
    assert len(month.changes) == 4
    assert {pk: [c.other.pk for c in found] for pk, found in month.collisions.items()} == {
        change.pk: [overlapping.pk],
        overlapping.pk: [change.pk],
    }
    cancel_change(change=overlapping, actor=agent)
    assert collisions(agent, change) == []


def test_a_change_in_a_release_appears_in_its_notes_for_its_institution_only(
    change: ChangeRequest,
    agent: User,
    finance_owner: User,
    manager: User,
    requester: User,
    outsider: User,
) -> None:
    change = _approved(change, agent, finance_owner)
    record_evidence(change=change, actor=agent, note="Tested.")
    record_implementation(change=change, actor=agent, outcome=Outcome.SUCCEEDED)
    release = create_release(actor=manager, version="2025.4")
    plan_change_release(change=change, actor=agent, release=release)
    compile_release_notes(release=release, actor=manager)
    groups = notes_for(requester, release)
    assert [(g.module, [i.reference for i in g.items]) for g in groups] == [
        ("Finance/Accounts", [change.reference])
    ]
    assert notes_for(outsider, release) == []
    ship_release(release=release, actor=manager)
    assert change.events.filter(kind="shipped", value="2025.4").exists()
    with pytest.raises(InvalidTransition):
        plan_change_release(change=change, actor=agent, release=None)


def test_the_configuration_ticket_says_whom_it_waits_for(
    change: ChangeRequest, agent: User, config_ticket: Ticket
) -> None:
    assert workflows.progress(config_ticket).step == "change_request"
    submit_change(change=change, actor=agent)
    progress = workflows.progress(config_ticket)
    assert progress.step == "approval"
    assert progress.waiting_for == "Waiting for approval from Asha Rao."
    assert workflows.steps_dropped(config_ticket, "question") == progress.taken
