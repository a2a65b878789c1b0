"""How each kind of timeline event reads to a person."""

from django.db import models

from hypercare.escalations.choices import EscalationLevel
from hypercare.orgs.choices import Tier
from hypercare.tickets.choices import Category, EventKind, Priority, Status
from hypercare.tickets.models import TicketEvent


def _label(choices: type[models.Choices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _tier(value: str) -> str:
    return _label(Tier, int(value)) if value.isdigit() else value  # type: ignore[arg-type]


def _assignment(actor: str, event: TicketEvent) -> str:
    if not event.new_value:
        return f"{actor} removed the owner ({event.old_value})"
    if event.actor is not None and event.new_value == event.actor.username:
        return f"{actor} took the ticket"
    return f"{actor} assigned the ticket to {event.new_value}"


def _level(value: str) -> str:
    return _label(EscalationLevel, int(value)) if value.isdigit() else value  # type: ignore[arg-type]


def _escalation_manager(actor: str, event: TicketEvent) -> str:
    if event.actor is None:
        return f"{event.new_value} is the escalation manager"
    if event.old_value:
        return f"{actor} made {event.new_value} the escalation manager instead of {event.old_value}"
    return f"{actor} made {event.new_value} the escalation manager"


def _release_planned(actor: str, event: TicketEvent) -> str:
    if not event.new_value:
        return f"{actor} took the ticket off release {event.old_value}"
    if event.old_value:
        return f"{actor} moved the fix from release {event.old_value} to {event.new_value}"
    return f"{actor} planned the fix for release {event.new_value}"


def describe(event: TicketEvent) -> str:
    """One sentence saying who did what; bodies and reasons are shown beside it."""
    actor = event.actor.display_name if event.actor else "Hypercare"
    old, new = event.old_value, event.new_value
    sentences: dict[str, str] = {
        EventKind.CREATED: f"{actor} reported the issue",
        EventKind.PUBLIC_REPLY: f"{actor} replied",
        EventKind.INTERNAL_NOTE: f"{actor} added an internal note",
        EventKind.STATUS_CHANGED: (
            f"{actor} changed the status from {_label(Status, old)} to {_label(Status, new)}"
        ),
        EventKind.PRIORITY_CHANGED: (
            f"{actor} changed the priority from {_label(Priority, old)} to {_label(Priority, new)}"
        ),
        EventKind.CATEGORY_CHANGED: (
            f"{actor} changed the category from {_label(Category, old)} to {_label(Category, new)}"
        ),
        EventKind.MODULE_CHANGED: f"{actor} moved the ticket from {old} to {new}",
        EventKind.TEAM_CHANGED: f"{actor} handed the ticket to the {new} team",
        EventKind.TIER_CHANGED: f"{actor} moved the ticket from {_tier(old)} to {_tier(new)}",
        EventKind.ATTACHMENT_ADDED: f"{actor} added {new}",
        EventKind.REOPENED: f"{actor} reopened the ticket",
        EventKind.ESCALATION_REQUESTED: f"{actor} requested an escalation: {new}",
        EventKind.ESCALATION_ACTION_PLAN: f"{actor} {new} the escalation's action plan",
        EventKind.ESCALATION_COMMUNICATION_PLAN: f"{actor} agreed the communication plan",
        EventKind.ESCALATION_UPDATE: f"{actor} posted an escalation update",
        EventKind.ESCALATION_UPDATE_MISSED: "An escalation update was missed",
        EventKind.ESCALATION_LEVEL_RAISED: (
            f"{actor} raised the escalation from {_level(old)} to {_level(new)}"
        ),
        EventKind.DE_ESCALATED: f"{actor} de-escalated the ticket",
        EventKind.SHIPPED: f"The fix shipped in release {new}",
    }
    if event.kind == EventKind.ASSIGNED:
        return _assignment(actor, event)
    if event.kind == EventKind.ESCALATION_MANAGER:
        return _escalation_manager(actor, event)
    if event.kind == EventKind.RELEASE_PLANNED:
        return _release_planned(actor, event)
    return sentences.get(event.kind, f"{actor}: {event.get_kind_display()}")
