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
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.mail import get_connection
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

from hypercare.backups import marker
from hypercare.backups.schedule import last_backup
from hypercare.lib import clock

SMTP_TIMEOUT_SECONDS = 5
MIN_SECRET_KEY_LENGTH = 50
MIN_HSTS_SECONDS = 86_400
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


def run_deploy_checks() -> list[Result]:
    """``hypercare check --deploy``: the checks, and what an installation reached from
    other machines must not leave as it is."""
    return [*run_checks(), _run(check_deployment)]


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


def check_restore() -> Result:
    """No restore stopped half-way: its data would be part old, part restored."""
    unfinished = marker.current()
    if unfinished:
        return Result(
            "restore",
            False,
            f"{unfinished} and did not finish; run it again with --force before serving",
        )
    return Result("restore", True, "no restore under way")


def check_backup() -> Result:
    """The newest backup in the backup folder is recent enough (none yet is not a fault:
    the job takes the first within the hour)."""
    folder = Path(settings.HYPERCARE_BACKUP_DIR)
    last = last_backup(folder)
    schedule = "daily" if settings.HYPERCARE_BACKUP_SCHEDULE else "not scheduled"
    if last is None:
        return Result("backup", True, f"no backup yet in {folder} ({schedule})")
    age_hours = (clock.now() - last).total_seconds() / 3600
    detail = f"last backup {last:%Y-%m-%d %H:%M} UTC in {folder} ({schedule})"
    if age_hours > settings.HYPERCARE_BACKUP_MAX_AGE_HOURS:
        return Result("backup", False, f"{detail}, {age_hours:.0f} hours ago; is a worker running?")
    return Result("backup", True, detail)


def check_deployment() -> Result:
    """HTTPS with secure cookies and HSTS, data no other user of the machine can read, and
    a database that suits more than one host."""
    problems = [*_transport_problems(), *_readable_data(), *_database_problems()]
    if problems:
        return Result("deployment", False, "; ".join(problems))
    return Result("deployment", True, f"{settings.SITE_URL} over HTTPS, data private")


def _transport_problems() -> list[str]:
    if urlsplit(settings.SITE_URL).scheme != "https":
        return [
            f"HYPERCARE_SITE_URL {settings.SITE_URL} is not https://; serve the desk over "
            "HTTPS (a reverse proxy ending TLS, see deploy/)"
        ]
    problems = []
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append("cookies are sent over plain HTTP too; set HYPERCARE_SECURE_COOKIES=true")
    if settings.SECURE_HSTS_SECONDS < MIN_HSTS_SECONDS:
        problems.append(
            "browsers are not told to keep to HTTPS; set HYPERCARE_HSTS_SECONDS "
            f"(at least {MIN_HSTS_SECONDS}, a day)"
        )
    if (
        getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        and not settings.HYPERCARE_TRUSTED_PROXIES
    ):
        problems.append(
            "behind a proxy, every client has the proxy's address, so one person's failed "
            "sign-ins lock everyone out; set HYPERCARE_TRUSTED_PROXIES to the proxy's address"
        )
    return problems


def _readable_data() -> list[str]:
    """The data directory, the attachments, the database file and the kept secret key,
    where other users of the machine may read or enter them."""
    paths = [
        settings.DATA_DIR,
        Path(settings.HYPERCARE_ATTACHMENT_DIR),
        settings.DATA_DIR / "secret_key",
    ]
    if connection.vendor == "sqlite":
        paths.append(Path(str(connection.settings_dict["NAME"])))
    return [
        f"{path} is open to other users of the machine (mode {mode:o}); chmod o-rwx"
        for path in dict.fromkeys(paths)
        if path.exists() and (mode := path.stat().st_mode & 0o777) & 0o007
    ]


def _database_problems() -> list[str]:
    """SQLite is a file on one host: jobs run by Celery (on other hosts) need PostgreSQL."""
    if connection.vendor == "sqlite" and not settings.HYPERCARE_EMBEDDED_WORKER:
        return [
            "SQLite with Celery workers (HYPERCARE_EMBEDDED_WORKER=false): SQLite serves one "
            "host; set DATABASE_URL to PostgreSQL"
        ]
    return []


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
    check_restore,
    check_backup,
)
