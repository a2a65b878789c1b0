"""Each demo institution's contract in its own office hours, and each team's saved replies.

The contracts count the everyday targets (medium and low) in business hours, so a ticket
reported on a Friday evening or before a public holiday shows the calendar at work: its
due time skips the weekend and the country's (and state's) holidays. Outages stay around
the clock, as in the default policy.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from hypercare.sla.clocks import Target
from hypercare.tickets.choices import Priority

HOUR = 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class CalendarSpec:
    """An institution's office: its hours and whose public holidays it keeps."""

    name: str
    holiday_country: str
    holiday_subdivision: str
    working_hours: Mapping[str, list[list[str]]]


def _weekdays(start: str, end: str, **more: list[list[str]]) -> dict[str, list[list[str]]]:
    return {day: [[start, end]] for day in WEEKDAYS} | more


CALENDARS = {
    # Maharashtra's public holidays; the university works Saturday mornings.
    "sahyadri": CalendarSpec(
        "Sahyadri University office hours",
        "IN",
        "MH",
        _weekdays("09:30", "17:30", sat=[["09:30", "13:30"]]),
    ),
    # England's bank holidays, not Scotland's.
    "kingsbridge": CalendarSpec(
        "Kingsbridge College office hours", "GB", "ENG", _weekdays("09:00", "17:00")
    ),
    # Federal holidays and Illinois' own (Lincoln's Birthday, Election Day).
    "lakeshore": CalendarSpec(
        "Lakeshore Schools district office hours", "US", "IL", _weekdays("08:00", "16:00")
    ),
}

# Critical and high are around the clock; medium and low count office hours only.
CONTRACT_TARGETS: Mapping[str, Target] = {
    Priority.CRITICAL: Target(15, 4 * HOUR, business_hours=False),
    Priority.HIGH: Target(2 * HOUR, 24 * HOUR, business_hours=False),
    Priority.MEDIUM: Target(4 * HOUR, 24 * HOUR, business_hours=True),
    Priority.LOW: Target(16 * HOUR, None, business_hours=True),
}

# Saved replies per team slug: (title, body); the placeholders are filled per ticket.
SAVED_REPLIES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "service-desk": (
        (
            "Acknowledge and investigate",
            "Hello {{requester_name}},\n\nThank you for reporting this. I have picked up "
            "{{reference}} and am looking into it now; I will update you here.\n\n"
            "{{agent_name}}",
        ),
        (
            "Ask for a screenshot",
            "Hello {{requester_name}},\n\nCould you attach a screenshot of the screen where "
            "this happens, with the exact error message and the time you saw it? That lets "
            "us find the request in the {{module}} logs.\n\n{{agent_name}}",
        ),
        (
            "Resolved: please confirm",
            "Hello {{requester_name}},\n\nWe believe {{reference}} is fixed. Please try again "
            "and reply here if anything is still wrong; otherwise it will close on its own."
            "\n\n{{agent_name}}",
        ),
    ),
    "finance-fees": (
        (
            "Fee receipt regenerated",
            "Hello {{requester_name}},\n\nThe receipt has been regenerated and now matches "
            "the payment on the bank statement. The student can download it from the "
            "portal again.\n\n{{agent_name}}",
        ),
        (
            "Need the gateway transaction ID",
            "Hello {{requester_name}},\n\nTo trace this payment we need the payment "
            "gateway's transaction ID and the amount, as shown on the student's bank "
            "statement.\n\n{{agent_name}}",
        ),
    ),
    "academics-exams": (
        (
            "Marks correction needs sign-off",
            "Hello {{requester_name}},\n\nA marks correction changes an academic record, so "
            "it needs the data owner's sign-off before we apply it. We have asked for it on "
            "{{reference}}.\n\n{{agent_name}}",
        ),
        (
            "Timetable published again",
            "Hello {{requester_name}},\n\nThe exam timetable has been published again with "
            "the corrected rooms. Students see it after signing in again.\n\n{{agent_name}}",
        ),
    ),
    "hr-payroll": (
        (
            "Payroll re-run scheduled",
            "Hello {{requester_name}},\n\nWe have corrected the pay component and scheduled "
            "a re-run for the affected staff. The payslips will be regenerated after it."
            "\n\n{{agent_name}}",
        ),
        (
            "Leave balance recalculated",
            "Hello {{requester_name}},\n\nThe leave balances were recalculated from the "
            "policy's start date; the staff member sees the corrected balance now.\n\n"
            "{{agent_name}}",
        ),
    ),
    "platform-engineering": (
        (
            "Fix planned for the next release",
            "Hello {{requester_name}},\n\nWe found the cause of {{reference}} in the product "
            "and have planned the fix for the next release. We will update you here when "
            "it ships.\n\n{{agent_name}}",
        ),
        (
            "Integration provider contacted",
            "Hello {{requester_name}},\n\nThe fault is on the provider's side of the "
            "integration. We have opened a case with them and are waiting for their answer."
            "\n\n{{agent_name}}",
        ),
    ),
}
