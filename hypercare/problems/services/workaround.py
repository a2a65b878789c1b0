"""Publishing a problem's workaround to the requesters of its linked open tickets."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import EMPTY
from hypercare.problems import events, notices
from hypercare.problems.choices import ProblemEventKind, ProblemStatus
from hypercare.problems.models import Problem, ProblemLink
from hypercare.problems.services.common import WORK_REFUSED, lock
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require
from hypercare.tickets.services.conversation import record_support_response


def publish_workaround(*, problem: Problem, actor: User) -> list[Ticket]:
    """Post the workaround, as written now, to each linked open ticket not told it yet.

    Each ticket gets it once: a public entry on its timeline and a notification to its
    requester side. Publishing the same text again posts nothing; after the workaround
    is edited, or a ticket is linked, publishing reaches only those who have not read
    this text. Reaching the requester, it is support's response on the ticket, as a
    reply is. The answer is the tickets it was posted to, oldest first.
    """
    require(access.can_work_problems(actor), WORK_REFUSED)
    with use_case():
        problem = lock(problem)
        text = problem.workaround
        if not text:
            raise ValidationFailed({"workaround": EMPTY})
        if problem.status == ProblemStatus.RESOLVED:
            raise InvalidTransition("The problem is resolved: there is no workaround to publish.")
        links = list(
            ProblemLink.objects.select_for_update(of=("self",))
            .select_related("ticket__requester", "ticket__reported_by")
            .filter(problem=problem, ticket__status__in=OPEN_STATUSES)
            .exclude(workaround_posted=text)
            .order_by("ticket_id")
        )
        if not links:
            return []
        at = clock.now()
        entries = []
        for link in links:
            posted = events.record_workaround_posted(link.ticket, actor, at, text)
            record_support_response(link.ticket, at)
            entries.append((link.ticket, posted))
            link.workaround_posted = text
        ProblemLink.objects.bulk_update(links, ["workaround_posted"])
        tickets = [link.ticket for link in links]
        Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(updated_at=at)
        notices.workaround_posted(entries, text)
        problem.workaround_published_at = at
        problem.updated_at = at
        problem.save(update_fields=["workaround_published_at", "updated_at"])
        events.record(
            problem,
            ProblemEventKind.WORKAROUND_PUBLISHED,
            actor,
            at,
            new_value=str(len(tickets)),
            body=text,
        )
    return tickets
