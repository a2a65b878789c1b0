"""Read queries about SLA clocks, scoped to what the reader may see."""

from zoneinfo import ZoneInfo

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.sla.choices import ClockState
from hypercare.sla.models import SlaPolicy
from hypercare.sla.services import CLOCK_LABELS, CLOCKS, plan_for
from hypercare.tickets.models import Ticket


def clock_explanation(user: User, ticket: Ticket) -> tuple[str, ...]:
    """How the ticket's due times came about, step by step, for the ticket page.

    The replay of the ticket's own timeline under its policy and calendar, so it always
    agrees with the stored due times, except for a breach already recorded: that stays
    (with the due time it missed) whatever a later re-plan says, and is said so here.
    ``ticket`` comes from a scoped selector; the explanation, like the SLA events on the
    timeline, is for support staff only, so anyone else gets nothing.
    """
    if not access.can_see_internal(user):
        return ()
    at = clock.now()
    policy, plan = plan_for(ticket, at=at)
    if policy is None or plan is None:
        return ("No SLA policy governs this ticket: neither its institution's nor a default.",)
    zone = ZoneInfo(policy.calendar.time_zone if policy.calendar else ticket.institution.time_zone)
    steps = [_describe_policy(policy), *plan.steps]
    for name in CLOCKS:
        breached_at = getattr(ticket, f"{name}_breached_at")
        planned = getattr(plan, name).state
        if breached_at and planned != ClockState.BREACHED:
            steps.append(
                f"The {CLOCK_LABELS[name]} breach recorded "
                f"{breached_at.astimezone(zone):%a %d %b %Y %H:%M %Z} stands: "
                "a breach, once recorded, is not undone by a later re-plan."
            )
    return tuple(steps)


def _describe_policy(policy: SlaPolicy) -> str:
    if policy.calendar is None:
        counted = "it has no calendar, so every target counts around the clock"
    else:
        counted = (
            f"business-hours targets count in the calendar {policy.calendar.name!r} "
            f"({policy.calendar.time_zone}), whose time zone the times below are in"
        )
    third_party = "and also" if policy.pause_on_third_party else "but not"
    return (
        f"Policy {policy.name!r}: {counted}. The resolution clock pauses while the ticket "
        f"waits on the requester, {third_party} while it waits on a third party."
    )
