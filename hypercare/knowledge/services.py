"""Write use cases of the knowledge the desk gathers: flag a training gap, clear it."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.knowledge import events
from hypercare.knowledge.models import ROLE_MAX, TOPIC_MAX, TrainingGap
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import lock, require

FLAG_REFUSED = "Only support staff flag training gaps."
NOTE_MAX = 5000


def flag_training_gap(
    *,
    ticket: Ticket,
    actor: User,
    topic: str,
    erp_role: str = "",
    module_code: str = "",
    note: str = "",
) -> TrainingGap:
    """Flag ``ticket`` as showing a training gap: people in ``erp_role`` (by default the
    requester's) need training on ``topic`` of ``module_code`` (by default the ticket's
    module). Flagging again rewords the flag."""
    require(access.can_flag_training_gaps(actor), FLAG_REFUSED)
    errors = FieldErrors()
    checked_topic = errors.line("topic", topic, TOPIC_MAX)
    role = errors.line("erp_role", erp_role or ticket.requester_erp_role, ROLE_MAX)
    module = module_code or ticket.module.code
    errors.choice("module_code", module, ModuleCode.values)
    checked_note = errors.text("note", note, NOTE_MAX, required=False)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        at = clock.now()
        gap, _ = TrainingGap.objects.update_or_create(
            ticket=ticket,
            defaults={
                "institution_id": ticket.institution_id,
                "module_code": module,
                "erp_role": role,
                "topic": checked_topic,
                "note": checked_note,
                "flagged_by": actor,
                "flagged_at": at,
            },
        )
        events.record_flagged(gap, actor, at)
    return gap


def clear_training_gap(*, ticket: Ticket, actor: User) -> None:
    require(access.can_flag_training_gaps(actor), FLAG_REFUSED)
    with use_case():
        ticket = lock(ticket)
        gap = TrainingGap.objects.filter(ticket=ticket).first()
        if gap is None:
            return
        was = str(gap)
        gap.delete()
        events.record_cleared(ticket, actor, clock.now(), was)
