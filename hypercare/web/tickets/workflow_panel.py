"""The ticket page's account of its category's workflow: the steps and where it is."""

from dataclasses import dataclass

from hypercare.tickets import workflows
from hypercare.tickets.models import Ticket


@dataclass(frozen=True)
class WorkflowPanel:
    category: str
    waiting_for: str
    stages: tuple[workflows.Stage, ...]
    taken: tuple[str, ...]


def workflow_panel(ticket: Ticket) -> WorkflowPanel:
    where = workflows.progress(ticket)
    return WorkflowPanel(
        category=ticket.get_category_display(),
        waiting_for=where.waiting_for,
        stages=workflows.stages(ticket, where),
        taken=where.taken,
    )
