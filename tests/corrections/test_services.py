"""A data correction through its services: the record and its versions, sign-off with
its hash and snapshot, nothing applied without it, and the requester's verification."""

from dataclasses import replace
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.corrections import selectors, services
from hypercare.corrections.choices import CorrectionEventKind, Decision, Outcome, VoidReason
from hypercare.corrections.content import FieldChange, as_json, content_hash
from hypercare.corrections.models import CorrectionRecord, SignOff
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.event_kinds import describe
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_category
from tests import factories
from tests.corrections.conftest import CONTENT, T0


def _kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.values_list("kind", flat=True).order_by("pk"))


def _sent(event: str) -> list[str]:
    messages = OutboxMessage.objects.filter(event=event).order_by("pk")
    return list(messages.values_list("to_email", flat=True))


def test_writing_the_record_keeps_a_version_and_its_content_hash(
    ticket: Ticket, agent: User
) -> None:
    record = services.write_correction_record(ticket=ticket, actor=agent, content=CONTENT)

    assert record.version == 1
    assert record.content_hash == content_hash(as_json(CONTENT))
    assert record.versions.get().content["changes"][0] == {
        "record": "2024001",
        "field": "date_of_birth",
        "before": "2001-13-01",
        "after": "2001-01-13",
    }
    assert _kinds(ticket)[-1] == CorrectionEventKind.CORRECTION_WRITTEN


def test_the_same_content_again_writes_no_new_version(ticket: Ticket, agent: User) -> None:
    services.write_correction_record(ticket=ticket, actor=agent, content=CONTENT)
    record = services.write_correction_record(ticket=ticket, actor=agent, content=CONTENT)
    assert record.version == 1
    assert record.versions.count() == 1


