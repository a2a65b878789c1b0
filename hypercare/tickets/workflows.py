"""Each category's own workflow on top of the common status lifecycle.

The seeds: training questions, configuration changes, data corrections, integration
failures and incidents "should not be handled the same way". ``WORKFLOWS`` declares, per
category, the steps it takes beyond New → … → Closed, in order; the ticket page lists
them and marks where the ticket is.

The records behind the steps belong to other domains (a data correction and its
sign-off, a change request and its approvals, an access request and its ledger line).
Tickets cannot import those domains (they import tickets), so each registers a *tracker*
for its category from its ``AppConfig.ready``, like release item sources::

    from hypercare.tickets import workflows
    workflows.register(Category.DATA_CORRECTION, correction_progress)

A tracker is a function of the ticket answering its ``Progress``: the step it is at,
what that step waits for ("Waiting for data-owner sign-off from A. Rao"), and the steps
already taken, which recategorising would leave behind (``steps_dropped``). A category
without a tracker is at its first step until its domain says otherwise.

A ticket takes its category's steps only while it is of that category (``follows``): one
recategorised away keeps the records its old workflow made, as history, but takes no
more of its steps. A domain whose records follow the category's answers (the data owner
a data correction names) registers a *step on new answers* the same way::

    workflows.on_new_answers(Category.DATA_CORRECTION, follow_data_owner)
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from hypercare.accounts.models import User
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket


@dataclass(frozen=True)
class Step:
    key: str
    label: str


@dataclass(frozen=True)
class Progress:
    """Where a ticket is in its category's workflow.

    ``step`` is the key of the step it is at (empty once every step is taken);
    ``waiting_for`` says, in a sentence both sides may read, what moves it on;
    ``taken`` names the steps already taken, in the words of their records
    ("Correction record CR-12 signed off by A. Rao").
    """

    step: str
    waiting_for: str
    taken: tuple[str, ...] = ()


WORKFLOWS: dict[str, tuple[Step, ...]] = {
    Category.QUESTION: (
        Step("answer", "Answer"),
        Step("training_gap", "Training gap flagged (when the answer shows one)"),
    ),
    Category.CONFIGURATION: (
        Step("change_request", "Change request"),
        Step("approval", "Approval"),
        Step("test_evidence", "Test evidence"),
        Step("implementation", "Implementation"),
    ),
    Category.DATA_CORRECTION: (
        Step("correction_record", "Correction record"),
        Step("sign_off", "Data-owner sign-off"),
        Step("applied", "Applied"),
        Step("verified", "Verified by the requester"),
    ),
    Category.INTEGRATION: (
        Step("integration", "The integration and its contacts"),
        Step("failing_transaction", "The failing transaction traced"),
        Step("vendor_hand_off", "Vendor hand-off"),
    ),
    Category.INCIDENT: (
        Step("restore", "Service restored (with its major incident, when part of one)"),
        Step("confirmed", "Fix confirmed by the requester"),
    ),
    Category.ACCESS: (
        Step("access_request", "Access request"),
        Step("approval", "Approval by the approval owner"),
        Step("done_in_erp", "Done in the ERP"),
    ),
    Category.ENHANCEMENT: (Step("feedback", "Product feedback item"),),
}

Tracker = Callable[[Ticket], Progress]
_trackers: dict[str, Tracker] = {}


def register(category: str, tracker: Tracker) -> None:
    """Make ``tracker`` the one that says where tickets of ``category`` are."""
    if category not in WORKFLOWS:
        raise ImproperlyConfigured(f"no workflow is declared for category {category!r}")
    if _trackers.setdefault(category, tracker) is not tracker:
        raise ImproperlyConfigured(f"category {category!r} has a workflow tracker already")


def steps_of(category: str) -> tuple[Step, ...]:
    return WORKFLOWS[category]


def follows(ticket: Ticket, category: str) -> bool:
    """Whether ``ticket`` takes the steps of ``category``'s workflow: the one rule for "this
    ticket is a data correction" (an access request, ...). Only while the ticket is of
    that category: recategorised away, what its old workflow recorded stays as history."""
    return ticket.category == category


def progress(ticket: Ticket) -> Progress:
    """Where ``ticket`` is in its category's workflow."""
    tracker = _trackers.get(ticket.category)
    if tracker is not None:
        return tracker(ticket)
    first = WORKFLOWS[ticket.category][0]
    return Progress(step=first.key, waiting_for=f"Next: {first.label.lower()}.")


@dataclass(frozen=True)
class Stage:
    """A step as the ticket page lists it: ``state`` is done, current or to come."""

    step: Step
    state: str


def stages(ticket: Ticket, where: Progress) -> tuple[Stage, ...]:
    """Every step of ``ticket``'s workflow, marked against ``where`` it is."""
    steps = WORKFLOWS[ticket.category]
    keys = [step.key for step in steps]
    at = keys.index(where.step) if where.step in keys else len(keys)
    return tuple(
        Stage(step, "done" if n < at else "current" if n == at else "to come")
        for n, step in enumerate(steps)
    )


def steps_dropped(ticket: Ticket, category: str) -> tuple[str, ...]:
    """The steps ``ticket`` has taken in its category's workflow that moving it to
    ``category`` would leave behind: they stay on the timeline, but the new category's
    workflow starts from its beginning."""
    if category == ticket.category:
        return ()
    return progress(ticket).taken


@dataclass(frozen=True)
class NewAnswers:
    """A ticket's category answers written again (recategorised, or its questions answered
    anew), inside the use case's transaction: ``ticket`` is locked and saved with its new
    category and answers; ``old_category`` and ``old_answers`` are what it had before."""

    ticket: Ticket
    old_category: str
    old_answers: dict[str, Any]
    actor: User
    at: datetime


AnswersStep = Callable[[NewAnswers], None]
_answers_steps: dict[str, AnswersStep] = {}


def on_new_answers(category: str, step: AnswersStep) -> None:
    """Make ``step`` follow the answers of tickets that are of ``category`` once answered."""
    if category not in WORKFLOWS:
        raise ImproperlyConfigured(f"no workflow is declared for category {category!r}")
    if _answers_steps.setdefault(category, step) is not step:
        raise ImproperlyConfigured(f"category {category!r} has a step on new answers already")


def answered_anew(change: NewAnswers) -> None:
    """Run the step the ticket's category registered for new answers, if any, in the
    caller's transaction."""
    step = _answers_steps.get(change.ticket.category)
    if step is not None:
        step(change)
