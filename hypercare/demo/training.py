"""The demo's training gaps: answered questions whose answers show that people in one
role need training, flagged by the agent who answered."""

from hypercare.knowledge.models import TrainingGap
from hypercare.knowledge.services import flag_training_gap
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket

FLAGGED = 3


def flag_answered_questions() -> list[TrainingGap]:
    """The first answered questions of requesters with an ERP role, by their owners."""
    gaps: list[TrainingGap] = []
    answered = (
        Ticket.objects.filter(
            category=Category.QUESTION, first_responded_at__isnull=False, assignee__isnull=False
        )
        .exclude(requester_erp_role="")
        .select_related("assignee", "module")
        .order_by("pk")
    )
    for ticket in answered[:FLAGGED]:
        if ticket.assignee is None:  # never: the query wants an owner; for the type
            continue
        topic = ticket.category_details.get("screen_or_report") or ticket.module.name
        gaps.append(flag_training_gap(ticket=ticket, actor=ticket.assignee, topic=str(topic)))
    return gaps
