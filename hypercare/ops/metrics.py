"""The Prometheus figures: request latencies measured here, the desk's counts read at scrape.

Under ``hypercare serve`` the latency histogram is kept in files shared by the server's
gunicorn processes (prometheus-client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``
set by ``hypercare.server``), so whichever process answers a scrape reports the requests of
all of them; elsewhere (tests, ``manage runserver``) it lives in the process's memory. The
database-derived gauges are computed by ``DeskCollector`` when ``/metrics`` is read, with a
few aggregate queries, so they are the same whichever process answers and cost nothing
between scrapes.
"""

import os
import time
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from hypercare.ops import selectors

# The desk's own registry, not the library's global one: nothing else registers in it,
# and registering the collector does not run its queries (no auto-describe).
REGISTRY = CollectorRegistry()
# Where the server's processes keep their shared figures; read once, as the library does.
SHARED_DIRECTORY = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# A method outside these becomes "other", so a client cannot add label values at will.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_DURATION = Histogram(
    "hypercare_request_duration_seconds",
    "Time to answer a request, by view and HTTP method.",
    ["view", "method"],
    registry=REGISTRY,
)


class RequestDurationMiddleware:
    """Observes each request's duration under its view's name (``unmatched`` for addresses
    no view answers, so unknown paths do not add label values)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = match.view_name if match else "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUEST_DURATION.labels(view, method).observe(time.perf_counter() - started)
        return response


class DeskCollector:
    """Queue sizes, SLA clocks, the outbox and the jobs' last runs, read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        yield self._open_tickets()
        yield self._sla_clocks()
        yield self._outbox()
        yield from self._jobs()
        yield self._backup()

    def _open_tickets(self) -> Metric:
        family = GaugeMetricFamily(
            "hypercare_open_tickets", "Open tickets by status.", labels=["status"]
        )
        for status, count in selectors.open_tickets_by_status().items():
            family.add_metric([status], count)
        return family

    def _sla_clocks(self) -> Metric:
        family = GaugeMetricFamily(
            "hypercare_sla_clocks",
            "Open tickets' SLA clocks past their warning point and not yet due (due_soon), "
            "or past their target (breached).",
            labels=["clock", "state"],
        )
        for (clock, state), count in selectors.sla_clocks().items():
            family.add_metric([clock, state], count)
        return family

    def _outbox(self) -> Metric:
        family = GaugeMetricFamily(
            "hypercare_outbox_messages",
            "Notifications waiting to be sent (pending) and given up on (dead).",
            labels=["status"],
        )
        for status, count in selectors.outbox_backlog().items():
            family.add_metric([status], count)
        return family

    def _jobs(self) -> Iterator[Metric]:
        duration = GaugeMetricFamily(
            "hypercare_job_last_duration_seconds",
            "How long each periodic job's last run took.",
            labels=["job"],
        )
        finished = GaugeMetricFamily(
            "hypercare_job_last_finished_timestamp_seconds",
            "When each periodic job last finished, in Unix time.",
            labels=["job"],
        )
        succeeded = GaugeMetricFamily(
            "hypercare_job_last_succeeded",
            "1 if each periodic job's last run succeeded, 0 if it failed.",
            labels=["job"],
        )
        for run in selectors.job_runs():
            duration.add_metric([run.job], run.duration_seconds)
            finished.add_metric([run.job], run.finished_at.timestamp())
            succeeded.add_metric([run.job], int(run.succeeded))
        yield from (duration, finished, succeeded)

    def _backup(self) -> Metric:
        family = GaugeMetricFamily(
            "hypercare_backup_last_success_timestamp_seconds",
            "When the newest complete backup archive was taken, in Unix time (0: none yet).",
        )
        last = selectors.last_backup_at()
        family.add_metric([], last.timestamp() if last else 0)
        return family


REGISTRY.register(DeskCollector())


def scrape_registry() -> CollectorRegistry:
    """What a scrape reports: the figures of every process of this server when they share
    a directory (the in-process histogram would be this process's alone), else this
    process's registry."""
    if not SHARED_DIRECTORY:
        return REGISTRY
    registry = CollectorRegistry()
    # The library's collector is not annotated; it registers itself in ``registry``.
    multiprocess.MultiProcessCollector(registry, path=SHARED_DIRECTORY)  # type: ignore[no-untyped-call]
    registry.register(DeskCollector())
    return registry
