"""``hypercare check``: is this installation fit to serve?

Each check answers one question an operator asks after installing or changing the
configuration, and says what to fix. They read the live settings and touch the real
database, attachment folder and mail server, so a passing run means the parts work, not
merely that they are configured.
"""

import smtplib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.mail import get_connection
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

SMTP_TIMEOUT_SECONDS = 5
MIN_SECRET_KEY_LENGTH = 50
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str


def run_checks() -> list[Result]:
    return [_run(check) for check in CHECKS]


def _run(check: Callable[[], Result]) -> Result:
    """A check that crashes is a failed check: the operator sees why, not a traceback."""
    try:
        return check()
    except Exception as exc:
        return Result(check.__name__.removeprefix("check_"), False, f"{type(exc).__name__}: {exc}")


def check_configuration() -> Result:
    """Settings that are unsafe or unusable in front of real users."""
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on; set DEBUG=false outside development")
    key = settings.SECRET_KEY
    if len(key) < MIN_SECRET_KEY_LENGTH or key.startswith("django-insecure"):
        problems.append(f"SECRET_KEY must be random and at least {MIN_SECRET_KEY_LENGTH} long")
    if not settings.ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty; list the host names the site is reached by")
    elif "*" in settings.ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS accepts any host; list the site's host names")
    errors = [m for m in checks.run_checks() if m.level >= checks.ERROR]
    problems.extend(f"{message.id}: {message.msg}" for message in errors)
    if problems:
        return Result("configuration", False, "; ".join(problems))
    return Result("configuration", True, f"hosts {', '.join(settings.ALLOWED_HOSTS)}")


def check_database() -> Result:
    """The database answers and every migration is applied."""
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Result("database", False, f"cannot connect: {exc}")
    if pending:
        return Result(
            "database",
            False,
            f"{len(pending)} migrations not applied; run `hypercare manage migrate` "
            "(`hypercare serve` applies them)",
        )
    return Result("database", True, _describe_database())


def _describe_database() -> str:
    if connection.vendor != "sqlite":
        return f"{connection.vendor}, migrations applied"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone() or ("unknown",)
    return f"sqlite ({mode}) {settings.DATABASES['default']['NAME']}, migrations applied"


def check_storage() -> Result:
    """Attachments can be written where the settings say."""
    folder = Path(settings.HYPERCARE_ATTACHMENT_DIR)
    problem = writable_problem(folder)
    if problem:
        return Result("storage", False, f"attachment folder {folder}: {problem}")
    return Result("storage", True, f"attachments in {folder}")


def check_mail() -> Result:
    """Outgoing mail can leave: the file spool is writable, or the SMTP server answers."""
    backend = settings.EMAIL_BACKEND
    try:
        import_string(backend)
    except ImportError as exc:
        return Result("mail", False, f"EMAIL_BACKEND {backend!r} cannot be loaded: {exc}")
    if backend == FILE_BACKEND:
        folder = Path(settings.EMAIL_FILE_PATH)
        problem = writable_problem(folder)
        if problem:
            return Result("mail", False, f"mail folder {folder}: {problem}")
        return Result("mail", True, f"written to files in {folder} (set EMAIL_BACKEND to send)")
    if backend == SMTP_BACKEND:
        return _check_smtp()
    return Result("mail", True, f"backend {backend}")


def _check_smtp() -> Result:
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    mail = get_connection(timeout=SMTP_TIMEOUT_SECONDS, fail_silently=False)
    try:
        mail.open()
    except (OSError, smtplib.SMTPException) as exc:
        return Result("mail", False, f"SMTP server {server} does not answer: {exc}")
    mail.close()
    return Result("mail", True, f"SMTP server {server} answers")


def writable_problem(folder: Path) -> str:
    """Why a file cannot be created in ``folder`` (created if missing), or ''."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


CHECKS: tuple[Callable[[], Result], ...] = (
    check_configuration,
    check_database,
    check_storage,
    check_mail,
)
