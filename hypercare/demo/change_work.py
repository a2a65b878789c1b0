"""The demo's change requests at each step: a configuration ticket's change in draft,
one waiting for its module owner, one implemented after its approval and test evidence
and planned for the next release, and a high-risk patch to the same module in an
overlapping window (a collision on the change calendar)."""

from datetime import datetime, timedelta

from django.db.models import F

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes.choices import ChangeKind, Decision, Outcome, Risk
from hypercare.changes.models import ChangeRequest
from hypercare.changes.release import plan_change_release
from hypercare.changes.selectors import approvers
from hypercare.changes.services.approvals import decide_change
from hypercare.changes.services.common import RiskAnswers
from hypercare.changes.services.records import ChangeDetails, create_change, submit_change
from hypercare.changes.services.testing import record_evidence, record_implementation
from hypercare.releases.models import Release
from hypercare.tickets.choices import OPEN_STATUSES, Category
from hypercare.tickets.models import Ticket

AGENT = "kenji.sato"
PLAN = "Change the setting in the test instance, check it with the key user, then apply it."
ROLLBACK = "Restore the previous setting from the configuration export taken before."


def raise_changes(*, at: datetime, release: Release) -> list[ChangeRequest]:
    """Changes for the three oldest open configuration tickets not asked for by their
    module's owner (who could not approve them), then the colliding patch."""
    agent = User.objects.get(username=AGENT)
    tickets = list(
        Ticket.objects.filter(category=Category.CONFIGURATION, status__in=OPEN_STATUSES)
        .exclude(module__owners=F("requester"))
        .exclude(module__owners=F("reported_by"))
        .select_related("module")
        .order_by("pk")[:3]
    )
    changes = [
        create_change(actor=agent, details=_details(ticket, at, day), tickets=[ticket])
        for day, ticket in enumerate(tickets, start=3)
    ]
    draft, waiting, done = changes
    for change in (waiting, done):
        submit_change(change=change, actor=agent)
    _approve(done)
    record_evidence(
        change=done, actor=agent, note="Checked in the test instance with the key user."
    )
    record_implementation(change=done, actor=agent, outcome=Outcome.SUCCEEDED)
    patch = create_change(
        actor=agent,
        details=ChangeDetails(
            title=f"{waiting.modules.get().name} patch from the vendor",
            kind=ChangeKind.PATCH,
            plan="Apply the vendor's patch in the maintenance window.",
            rollback_plan="Reinstall the previous build.",
            window_start=waiting.window_start,
            window_end=waiting.window_end,
            answers=RiskAnswers(reversible_in_minutes=False, in_production_hours=True),
            risk=Risk.HIGH,
            modules=list(waiting.modules.all()),
        ),
    )
    submit_change(change=patch, actor=agent)
    # Only an implemented change ships: the one done goes into the planned release.
    plan_change_release(change=done, actor=agent, release=release)
    return [draft, waiting, done, patch]


def _details(ticket: Ticket, at: datetime, day: int) -> ChangeDetails:
    start = (at + timedelta(days=day)).replace(hour=18, minute=0, second=0, microsecond=0)
    return ChangeDetails(
        title=ticket.title,
        kind=ChangeKind.CONFIGURATION,
        plan=PLAN,
        rollback_plan=ROLLBACK,
        window_start=start,
        window_end=start + timedelta(hours=2),
        modules=[ticket.module],
    )


def _approve(change: ChangeRequest) -> None:
    """Each approval by one of its approvers who did not ask for the change."""
    for approval in change.approvals.select_related("module"):
        approver = next(
            person for person in approvers(approval) if not access.asked_for_change(person, change)
        )
        decide_change(change=change, actor=approver, decision=Decision.APPROVED, comment="Agreed.")
