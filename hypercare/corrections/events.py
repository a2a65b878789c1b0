"""A data correction's steps on its ticket's timeline, and how each reads. Called only
by the correction services, inside their transaction. Every step is public: the
requester verifies the outcome, the data owner signs off, and both read the ticket."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.corrections.choices import CorrectionEventKind, VoidReason
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record_written(ticket: Ticket, actor: User, at: datetime, version: int) -> TicketEvent:
    return append(ticket, CorrectionEventKind.CORRECTION_WRITTEN, actor, at, new_value=str(version))


def record_sign_off_requested(
    ticket: Ticket, actor: User | None, at: datetime, data_owner: User
) -> TicketEvent:
    return append(
        ticket,
        CorrectionEventKind.SIGN_OFF_REQUESTED,
        actor,
        at,
        new_value=data_owner.display_name,
    )


def record_decision(
    ticket: Ticket, actor: User, at: datetime, *, signed_off: bool, version: int, comment: str
) -> TicketEvent:
    kind = CorrectionEventKind.SIGNED_OFF if signed_off else CorrectionEventKind.SIGN_OFF_REFUSED
    return append(ticket, kind, actor, at, new_value=str(version), body=comment)


def record_sign_off_void(
    ticket: Ticket, at: datetime, data_owner: User, reason: VoidReason
) -> TicketEvent:
    return append(
        ticket,
        CorrectionEventKind.SIGN_OFF_VOID,
        None,
        at,
        old_value=data_owner.display_name,
        new_value=reason,
    )


def record_data_owner_named(
    ticket: Ticket, actor: User, at: datetime, *, old: str, new: str
) -> TicketEvent:
    """Another data owner named on the ticket, by name: ``old`` is empty when the ticket
    named none before (it was recategorised to a data correction)."""
    return append(
        ticket, CorrectionEventKind.DATA_OWNER_NAMED, actor, at, old_value=old, new_value=new
    )


def _void_sentence(event: TicketEvent) -> str:
    # Voids recorded before reasons were kept were all for a changed record.
    reason = VoidReason(event.new_value or VoidReason.RECORD_CHANGED)
    return f"The sign-off by {event.old_value} is void: {reason.label}"


def _data_owner_sentence(actor: str, event: TicketEvent) -> str:
    named = f"{actor} named {event.new_value} as the data owner"
    return f"{named} instead of {event.old_value}" if event.old_value else named


def record_applied(ticket: Ticket, actor: User, at: datetime) -> TicketEvent:
    return append(ticket, CorrectionEventKind.CORRECTION_APPLIED, actor, at)


def record_verification(
    ticket: Ticket, actor: User, at: datetime, *, verified: bool, comment: str
) -> TicketEvent:
    kind = (
        CorrectionEventKind.CORRECTION_VERIFIED
        if verified
        else CorrectionEventKind.CORRECTION_NOT_RIGHT
    )
    return append(ticket, kind, actor, at, body=comment)


SENTENCES: dict[str, Sentence] = {
    CorrectionEventKind.CORRECTION_WRITTEN: lambda actor, event: (
        f"{actor} wrote the correction record (version {event.new_value})"
    ),
    CorrectionEventKind.SIGN_OFF_REQUESTED: lambda actor, event: (
        f"{actor} asked {event.new_value} to sign off the correction"
    ),
    CorrectionEventKind.SIGNED_OFF: lambda actor, event: (
        f"{actor} signed off the correction record (version {event.new_value})"
    ),
    CorrectionEventKind.SIGN_OFF_REFUSED: lambda actor, event: (
        f"{actor} refused to sign off the correction record (version {event.new_value})"
    ),
    CorrectionEventKind.SIGN_OFF_VOID: lambda actor, event: _void_sentence(event),
    CorrectionEventKind.DATA_OWNER_NAMED: _data_owner_sentence,
    CorrectionEventKind.CORRECTION_APPLIED: lambda actor, event: f"{actor} applied the correction",
    CorrectionEventKind.CORRECTION_VERIFIED: lambda actor, event: (
        f"{actor} verified the correction"
    ),
    CorrectionEventKind.CORRECTION_NOT_RIGHT: lambda actor, event: (
        f"{actor} said the correction is not right"
    ),
}
