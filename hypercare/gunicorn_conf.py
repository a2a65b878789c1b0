"""Gunicorn's settings for ``hypercare serve`` (read as ``-c python:hypercare.gunicorn_conf``).

One single-threaded process per core, plus one: SQLite in WAL mode lets the processes
read while one of them writes, and a process's threads would share one interpreter lock.
Under concurrent writes that lock convoys: the thread holding SQLite's write lock waits
for the interpreter while its siblings run, and every writer in the other processes waits
for it (``bench/``: 2 × 4 threads created about 120 tickets/s where 3 × 1 created 300).
``HYPERCARE_WEB_WORKERS`` and ``HYPERCARE_WEB_THREADS`` change the numbers.
Anything that must run beside the web workers (a background job worker) belongs in
gunicorn's server hooks here, so it starts and stops with the arbiter.
"""

import os
import subprocess
import sys
from typing import Any

from django.conf import settings

from hypercare.lib.env import env_int

wsgi_app = "hypercare.wsgi:application"
proc_name = "hypercare"
worker_class = "gthread"
workers = env_int("HYPERCARE_WEB_WORKERS", (os.cpu_count() or 1) + 1, minimum=1)
threads = env_int("HYPERCARE_WEB_THREADS", 1, minimum=1)
# A request slower than this is stuck; the worker is replaced.
timeout = 60
# On SIGTERM, requests in flight get this long to finish.
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# Gunicorn 25+ opens a control socket in the home folder by default; two installations
# on one machine would fight over it, and the embedded server has no use for it.
control_socket_disable = True

# The embedded job worker (``hypercare worker``), unless Celery runs the jobs.
_job_workers: list[subprocess.Popen[bytes]] = []


def when_ready(server: Any) -> None:
    if settings.HYPERCARE_EMBEDDED_WORKER:
        command = [sys.executable, "-m", "hypercare", "worker", "--parent", str(os.getpid())]
        _job_workers.append(subprocess.Popen(command))  # noqa: S603 (our own interpreter)


def on_exit(server: Any) -> None:
    """Stop the job worker after the web workers: it finishes the job in progress."""
    for process in _job_workers:
        process.terminate()
        try:
            process.wait(timeout=graceful_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
