"""Reading a data correction: the record of a ticket the user may see, its sign-offs,
the data owner it waits for, the sign-offs waiting for a data owner, and where the
ticket is in its workflow."""

from django.db.models import QuerySet

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.corrections.choices import Decision
from hypercare.corrections.models import CorrectionRecord, CorrectionVersion, SignOff
from hypercare.tickets import workflows
from hypercare.tickets.category_details import data_owners
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress

CLOSED = "This ticket is closed; please open a new ticket."


def correction_of(ticket: Ticket) -> CorrectionRecord | None:
    """The correction record of a ticket the caller already holds through the user's
    scope (``get_visible_ticket``): whoever sees the ticket reads its record."""
    return (
        CorrectionRecord.objects.select_related(
            "extract", "written_by", "applied_by", "verified_by"
        )
        .filter(ticket=ticket)
        .first()
    )


def steps_refused(ticket: Ticket) -> str:
    """Why no step of a correction may be taken on ``ticket`` now, or ``""`` when they
    may: the one rule for the services, the API and the pages. A closed ticket's
    correction is history, and so is that of a ticket no longer a data correction
    (recategorised after its record was written): its record and sign-offs stay as they
    were, but nobody writes, signs off, applies or verifies it any more."""
    if ticket.status == Status.CLOSED:
        return CLOSED
    if not workflows.follows(ticket, Category.DATA_CORRECTION):
        return (
            f"{ticket.reference} is not a data correction any more (its category is "
            f"{ticket.get_category_display()}): nobody signs off, applies or verifies its "
            "correction, and its correction record stays as it was."
        )
    return ""


def sign_offs(record: CorrectionRecord) -> QuerySet[SignOff]:
    """Every decision on the record, oldest first, void ones included."""
    return record.sign_offs.select_related("data_owner")


def versions(record: CorrectionRecord) -> QuerySet[CorrectionVersion]:
    return record.versions.select_related("written_by")


def standing_sign_off(record: CorrectionRecord) -> SignOff | None:
    """The sign-off that lets the correction be applied: given to the record as it
    stands (same hash) and not void."""
    return (
        record.sign_offs.filter(
            decision=Decision.SIGNED_OFF,
            voided_at__isnull=True,
            content_hash=record.content_hash,
        )
        .select_related("data_owner")
        .last()
    )


def standing_refusal(record: CorrectionRecord) -> SignOff | None:
    return (
        record.sign_offs.filter(decision=Decision.REFUSED, voided_at__isnull=True)
        .select_related("data_owner")
        .last()
    )


def data_owner_of(ticket: Ticket) -> User | None:
    """The data owner the ticket names while they still may sign off: active, at the
    ticket's institution, holding the data-owner role."""
    pk = named_data_owner_id(ticket.category_details)
    if pk is None:
        return None
    return data_owners(ticket.institution).filter(pk=pk).first()


def named_data_owner_id(answers: dict[str, object]) -> int | None:
    """Whom a data correction's intake answers name as its data owner."""
    pk = answers.get("data_owner_id")
    return pk if isinstance(pk, int) else None


def awaiting_sign_off_of(user: User) -> QuerySet[CorrectionRecord]:
    """The records waiting for ``user``'s sign-off as the data owner their tickets name,
    oldest ask first: asked for and not yet decided, on open tickets (a closed ticket's
    correction is history) that ``user`` did not request (nobody signs off their own)."""
    tickets = (
        Ticket.objects.filter(access.sign_off_tickets(user))
        .exclude(status=Status.CLOSED)
        .exclude(requester_id=user.pk)
    )
    return (
        CorrectionRecord.objects.filter(
            sign_off_requested_at__isnull=False, ticket__in=tickets.values("pk")
        )
        .select_related("ticket__institution", "written_by")
        .order_by("sign_off_requested_at", "pk")
    )


def data_owners_waited_on() -> QuerySet[User]:
    """The data owners some record's sign-off is asked of: whom the daily digest of
    pending approvals may concern (``awaiting_sign_off_of`` says what it holds)."""
    asked = CorrectionRecord.objects.filter(sign_off_requested_at__isnull=False).exclude(
        ticket__status=Status.CLOSED
    )
    named = {
        named_data_owner_id(details)
        for details in asked.values_list("ticket__category_details", flat=True)
    }
    return User.objects.filter(
        pk__in=[pk for pk in named if pk is not None],
        is_active=True,
        role_grants__role=Role.DATA_OWNER,
    )


def correction_progress(ticket: Ticket) -> Progress:
    """The data-correction workflow's tracker: record, sign-off, applied, verified."""
    record = correction_of(ticket)
    if record is None:
        return Progress(
            "correction_record", "Waiting for the support team to write the correction record."
        )
    taken = [
        f"Correction record written by {record.written_by.display_name} (version {record.version})"
    ]
    signed = standing_sign_off(record)
    if signed is None:
        return Progress("sign_off", _sign_off_wait(ticket, record), tuple(taken))
    taken.append(f"Signed off by {signed.data_owner.display_name}")
    if record.applied_by is None:
        return Progress(
            "applied", "Waiting for the support team to apply the correction.", tuple(taken)
        )
    taken.append(f"Applied by {record.applied_by.display_name}")
    if record.verified_by is None:
        return Progress(
            "verified",
            f"Waiting for {ticket.requester.display_name} to verify the correction.",
            tuple(taken),
        )
    taken.append(f"Verified by {record.verified_by.display_name}")
    return Progress("", "", tuple(taken))


def _sign_off_wait(ticket: Ticket, record: CorrectionRecord) -> str:
    owner = data_owner_of(ticket)
    name = owner.display_name if owner is not None else "the data owner"
    refused = standing_refusal(record)
    if refused is not None:
        return (
            f"Refused by {refused.data_owner.display_name}: waiting for the support team "
            "to revise the correction record."
        )
    if record.sign_off_requested_at is not None:
        return f"Waiting for data-owner sign-off from {name}."
    return f"Waiting for the support team to ask {name} for sign-off."
