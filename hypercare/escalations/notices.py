"""Which notifications an escalation step queues, and for whom. Called inside services."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.escalations.choices import EscalationLevel
from hypercare.escalations.models import Escalation
from hypercare.escalations.selectors import escalation_managers
from hypercare.lib.times import Moment
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.tickets.models import TicketEvent
from hypercare.tickets.services.notices import requester_side


def _leads(escalation: Escalation) -> list[User | None]:
    """Whose attention the escalation's level calls for, beside its manager."""
    team = escalation.ticket.team
    people: list[User | None] = [escalation.manager, team.lead if team else None]
    if escalation.level >= EscalationLevel.SUPPORT_MANAGER:
        people += support_staff(Role.SUPPORT_MANAGER)
    return people


def _context(escalation: Escalation, **extra: object) -> dict[str, object]:
    due = escalation.next_update_due_at
    return {
        "escalation": escalation,
        "manager": escalation.manager.display_name if escalation.manager else "",
        "next_update_due": Moment(due) if due else "",
        **extra,
    }


def _send(
    event: str,
    escalation: Escalation,
    recipients: Iterable[User | None],
    cause: TicketEvent,
    **extra: object,
) -> None:
    notify(
        event=event,
        ticket=escalation.ticket,
        recipients=recipients,
        cause=f"event:{cause.pk}",
        context=_context(escalation, **extra),
    )


def requested(escalation: Escalation, cause: TicketEvent) -> None:
    """To the chosen manager, or to every escalation manager when none could be chosen."""
    handlers = [escalation.manager] if escalation.manager else list(escalation_managers())
    _send(NotificationEvent.ESCALATION_REQUESTED, escalation, handlers, cause)
    _send(
        NotificationEvent.ESCALATION_ACKNOWLEDGED,
        escalation,
        requester_side(escalation.ticket, None),
        cause,
    )


def manager_assigned(escalation: Escalation, cause: TicketEvent, actor: User) -> None:
    if escalation.manager != actor:
        _send(NotificationEvent.ESCALATION_ASSIGNED, escalation, [escalation.manager], cause)
    _send(
        NotificationEvent.ESCALATION_ACKNOWLEDGED,
        escalation,
        requester_side(escalation.ticket, actor),
        cause,
    )


def shared(escalation: Escalation, cause: TicketEvent, actor: User, headline: str) -> None:
    """A plan or an update the requester follows."""
    _send(
        NotificationEvent.ESCALATION_UPDATE,
        escalation,
        requester_side(escalation.ticket, actor),
        cause,
        headline=headline,
        body=cause.body,
    )


def update_missed(escalation: Escalation, cause: TicketEvent, due: Moment) -> None:
    handlers = _leads(escalation)
    if escalation.manager is None:
        handlers += escalation_managers()
    _send(NotificationEvent.ESCALATION_UPDATE_MISSED, escalation, handlers, cause, due=due)


def level_raised(escalation: Escalation, cause: TicketEvent, actor: User) -> None:
    people = [person for person in _leads(escalation) if person != actor]
    label = EscalationLevel(escalation.level).label
    _send(
        NotificationEvent.ESCALATION_LEVEL_RAISED,
        escalation,
        people,
        cause,
        level=label,
        reason=cause.reason,
    )


def de_escalated(escalation: Escalation, cause: TicketEvent, actor: User) -> None:
    _send(
        NotificationEvent.DE_ESCALATED,
        escalation,
        requester_side(escalation.ticket, actor),
        cause,
        body=cause.body,
    )


def digest(day: date, rows: list[dict[str, object]], managers: Iterable[User]) -> None:
    """The daily review by mail, to every escalation manager; once a day by its cause."""
    notify(
        event=NotificationEvent.ESCALATION_DIGEST,
        ticket=None,
        recipients=managers,
        cause=f"digest:{day.isoformat()}",
        context={
            "day": day,
            "count": len(rows),
            "escalations": rows,
            "link": f"{settings.SITE_URL}{reverse('web:escalations')}",
        },
    )
