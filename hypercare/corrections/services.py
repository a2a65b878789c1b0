"""A data correction's use cases: write the record, ask for sign-off, decide, record it
applied, verify the outcome.

The rule the seeds ask for: nothing is applied without the data owner's sign-off, and a
sign-off holds only for the record as it was read, by the data owner the ticket names.
Writing the record again after a sign-off voids it (on the timeline) and asks the data
owner again; naming another data owner voids it and asks the new one. A ticket
recategorised away from data correction keeps its record as history: no step is taken
on it any more (``selectors.steps_refused``).
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO

from hypercare import access
from hypercare.accounts.models import User
from hypercare.corrections import events, notices
from hypercare.corrections.choices import Decision, Outcome, VoidReason
from hypercare.corrections.content import CorrectionContent, as_json, checked, content_hash
from hypercare.corrections.models import CorrectionRecord, CorrectionVersion, SignOff
from hypercare.corrections.selectors import (
    data_owner_of,
    named_data_owner_id,
    standing_sign_off,
    steps_refused,
)
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.sla.services import replan_ticket
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services import lifecycle
from hypercare.tickets.services.attachments import add_attachment
from hypercare.tickets.services.common import lock, require
from hypercare.tickets.workflows import NewAnswers

COMMENT_MAX = 4000
WRITE_REFUSED = "Only support staff write a correction record and apply it."
OWN_REQUEST = (
    "You asked for this correction, so you cannot sign it off yourself: the support team "
    "will name another data owner."
)


@dataclass(frozen=True)
class ExtractFile:
    """A CSV extract sent with the record, stored as a public file of the ticket."""

    name: str
    content: IO[bytes]


def write_correction_record(
    *,
    ticket: Ticket,
    actor: User,
    content: CorrectionContent,
    extract_file: ExtractFile | None = None,
) -> CorrectionRecord:
    """Write (or rewrite) the ticket's correction record as a new version.

    The same content again writes nothing. Once applied the record is what was done
    and stays, unless the requester says it is not right. A changed record voids its
    sign-off, which is asked for again.
    """
    require(access.can_write_correction(actor), WRITE_REFUSED)
    # Before the extract is stored; checked again under the ticket's lock.
    require_steps_open(ticket)
    if extract_file is None:
        return _write(ticket, actor, checked(content, ticket))
    with composed():
        extract = add_attachment(
            ticket=ticket, actor=actor, name=extract_file.name, content=extract_file.content
        )
        return _write(ticket, actor, checked(replace(content, extract=extract), ticket))


def _write(ticket: Ticket, actor: User, content: CorrectionContent) -> CorrectionRecord:
    stored = as_json(content)
    digest = content_hash(stored)
    with use_case():
        ticket = _open(ticket)
        record = CorrectionRecord.objects.select_for_update().filter(ticket=ticket).first()
        if record is not None and record.applied_at is not None:
            raise InvalidTransition("The correction is applied: its record stays as it was done.")
        if record is not None and record.content_hash == digest:
            return record
        at = clock.now()
        if record is None:
            record = CorrectionRecord(ticket=ticket, version=0)
        record.records = stored["records"]
        record.extract = content.extract
        record.changes = stored["changes"]
        record.reason = content.reason
        record.reversal_plan = content.reversal_plan
        record.content_hash = digest
        record.version += 1
        record.written_by = actor
        record.written_at = at
        record.save()
        CorrectionVersion.objects.create(
            record=record,
            number=record.version,
            content=stored,
            content_hash=digest,
            written_by=actor,
            written_at=at,
        )
        events.record_written(ticket, actor, at, record.version)
        if _void_decisions(ticket, record, at, VoidReason.RECORD_CHANGED):
            _ask_again(ticket, record, actor, at)
        _touch(ticket, at)
    return record


def _void_decisions(
    ticket: Ticket, record: CorrectionRecord, at: datetime, reason: VoidReason
) -> bool:
    """The record's standing decisions no longer stand, for ``reason``; whether one of
    them was a sign-off (its voiding is on the timeline)."""
    standing = SignOff.objects.filter(record=record, voided_at__isnull=True)
    signed_off = standing.filter(decision=Decision.SIGNED_OFF).select_related("data_owner").first()
    standing.update(voided_at=at, void_reason=reason)
    if signed_off is None:
        return False
    events.record_sign_off_void(ticket, at, signed_off.data_owner, reason)
    return True


def _ask_again(ticket: Ticket, record: CorrectionRecord, actor: User, at: datetime) -> None:
    """Ask the data owner the ticket names, as the first time, when they still may sign
    off; else nobody is waited for until the support team names another."""
    owner = data_owner_of(ticket)
    if owner is not None and owner.pk != ticket.requester_id:
        _ask(ticket, record, owner, actor, at)
    elif record.sign_off_requested_at is not None:
        record.sign_off_requested_at = None
        record.save(update_fields=["sign_off_requested_at"])


def follow_data_owner(change: NewAnswers) -> None:
    """A data-correction ticket's answers were written anew (tickets' ``change_category``
    calls this in its transaction, through ``workflows.on_new_answers``). When they name
    another data owner than before, the timeline says so; a record not yet applied loses
    the decisions of the one before, and when it was put to sign-off, the new data owner
    is asked as the first was. An applied correction keeps the sign-off it was made on."""
    ticket = change.ticket
    before = named_data_owner_id(change.old_answers)
    after = named_data_owner_id(ticket.category_details)
    if before == after:
        return
    names: dict[int | None, str] = {
        person.pk: person.display_name for person in User.objects.filter(pk__in=(before, after))
    }
    events.record_data_owner_named(
        ticket, change.actor, change.at, old=names.get(before, ""), new=names.get(after, "")
    )
    record = CorrectionRecord.objects.select_for_update().filter(ticket=ticket).first()
    if record is None or record.applied_at is not None:
        return
    was_asked = (
        record.sign_off_requested_at is not None
        or record.sign_offs.filter(voided_at__isnull=True).exists()
    )
    _void_decisions(ticket, record, change.at, VoidReason.DATA_OWNER_CHANGED)
    if was_asked:
        _ask_again(ticket, record, change.actor, change.at)


def request_sign_off(*, ticket: Ticket, actor: User) -> CorrectionRecord:
    """Ask the data owner named at intake to sign off the record as it stands."""
    require(access.can_write_correction(actor), WRITE_REFUSED)
    with use_case():
        ticket = _open(ticket)
        record = _record(ticket)
        if standing_sign_off(record) is not None:
            raise InvalidTransition("This version of the correction record is signed off already.")
        owner = data_owner_of(ticket)
        if owner is None:
            raise InvalidTransition(
                "The data owner named on this ticket is no longer a data owner at the "
                "institution: name another data owner first."
            )
        if owner.pk == ticket.requester_id:
            raise InvalidTransition(
                f"{owner.display_name} asked for this correction and cannot sign off their "
                "own request: name another data owner first."
            )
        at = clock.now()
        _ask(ticket, record, owner, actor, at)
        _touch(ticket, at)
    return record


def _ask(ticket: Ticket, record: CorrectionRecord, owner: User, actor: User, at: datetime) -> None:
    record.sign_off_requested_at = at
    record.save(update_fields=["sign_off_requested_at"])
    event = events.record_sign_off_requested(ticket, actor, at, owner)
    notices.sign_off_requested(ticket, event, owner)


def decide_sign_off(*, ticket: Ticket, actor: User, decision: str, comment: str = "") -> SignOff:
    """The data owner signs off the record as it stands, or refuses it saying why.

    Recorded with the record's hash and a snapshot of what they read, so what was
    signed off can be shown later even after the record changes.
    """
    errors = FieldErrors()
    errors.choice("decision", decision, Decision.values)
    signed_off = decision == Decision.SIGNED_OFF
    text = errors.text("comment", comment, COMMENT_MAX, required=decision == Decision.REFUSED)
    errors.check()
    with use_case():
        # A ticket no longer a data correction names no data owner: say that, not "you
        # are not its data owner".
        ticket = _open(ticket)
        require(
            access.is_named_data_owner(actor, ticket),
            "Only the data owner named on this ticket signs off its correction.",
        )
        if actor.pk == ticket.requester_id:
            raise NotAllowed(OWN_REQUEST)
        record = _record(ticket)
        if record.sign_off_requested_at is None:
            raise InvalidTransition("Your sign-off has not been asked for on this record.")
        at = clock.now()
        sign_off = SignOff.objects.create(
            record=record,
            data_owner=actor,
            decision=decision,
            comment=text,
            content_hash=record.content_hash,
            version=record.version,
            snapshot=_snapshot(record),
            decided_at=at,
        )
        record.sign_off_requested_at = None
        record.save(update_fields=["sign_off_requested_at"])
        event = events.record_decision(
            ticket, actor, at, signed_off=signed_off, version=record.version, comment=text
        )
        notices.sign_off_decided(ticket, event, signed_off=signed_off)
        _touch(ticket, at)
    return sign_off


def _snapshot(record: CorrectionRecord) -> dict[str, object]:
    """The record as the data owner read it: its stored version."""
    version = record.versions.get(number=record.version)
    return {"version": version.number, **version.content}


def record_applied(*, ticket: Ticket, actor: User) -> CorrectionRecord:
    """The correction is made in the ERP: only once the record as it stands is signed
    off, and only by support staff."""
    require(access.can_write_correction(actor), "Only support staff record a correction applied.")
    with use_case():
        ticket = _open(ticket)
        record = _record(ticket)
        if record.applied_at is not None:
            raise InvalidTransition("The correction is applied already.")
        if standing_sign_off(record) is None:
            raise InvalidTransition(
                "Nothing is applied without sign-off: the data owner has not signed off "
                "this version of the correction record."
            )
        at = clock.now()
        record.applied_by = actor
        record.applied_at = at
        record.save(update_fields=["applied_by", "applied_at"])
        event = events.record_applied(ticket, actor, at)
        notices.applied(ticket, event)
        _touch(ticket, at)
    return record


def verify_correction(
    *, ticket: Ticket, actor: User, outcome: str, comment: str = ""
) -> CorrectionRecord:
    """The requester says the applied correction is right, or not (saying what is
    wrong): then it goes back to the agent, not applied, and a resolved ticket reopens."""
    errors = FieldErrors()
    errors.choice("outcome", outcome, Outcome.values)
    verified = outcome == Outcome.RIGHT
    text = errors.text("comment", comment, COMMENT_MAX, required=outcome == Outcome.NOT_RIGHT)
    errors.check()
    with use_case():
        ticket = _open(ticket)
        require(
            access.can_verify_correction(actor, ticket),
            "Only the requester verifies the correction.",
        )
        record = _record(ticket)
        if record.applied_at is None:
            raise InvalidTransition("The correction has not been applied yet.")
        if record.verified_at is not None:
            raise InvalidTransition("The correction is verified already.")
        at = clock.now()
        event = events.record_verification(ticket, actor, at, verified=verified, comment=text)
        if verified:
            record.verified_by, record.verified_at = actor, at
        else:
            record.applied_by, record.applied_at = None, None
            notices.not_right(ticket, event)
        record.save(update_fields=["verified_by", "verified_at", "applied_by", "applied_at"])
        if not verified and ticket.status == Status.RESOLVED:
            lifecycle.set_status(ticket, actor=actor, at=at, status=Status.IN_PROGRESS, reason="")
            ticket.save(update_fields=["status", "resolved_at"])
            replan_ticket(ticket, at=at)
        _touch(ticket, at)
    return record


def _open(ticket: Ticket) -> Ticket:
    """The ticket locked, refused once its correction is history (closed, or no longer a
    data correction)."""
    ticket = lock(ticket)
    require_steps_open(ticket)
    return ticket


def require_steps_open(ticket: Ticket) -> None:
    """Refuse (409) any step of a correction that is history (``steps_refused``); the
    step's pages ask it too, so they offer no form the service would refuse."""
    refused = steps_refused(ticket)
    if refused:
        raise InvalidTransition(refused)


def _record(ticket: Ticket) -> CorrectionRecord:
    record = CorrectionRecord.objects.select_for_update().filter(ticket=ticket).first()
    if record is None:
        raise InvalidTransition("This ticket has no correction record yet.")
    return record


def _touch(ticket: Ticket, at: datetime) -> None:
    ticket.updated_at = at
    ticket.save(update_fields=["updated_at"])