def test_a_record_names_its_records_or_an_extract_and_each_bad_field(
    ticket: Ticket, agent: User
) -> None:
    bad = replace(
        CONTENT,
        records=(),
        changes=(FieldChange("", "dob\x07of birth", "a", "b"),),
        reason="typo",
        reversal_plan="",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.write_correction_record(ticket=ticket, actor=agent, content=bad)
    assert set(refused.value.errors) == {
        "records",
        "changes.0.record",
        "changes.0.field",
        "reason",
        "reversal_plan",
    }


def test_only_support_staff_write_the_record(ticket: Ticket, requester: User) -> None:
    with pytest.raises(NotAllowed):
        services.write_correction_record(ticket=ticket, actor=requester, content=CONTENT)


def test_a_csv_extract_is_a_public_file_of_the_ticket_and_joins_the_hash(
    ticket: Ticket, agent: User
) -> None:
    extract = services.ExtractFile("affected.csv", BytesIO(b"roll,name\n2024001,Ana\n"))
    record = services.write_correction_record(
        ticket=ticket, actor=agent, content=replace(CONTENT, records=()), extract_file=extract
    )

    assert record.extract is not None
    assert (record.extract.content_type, record.extract.is_internal) == ("text/csv", False)
    stored = record.versions.get().content
    assert stored["extract"]["sha256"] == record.extract.sha256
    assert record.content_hash == content_hash(stored)


def test_an_extract_that_is_not_csv_is_refused_and_leaves_no_file(
    ticket: Ticket, agent: User, attachment_dir: Any
) -> None:
    extract = services.ExtractFile("affected.txt", BytesIO(b"just some notes\n"))
    with pytest.raises(ValidationFailed) as refused:
        services.write_correction_record(
            ticket=ticket, actor=agent, content=CONTENT, extract_file=extract
        )
    assert set(refused.value.errors) == {"extract_id"}
    assert not ticket.attachments.exists()
    assert not any(path.is_file() for path in attachment_dir.rglob("*"))


def test_asking_for_sign_off_notifies_the_data_owner(asked: Ticket, data_owner: User) -> None:
    assert _sent(NotificationEvent.CORRECTION_SIGN_OFF_REQUESTED) == [data_owner.email]
    where = workflows.progress(asked)
    assert where.step == "sign_off"
    assert where.waiting_for == "Waiting for data-owner sign-off from Anil Rao."


def test_a_sign_off_records_who_when_the_hash_and_what_they_saw(
    signed: Ticket, data_owner: User, agent: User
) -> None:
    record = CorrectionRecord.objects.get(ticket=signed)
    sign_off = SignOff.objects.get()

    assert (sign_off.data_owner, sign_off.decided_at, sign_off.comment) == (
        data_owner,
        T0,
        "Checked.",
    )
    assert sign_off.content_hash == record.content_hash
    assert sign_off.snapshot["changes"] == record.changes
    assert sign_off.snapshot["version"] == 1
    assert _sent(NotificationEvent.CORRECTION_SIGN_OFF_DECIDED) == [agent.email]
    assert workflows.progress(signed).step == "applied"


def test_refusing_needs_a_comment_and_sends_it_back_to_the_agent(
    asked: Ticket, data_owner: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.decide_sign_off(ticket=asked, actor=data_owner, decision=Decision.REFUSED)
    assert set(refused.value.errors) == {"comment"}

    services.decide_sign_off(
        ticket=asked, actor=data_owner, decision=Decision.REFUSED, comment="Roll 2024002 is right."
    )
    assert SignOff.objects.get().decision == Decision.REFUSED
    assert workflows.progress(asked).waiting_for.startswith("Refused by Anil Rao")


def test_nothing_is_applied_without_sign_off(asked: Ticket, agent: User) -> None:
    with pytest.raises(InvalidTransition, match="without sign-off"):
        services.record_applied(ticket=asked, actor=agent)
    assert CorrectionRecord.objects.get(ticket=asked).applied_at is None


def test_nothing_is_applied_after_a_refusal(asked: Ticket, agent: User, data_owner: User) -> None:
    services.decide_sign_off(
        ticket=asked, actor=data_owner, decision=Decision.REFUSED, comment="No."
    )
    with pytest.raises(InvalidTransition):
        services.record_applied(ticket=asked, actor=agent)


def test_a_changed_record_voids_the_sign_off_and_asks_again(
    signed: Ticket, agent: User, data_owner: User, time_machine: Any
) -> None:
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    changed = replace(CONTENT, reversal_plan="Restore both rows from last night's backup.")
    services.write_correction_record(ticket=signed, actor=agent, content=changed)

    assert SignOff.objects.get().voided_at == T0 + timedelta(hours=1)
    assert _kinds(signed)[-3:] == [
        CorrectionEventKind.CORRECTION_WRITTEN,
        CorrectionEventKind.SIGN_OFF_VOID,
        CorrectionEventKind.SIGN_OFF_REQUESTED,
    ]
    assert len(_sent(NotificationEvent.CORRECTION_SIGN_OFF_REQUESTED)) == 2
    with pytest.raises(InvalidTransition):
        services.record_applied(ticket=signed, actor=agent)
    services.decide_sign_off(ticket=signed, actor=data_owner, decision=Decision.SIGNED_OFF)
    assert services.record_applied(ticket=signed, actor=agent).applied_by == agent


def test_a_requester_can_never_mark_applied(signed: Ticket, requester: User) -> None:
    with pytest.raises(NotAllowed):
        services.record_applied(ticket=signed, actor=requester)


def test_only_the_named_data_owner_signs_off(
    asked: Ticket, institution: Institution, other_institution: Institution
) -> None:
    colleague_owner = factories.user(Role.DATA_OWNER, institution=institution)
    foreign_owner = factories.user(Role.DATA_OWNER, institution=other_institution)
    for person in (colleague_owner, foreign_owner):
        with pytest.raises(NotAllowed):
            services.decide_sign_off(ticket=asked, actor=person, decision=Decision.SIGNED_OFF)


def test_a_data_owner_who_lost_the_role_cannot_sign_off(asked: Ticket, data_owner: User) -> None:
    data_owner.role_grants.all().delete()
    with pytest.raises(NotAllowed):
        services.decide_sign_off(ticket=asked, actor=data_owner, decision=Decision.SIGNED_OFF)


def test_an_approver_cannot_sign_off_their_own_request(
    institution: Institution, agent: User
) -> None:
    owner = factories.user(Role.DATA_OWNER, Role.REQUESTER, institution=institution)
    ticket = factories.data_correction(owner, owner)
    services.write_correction_record(ticket=ticket, actor=agent, content=CONTENT)

    with pytest.raises(InvalidTransition, match="cannot sign off their own request"):
        services.request_sign_off(ticket=ticket, actor=agent)
    CorrectionRecord.objects.filter(ticket=ticket).update(sign_off_requested_at=T0)
    with pytest.raises(NotAllowed, match="cannot sign it off yourself"):
        services.decide_sign_off(ticket=ticket, actor=owner, decision=Decision.SIGNED_OFF)


def test_the_requester_verifies_and_the_workflow_is_done(
    signed: Ticket, agent: User, requester: User
) -> None:
    services.record_applied(ticket=signed, actor=agent)
    assert _sent(NotificationEvent.CORRECTION_APPLIED) == [requester.email]
    with pytest.raises(NotAllowed):
        services.verify_correction(ticket=signed, actor=agent, outcome=Outcome.RIGHT)

    services.verify_correction(ticket=signed, actor=requester, outcome=Outcome.RIGHT)

    where = workflows.progress(signed)
    assert (where.step, where.waiting_for) == ("", "")
    assert where.taken[-1] == "Verified by Riya"


def test_not_right_returns_it_to_the_agent_and_reopens_a_resolved_ticket(
    signed: Ticket, agent: User, requester: User
) -> None:
    services.record_applied(ticket=signed, actor=agent)
    Ticket.objects.filter(pk=signed.pk).update(status=Status.RESOLVED, resolved_at=T0)

    services.verify_correction(
        ticket=signed,
        actor=requester,
        outcome=Outcome.NOT_RIGHT,
        comment="2024002 still shows 14/02.",
    )

    signed.refresh_from_db()
    record = CorrectionRecord.objects.get(ticket=signed)
    assert (signed.status, record.applied_at, record.verified_at) == (
        Status.IN_PROGRESS,
        None,
        None,
    )
    assert _sent(NotificationEvent.CORRECTION_NOT_RIGHT) == [agent.email]
    assert workflows.progress(signed).step == "applied"


def test_verifying_before_it_is_applied_is_refused(signed: Ticket, requester: User) -> None:
    with pytest.raises(InvalidTransition):
        services.verify_correction(ticket=signed, actor=requester, outcome=Outcome.RIGHT)


def test_an_applied_record_stays_as_it_was_done(signed: Ticket, agent: User) -> None:
    services.record_applied(ticket=signed, actor=agent)
    with pytest.raises(InvalidTransition):
        services.write_correction_record(
            ticket=signed, actor=agent, content=replace(CONTENT, reversal_plan="Other.")
        )


def test_the_tracker_names_the_steps_taken(signed: Ticket) -> None:
    assert workflows.progress(signed).taken == (
        "Correction record written by tara (version 1)",
        "Signed off by Anil Rao",
    )
    assert selectors.standing_sign_off(CorrectionRecord.objects.get(ticket=signed)) is not None


def _recategorise_as_question(ticket: Ticket, agent: User) -> None:
    change_category(
        ticket=ticket,
        actor=agent,
        category=Category.QUESTION,
        category_details={"screen_or_report": "Student record"},
        confirmed=True,
    )
    ticket.refresh_from_db()


def _name_data_owner(ticket: Ticket, agent: User, owner: User) -> None:
    """The intake's data-owner question answered again, the category kept."""
    change_category(
        ticket=ticket,
        actor=agent,
        category=Category.DATA_CORRECTION,
        category_details={**ticket.category_details, "data_owner_id": owner.pk},
    )
    ticket.refresh_from_db()


NO_LONGER = "is not a data correction any more"


def test_a_ticket_recategorised_away_takes_no_more_correction_steps(
    signed: Ticket, agent: User, data_owner: User
) -> None:
    _recategorise_as_question(signed, agent)

    with pytest.raises(InvalidTransition, match=NO_LONGER):
        services.record_applied(ticket=signed, actor=agent)
    with pytest.raises(InvalidTransition, match=NO_LONGER):
        services.request_sign_off(ticket=signed, actor=agent)
    with pytest.raises(InvalidTransition, match=NO_LONGER):
        services.write_correction_record(
            ticket=signed, actor=agent, content=replace(CONTENT, reversal_plan="Other.")
        )
    record = CorrectionRecord.objects.get(ticket=signed)
    assert (record.applied_at, record.version) == (None, 1)
    assert SignOff.objects.get().voided_at is None


def test_the_data_owner_is_told_a_recategorised_ticket_is_no_correction_any_more(
    asked: Ticket, agent: User, data_owner: User
) -> None:
    _recategorise_as_question(asked, agent)

    for decision, comment in ((Decision.SIGNED_OFF, ""), (Decision.REFUSED, "Wrong rows.")):
        with pytest.raises(InvalidTransition, match=f"{asked.reference} {NO_LONGER}"):
            services.decide_sign_off(
                ticket=asked, actor=data_owner, decision=decision, comment=comment
            )
    assert not SignOff.objects.exists()


def test_nobody_verifies_a_correction_whose_ticket_was_recategorised(
    signed: Ticket, agent: User, requester: User
) -> None:
    services.record_applied(ticket=signed, actor=agent)
    _recategorise_as_question(signed, agent)

    with pytest.raises(InvalidTransition, match=NO_LONGER):
        services.verify_correction(ticket=signed, actor=requester, outcome=Outcome.RIGHT)
    assert CorrectionRecord.objects.get(ticket=signed).verified_at is None


@pytest.fixture
def new_owner(institution: Institution) -> User:
    return factories.user(
        Role.DATA_OWNER,
        institution=institution,
        username="bkim",
        first_name="Bea",
        last_name="Kim",
    )


def test_naming_another_data_owner_voids_the_sign_off_and_asks_the_new_one(
    signed: Ticket, agent: User, data_owner: User, new_owner: User, time_machine: Any
) -> None:
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    _name_data_owner(signed, agent, new_owner)

    sign_off = SignOff.objects.get()
    assert (sign_off.voided_at, sign_off.void_reason) == (
        T0 + timedelta(hours=1),
        VoidReason.DATA_OWNER_CHANGED,
    )
    assert _kinds(signed)[-3:] == [
        CorrectionEventKind.DATA_OWNER_NAMED,
        CorrectionEventKind.SIGN_OFF_VOID,
        CorrectionEventKind.SIGN_OFF_REQUESTED,
    ]
    named = signed.events.get(kind=CorrectionEventKind.DATA_OWNER_NAMED)
    assert (named.actor, named.old_value, named.new_value) == (agent, "Anil Rao", "Bea Kim")
    assert _sent(NotificationEvent.CORRECTION_SIGN_OFF_REQUESTED)[-1] == new_owner.email
    assert workflows.progress(signed).waiting_for == (
        "Waiting for data-owner sign-off from Bea Kim."
    )
    with pytest.raises(InvalidTransition, match="without sign-off"):
        services.record_applied(ticket=signed, actor=agent)
    with pytest.raises(NotAllowed):
        services.decide_sign_off(ticket=signed, actor=data_owner, decision=Decision.SIGNED_OFF)

    services.decide_sign_off(ticket=signed, actor=new_owner, decision=Decision.SIGNED_OFF)
    assert services.record_applied(ticket=signed, actor=agent).applied_by == agent


def test_a_pending_ask_goes_to_the_newly_named_data_owner(
    asked: Ticket, agent: User, data_owner: User, new_owner: User
) -> None:
    _name_data_owner(asked, agent, new_owner)

    assert _sent(NotificationEvent.CORRECTION_SIGN_OFF_REQUESTED) == [
        data_owner.email,
        new_owner.email,
    ]
    assert CorrectionEventKind.SIGN_OFF_VOID not in _kinds(asked)
    assert _kinds(asked)[-1] == CorrectionEventKind.SIGN_OFF_REQUESTED


def test_an_applied_correction_keeps_the_sign_off_it_was_made_on(
    signed: Ticket, agent: User, new_owner: User
) -> None:
    services.record_applied(ticket=signed, actor=agent)
    _name_data_owner(signed, agent, new_owner)

    assert SignOff.objects.get().voided_at is None
    assert _kinds(signed)[-1] == CorrectionEventKind.DATA_OWNER_NAMED
    assert workflows.progress(signed).step == "verified"


def test_the_same_data_owner_answered_again_changes_nothing(
    signed: Ticket, agent: User, data_owner: User
) -> None:
    _name_data_owner(signed, agent, data_owner)

    assert SignOff.objects.get().voided_at is None
    assert CorrectionEventKind.DATA_OWNER_NAMED not in _kinds(signed)


def test_the_timeline_says_who_named_whom_and_why_a_sign_off_is_void(
    signed: Ticket, agent: User, new_owner: User
) -> None:
    _name_data_owner(signed, agent, new_owner)

    sentences = [describe(event) for event in signed.events.order_by("pk")]
    assert "tara named Bea Kim as the data owner instead of Anil Rao" in sentences
    assert "The sign-off by Anil Rao is void: another data owner is named" in sentences
