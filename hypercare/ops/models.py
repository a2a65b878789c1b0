"""What the operator's probes read that no other app records: the job engines' runs."""

from django.db import models


class JobRun(models.Model):
    """The last run of one periodic job, by whichever engine ran it.

    One row per job, overwritten by each run: enough for ``/readyz`` to tell that the jobs
    are running and for ``/metrics`` to show how long each took, in one small table
    whatever the number of workers.
    """

    job = models.CharField(max_length=100, unique=True)
    finished_at = models.DateTimeField()
    duration_seconds = models.FloatField()
    succeeded = models.BooleanField()

    class Meta:
        ordering = ["job"]

    def __str__(self) -> str:
        return self.job
