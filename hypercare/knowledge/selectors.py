"""Reads of training gaps, for support staff: institution users never see them."""

from django.db.models import QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.knowledge.models import TrainingGap
from hypercare.tickets.models import Ticket


def training_gaps(
    user: User, *, module_code: str = "", erp_role: str = ""
) -> QuerySet[TrainingGap]:
    if not access.can_flag_training_gaps(user):
        return TrainingGap.objects.none()
    gaps = TrainingGap.objects.select_related("ticket", "institution", "flagged_by")
    if module_code:
        gaps = gaps.filter(module_code=module_code)
    if erp_role:
        gaps = gaps.filter(erp_role__iexact=erp_role)
    return gaps


def training_gap_of(ticket: Ticket) -> TrainingGap | None:
    """The ticket's flag, for the question workflow (which says only that it was
    flagged); the caller may see the ticket."""
    return TrainingGap.objects.filter(ticket_id=ticket.pk).first()
