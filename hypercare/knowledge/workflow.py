"""Where a question is: answered by support, then (when the answer shows one) flagged as
a training gap. The flag is the desk's note: the requester reads only that it exists."""

from hypercare.knowledge.selectors import training_gap_of
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress


def question_progress(ticket: Ticket) -> Progress:
    if ticket.first_responded_at is None:
        return Progress(step="answer", waiting_for="Waiting for an answer from support.")
    answered = ("Answered by support.",)
    if training_gap_of(ticket) is not None:
        return Progress(step="", waiting_for="", taken=(*answered, "Flagged for training."))
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        # The flag is optional: a question answered and settled without one is done.
        return Progress(step="", waiting_for="", taken=answered)
    return Progress(step="training_gap", waiting_for="", taken=answered)
