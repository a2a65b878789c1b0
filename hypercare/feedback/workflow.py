"""Where an enhancement ticket is: recorded as a product idea, then the idea's status."""

from hypercare.feedback.selectors import idea_of_ticket
from hypercare.feedback.services import status_sentence
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress


def enhancement_progress(ticket: Ticket) -> Progress:
    idea = idea_of_ticket(ticket)
    if idea is None:
        return Progress(
            step="feedback", waiting_for="Waiting for support to record it as product feedback."
        )
    said = status_sentence(idea)
    return Progress(
        step="",
        waiting_for=f"The product idea “{idea.title}” is {said}.",
        taken=(f"Recorded as the product idea “{idea.title}”.",),
    )
