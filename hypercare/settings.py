"""Hypercare's one settings module: every knob is read from the environment.

Embedded mode (the default) keeps everything under ``HYPERCARE_DATA_DIR``: the SQLite
database in WAL mode, attachments, the generated secret key and the mail spool.
Distributed mode is the same code with ``DATABASE_URL`` pointing at PostgreSQL and
``HYPERCARE_REDIS_URL`` at Redis.
"""

import os
import secrets
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from hypercare.lib.env import env_bool, env_int, env_list, env_str

# Lets admin classes and querysets take type parameters at run time, as the stubs expect.
django_stubs_ext.monkeypatch()

# Every process (web, job worker, Celery, commands) loads these settings, and everything
# it writes under the data directory (database, attachments, mail, secret key) is for the
# desk's own user alone: files are made without any group or other permission.
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("HYPERCARE_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data directory."""
    configured = env_str("SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "hypercare.web.errors.csrf_failure"
SITE_URL = env_str("HYPERCARE_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "hypercare.apps.HypercareAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "hypercare.accounts",
    "hypercare.orgs",
    "hypercare.tickets",
    "hypercare.sla",
    "hypercare.notifications",
    "hypercare.escalations",
    "hypercare.incidents",
    "hypercare.releases",
    "hypercare.problems",
    "hypercare.mail",
    "hypercare.links",
    "hypercare.tags",
    "hypercare.macros",
    "hypercare.integrations",
    "hypercare.feedback",
    "hypercare.knowledge",
    "hypercare.corrections",
    "hypercare.access_requests",
    "hypercare.changes",
    "hypercare.approvals",
    "hypercare.surveys",
    "hypercare.reports",
    "hypercare.handover",
    "hypercare.adoption",
    "hypercare.audit",
    "hypercare.privacy",
    "hypercare.ops",
    "hypercare.security",
    "hypercare.sso",
    "hypercare.web",
    # Form widgets render through TEMPLATES, so a widget template of ours can replace Django's.
    "django.forms",
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    # First, so the latency it measures includes every other middleware.
    "hypercare.ops.metrics.RequestDurationMiddleware",
    # Before anything that reads the client's address (sign-in lockouts, the metrics list).
    "hypercare.web.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hypercare.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hypercare.security.middleware.SessionSeenMiddleware",
    "hypercare.audit.middleware.AuditContextMiddleware",
    "hypercare.web.middleware.ViewerTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hypercare.urls"
WSGI_APPLICATION = "hypercare.wsgi.application"

# The web desk keeps each domain's pages in a folder of their own (web/<domain>/), with
# their templates beside them; the shell's templates are the web app's own.
WEB_DOMAIN_TEMPLATES = sorted((BASE_DIR / "hypercare" / "web").glob("*/templates"))
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": WEB_DOMAIN_TEMPLATES,
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hypercare.sqlite3'}")
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue on the busy timeout instead of failing mid-way.
        # A new connection parses the whole schema and starts with an empty page cache:
        # keeping each thread's connection took a third off an API list page (bench/).
        database["CONN_MAX_AGE"] = 600
        database["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    return {"default": database}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The desk's one way of writing dates and times (hypercare/lib/times.py).
FORMAT_MODULE_PATH = ["hypercare.formats"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

AUTHENTICATION_BACKENDS = ["hypercare.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# A working day: a session ends this long after sign-in, whatever happens in between.
SESSION_COOKIE_AGE = env_int("HYPERCARE_SESSION_HOURS", 8, minimum=1) * 3600
# Password guessing: this many failures for one login from one address locks it for a while.
HYPERCARE_SIGN_IN_MAX_FAILURES = env_int("HYPERCARE_SIGN_IN_MAX_FAILURES", 5, minimum=1)
HYPERCARE_SIGN_IN_LOCKOUT_MINUTES = env_int("HYPERCARE_SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1)
# Two-factor authentication: required of support staff and system admins when on (an
# institution's admin requires it of their own people from the portal). The same failure
# limit and lockout as passwords count wrong codes.
HYPERCARE_REQUIRE_2FA_FOR_STAFF = env_bool("HYPERCARE_REQUIRE_2FA_FOR_STAFF", False)
# How often a signed-in session's "last seen" moves on: at most once per this many seconds.
HYPERCARE_SESSION_SEEN_SECONDS = env_int("HYPERCARE_SESSION_SEEN_SECONDS", 300, minimum=1)
# Password reset links: at most this many an hour to one account's email, and this many
# requests an hour from one client address.
HYPERCARE_PASSWORD_RESET_PER_ACCOUNT_HOURLY = env_int(
    "HYPERCARE_PASSWORD_RESET_PER_ACCOUNT_HOURLY", 3, minimum=1
)
HYPERCARE_PASSWORD_RESET_PER_ADDRESS_HOURLY = env_int(
    "HYPERCARE_PASSWORD_RESET_PER_ADDRESS_HOURLY", 10, minimum=1
)
# An institution admin's invitation link works this many days, and once.
HYPERCARE_INVITATION_DAYS = env_int("HYPERCARE_INVITATION_DAYS", 7, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("HYPERCARE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# Browsers keep to HTTPS for this long once told (Strict-Transport-Security); 0: not told.
SECURE_HSTS_SECONDS = env_int("HYPERCARE_HSTS_SECONDS", 0, minimum=0)
# Behind a reverse proxy that ends TLS, its X-Forwarded-Proto says the request was HTTPS.
if env_bool("HYPERCARE_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hypercare <support@hypercare.localhost>")
# The domain of the Message-IDs the desk sends; empty: DEFAULT_FROM_EMAIL's domain.
HYPERCARE_MAIL_DOMAIN = env_str("HYPERCARE_MAIL_DOMAIN", "")
# Mailboxes are read over TLS only; a private CA's certificates (PEM) may be trusted too.
HYPERCARE_MAIL_CA_FILE = env_str("HYPERCARE_MAIL_CA_FILE", "")
HYPERCARE_MAIL_IMAP_TIMEOUT = env_int("HYPERCARE_MAIL_IMAP_TIMEOUT", 30, minimum=1)
# A mail server that stops answering must not hold a delivery past its lease (5 minutes).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
# A notification that still fails after this many tries becomes a dead letter in the admin.
HYPERCARE_MAIL_MAX_ATTEMPTS = env_int("HYPERCARE_MAIL_MAX_ATTEMPTS", 8, minimum=1)
# Mail intake: a staff member's mail whose first line starts with this is an internal note.
HYPERCARE_MAIL_INTERNAL_PREFIX = env_str("HYPERCARE_MAIL_INTERNAL_PREFIX", "#internal")
# At most this many new tickets per sender per hour; past it, mail goes to quarantine.
HYPERCARE_MAIL_TICKETS_PER_HOUR = env_int("HYPERCARE_MAIL_TICKETS_PER_HOUR", 20, minimum=1)
# An address is flagged for admins after this many hard bounces.
HYPERCARE_MAIL_HARD_BOUNCES = env_int("HYPERCARE_MAIL_HARD_BOUNCES", 3, minimum=1)

# Background jobs (hypercare.jobs): embedded, `hypercare serve` starts a worker process
# beside the web server; distributed, Celery workers and beat take them from Redis, and
# HYPERCARE_EMBEDDED_WORKER=false keeps the web servers to serving.
HYPERCARE_EMBEDDED_WORKER = env_bool("HYPERCARE_EMBEDDED_WORKER", True)
HYPERCARE_REDIS_URL = env_str("HYPERCARE_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", HYPERCARE_REDIS_URL)

# Health and metrics (hypercare.ops): /readyz fails once the newest job run, the oldest
# notification still waiting, or a polling mailbox's last read is older than these.
HYPERCARE_READY_HEARTBEAT_SECONDS = env_int("HYPERCARE_READY_HEARTBEAT_SECONDS", 300, minimum=1)
HYPERCARE_READY_OUTBOX_SECONDS = env_int("HYPERCARE_READY_OUTBOX_SECONDS", 900, minimum=1)
HYPERCARE_READY_MAILBOX_SECONDS = env_int("HYPERCARE_READY_MAILBOX_SECONDS", 600, minimum=1)
# /metrics answers a bearer token or the listed addresses and networks; neither set, it is off.
HYPERCARE_METRICS_TOKEN = env_str("HYPERCARE_METRICS_TOKEN", "")


def _networks(name: str) -> tuple[IPv4Network | IPv6Network, ...]:
    try:
        return tuple(ip_network(item, strict=False) for item in env_list(name, []))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list addresses or networks: {exc}") from exc


HYPERCARE_METRICS_ALLOW = _networks("HYPERCARE_METRICS_ALLOW")
# Reverse proxies whose X-Forwarded-For names the client (see web.middleware).
HYPERCARE_TRUSTED_PROXIES = _networks("HYPERCARE_TRUSTED_PROXIES")

# Hypercare's own knobs.
HYPERCARE_ATTACHMENT_DIR = DATA_DIR / "attachments"

# Scheduled backups (hypercare.backups.schedule): one a day, the newest of each of the
# last KEEP_DAILY days and KEEP_WEEKLY weeks kept.
HYPERCARE_BACKUP_DIR = Path(env_str("HYPERCARE_BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
HYPERCARE_BACKUP_SCHEDULE = env_bool("HYPERCARE_BACKUP_SCHEDULE", True)
HYPERCARE_BACKUP_KEEP_DAILY = env_int("HYPERCARE_BACKUP_KEEP_DAILY", 7, minimum=1)
HYPERCARE_BACKUP_KEEP_WEEKLY = env_int("HYPERCARE_BACKUP_KEEP_WEEKLY", 4, minimum=0)
# `hypercare check` fails when the newest backup is older than this.
HYPERCARE_BACKUP_MAX_AGE_HOURS = env_int("HYPERCARE_BACKUP_MAX_AGE_HOURS", 48, minimum=1)
HYPERCARE_MAX_ATTACHMENT_BYTES = env_int("HYPERCARE_MAX_ATTACHMENT_MB", 10, minimum=1) * 2**20
HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES = (
    env_int("HYPERCARE_MAX_TICKET_ATTACHMENTS_MB", 50, minimum=1) * 2**20
)
# Satisfaction surveys: how long a survey link works, how often one requester is asked,
# and the rating (and below) that tells the team lead.
HYPERCARE_SURVEY_LINK_DAYS = env_int("HYPERCARE_SURVEY_LINK_DAYS", 14, minimum=1)
HYPERCARE_SURVEY_EVERY_DAYS = env_int("HYPERCARE_SURVEY_EVERY_DAYS", 7, minimum=0)
HYPERCARE_SURVEY_LOW_RATING = env_int("HYPERCARE_SURVEY_LOW_RATING", 2, minimum=1)
# Adoption blockers: a live module whose busiest day of the last this many days had fewer
# active ERP users than the minimum (or that sent no usage at all) blocks adoption, and so
# do this many "how do I" questions from one institution about one module in a period.
HYPERCARE_ADOPTION_DAYS = env_int("HYPERCARE_ADOPTION_DAYS", 14, minimum=1)
HYPERCARE_ADOPTION_MIN_ACTIVE_USERS = env_int("HYPERCARE_ADOPTION_MIN_ACTIVE_USERS", 3, minimum=1)
HYPERCARE_ADOPTION_QUESTIONS = env_int("HYPERCARE_ADOPTION_QUESTIONS", 3, minimum=1)
# Escalations: the manager's first update is due this long after the request, before a
# communication plan agrees a frequency; the daily review mail goes out at this hour.
HYPERCARE_ESCALATION_FIRST_UPDATE_HOURS = env_int(
    "HYPERCARE_ESCALATION_FIRST_UPDATE_HOURS", 4, minimum=1
)
HYPERCARE_ESCALATION_DIGEST_HOUR = env_int("HYPERCARE_ESCALATION_DIGEST_HOUR", 7, minimum=0)
if HYPERCARE_ESCALATION_DIGEST_HOUR > 23:
    raise ImproperlyConfigured("HYPERCARE_ESCALATION_DIGEST_HOUR must be an hour from 0 to 23")
# Major incidents: resolved within this many hours of being declared, around the clock
# (an outage does not wait for office hours), unless the declarer sets the target.
HYPERCARE_INCIDENT_RESOLVE_HOURS = env_int("HYPERCARE_INCIDENT_RESOLVE_HOURS", 4, minimum=1)

# Access requests: the agent is reminded this many days before temporary access ends; the
# approval owners' daily digest of pending approvals goes out at this hour.
HYPERCARE_ACCESS_END_REMINDER_DAYS = env_int("HYPERCARE_ACCESS_END_REMINDER_DAYS", 3, minimum=1)
HYPERCARE_APPROVAL_DIGEST_HOUR = env_int("HYPERCARE_APPROVAL_DIGEST_HOUR", 7, minimum=0)
if HYPERCARE_APPROVAL_DIGEST_HOUR > 23:
    raise ImproperlyConfigured("HYPERCARE_APPROVAL_DIGEST_HOUR must be an hour from 0 to 23")
DATA_UPLOAD_MAX_MEMORY_SIZE = HYPERCARE_MAX_ATTACHMENT_BYTES + 2**20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint tells each step of every review pack's PDF at INFO: its warnings only.
        "weasyprint": {"level": "WARNING"},
    },
}
