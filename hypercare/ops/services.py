from datetime import timedelta

from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.ops.models import JobRun


def record_job_run(*, job: str, duration: timedelta, succeeded: bool) -> None:
    """Overwrite ``job``'s last run; one statement, so concurrent workers never collide."""
    with use_case():
        JobRun.objects.bulk_create(
            [
                JobRun(
                    job=job,
                    finished_at=clock.now(),
                    duration_seconds=duration.total_seconds(),
                    succeeded=succeeded,
                )
            ],
            update_conflicts=True,
            unique_fields=["job"],
            update_fields=["finished_at", "duration_seconds", "succeeded"],
        )
