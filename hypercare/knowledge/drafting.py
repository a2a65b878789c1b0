"""What a resolved ticket gives an article: the problem as reported, the cause as the
resolution note says it, the steps as the desk's public replies gave them; with its
people and institution taken out (``scrubbing``). Reads only: the service writes."""

from dataclasses import dataclass

from hypercare.accounts.models import User
from hypercare.knowledge.models import ARTICLE_TITLE_MAX
from hypercare.knowledge.scrubbing import institution_terms, person_terms, scrubbed
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket, TicketEvent

NO_CAUSE = "_What caused it: the ticket's resolution note said nothing._"
NO_STEPS = "_The steps that fixed it: the desk sent no public reply._"
CUT = "\n\n_(Cut here: the ticket said more than an article holds.)_\n"


@dataclass(frozen=True)
class DraftText:
    title: str
    body: str


def draft_from(ticket: Ticket, *, body_max: int) -> DraftText:
    """The article's title and Markdown, in three sections: Problem, Cause, Steps; cut
    to ``body_max`` characters (a long conversation would not fit an article)."""
    events = list(
        TicketEvent.objects.filter(ticket_id=ticket.pk, is_internal=False)
        .select_related("actor")
        .order_by("created_at", "pk")
    )

    def clean(text: str) -> str:
        return scrubbed(
            text,
            institution_names=institution_terms(ticket.institution.name, ticket.institution.slug),
            person_names=_person_names(ticket, events),
        ).strip()

    problem = [ticket.description]
    if ticket.action_attempted:
        problem.append(f"**Trying to:** {ticket.action_attempted}")
    if ticket.error_seen:
        problem.append(f"**Error seen:** {ticket.error_seen}")
    body = sections(
        problem=clean("\n\n".join(problem)),
        cause=clean(_resolution_note(events)) or NO_CAUSE,
        steps=clean("\n\n".join(_desk_replies(events))) or NO_STEPS,
    )
    if len(body) > body_max:
        body = body[: body_max - len(CUT)].rstrip() + CUT
    return DraftText(title=clean(ticket.title)[:ARTICLE_TITLE_MAX], body=body)


def sections(*, problem: str, cause: str, steps: str) -> str:
    return f"## Problem\n\n{problem}\n\n## Cause\n\n{cause}\n\n## Steps\n\n{steps}\n"


def _person_names(ticket: Ticket, events: list[TicketEvent]) -> list[str]:
    """Everyone named on the ticket: requester, reporter, followers, assignee and every
    actor of its public timeline (agents sign their replies)."""
    people: list[User] = [ticket.requester, ticket.reported_by]
    people += [participant.user for participant in ticket.participants.select_related("user")]
    people += [ticket.assignee] if ticket.assignee else []
    people += [event.actor for event in events if event.actor is not None]
    return [
        term for person in people for term in person_terms(person.get_full_name(), person.username)
    ]


def _resolution_note(events: list[TicketEvent]) -> str:
    """The reason given when the ticket was last resolved (or closed)."""
    done = {Status.RESOLVED, Status.CLOSED}
    notes = [
        event.reason
        for event in events
        if event.kind == EventKind.STATUS_CHANGED and event.new_value in done and event.reason
    ]
    return notes[-1] if notes else ""


def _desk_replies(events: list[TicketEvent]) -> list[str]:
    """The public replies support staff wrote (support staff belong to no institution)."""
    return [
        event.body
        for event in events
        if event.kind == EventKind.PUBLIC_REPLY
        and event.actor is not None
        and event.actor.institution_id is None
    ]
