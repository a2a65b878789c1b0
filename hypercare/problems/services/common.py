"""What the problem services share: the refusal, the row lock, the status change."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.problems import events
from hypercare.problems.choices import ProblemEventKind, ProblemStatus
from hypercare.problems.models import Problem

WORK_REFUSED = "Only support staff work on problems."


def lock(problem: Problem) -> Problem:
    """The problem's current row, locked until the transaction ends (no lost updates)."""
    return Problem.objects.select_for_update().get(pk=problem.pk)


def set_status(
    problem: Problem, status: str, actor: User | None, at: datetime, reason: str = ""
) -> None:
    """Move a locked problem to ``status`` and record it; the caller saves the row.

    A problem becomes a known error the first time it enters that status. Going back to
    work (investigating, known error) takes it off its release, so shipping that release
    resolves it no more; a resolved problem keeps the release its fix is in.
    """
    old = problem.status
    if old == status:
        return
    problem.status = status
    if status == ProblemStatus.KNOWN_ERROR and problem.known_error_at is None:
        problem.known_error_at = at
    if status in (ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR):
        problem.release = None
    problem.resolved_at = at if status == ProblemStatus.RESOLVED else None
    events.record(
        problem,
        ProblemEventKind.STATUS_CHANGED,
        actor,
        at,
        old_value=old,
        new_value=status,
        body=reason,
    )
