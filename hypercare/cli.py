"""The ``hypercare`` console script.

``serve``, ``worker``, ``check``, ``backup`` and ``restore`` concern the installation as a
whole (``hypercare.server``, ``hypercare.worker``, ``hypercare.health``,
``hypercare.backups``); ``demo``, ``token`` and ``mail`` are Django management commands, so
``manage.py demo`` works too; ``manage`` runs any Django management command.
"""

import argparse
import os
import sys
from pathlib import Path

import django
from django.apps import apps
from django.core.management import CommandError, execute_from_command_line

from hypercare import health, server

COMMANDS = {
    "serve": "apply migrations, collect static files and serve the site with gunicorn",
    "worker": "run the background jobs (SLA sweeps, mail, escalation checks) until stopped",
    "demo": "load demo institutions, people and tickets (running it again changes nothing)",
    "token": "create, list or revoke a person's personal API tokens",
    "mail": "store a message from an MTA (mail deliver) or read the mailboxes now (mail poll)",
    "check": "check the configuration, database, attachment storage and mail",
    "backup": "write one archive of the database, attachments and mail store",
    "restore": "restore an archive into this installation, checking it first",
    "manage": "run a Django management command, as manage.py does",
}
EPILOG = (
    "Run 'hypercare COMMAND --help' for a command's options. Everything is kept in "
    "HYPERCARE_DATA_DIR (default: ./var)."
)


def main(argv: list[str] | None = None) -> int:
    """Run one command; the answer is the process's exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hypercare.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    command = _parser().parse_args(args[:1]).command
    rest = args[1:]
    if command == "serve":
        return _serve(rest)
    if command == "worker":
        return _worker(rest)
    if command == "check":
        return _check(rest)
    if command == "backup":
        return _backup(rest)
    if command == "restore":
        return _restore(rest)
    if command == "manage":
        execute_from_command_line(["hypercare manage", *rest])
    else:
        execute_from_command_line(["hypercare", command, *rest])
    return 0


def _setup_django() -> None:
    """Set Django up once: a second setup would re-bind logging to whatever stderr is now."""
    if not apps.ready:
        django.setup()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hypercare",
        description="Hypercare, the support desk for ERP systems after go-live.",
        epilog=EPILOG,
    )
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    for name, help_text in COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)
    return parser


def _serve(args: list[str]) -> int:
    """Serve until stopped; the answer is only ever a failure to start."""
    parser = argparse.ArgumentParser(prog="hypercare serve", description=COMMANDS["serve"])
    parser.add_argument(
        "--bind",
        default=server.DEFAULT_BIND,
        type=_bind,
        metavar="HOST:PORT",
        help=f"where to listen (default: {server.DEFAULT_BIND}; 0.0.0.0:PORT for every interface)",
    )
    options = parser.parse_args(args)
    _setup_django()
    try:
        server.serve(options.bind)
    except (CommandError, OSError) as exc:
        print(f"hypercare serve: cannot start: {exc}", file=sys.stderr)
        return 1


def _bind(value: str) -> str:
    try:
        return server.parse_bind(value)
    except server.BadBind as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _worker(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hypercare worker", description=COMMANDS["worker"])
    parser.add_argument(
        "--parent", type=int, metavar="PID", help="also stop when process PID ends (used by serve)"
    )
    options = parser.parse_args(args)
    _setup_django()
    from hypercare import worker  # the jobs import models, so only after Django is set up

    worker.work(parent=options.parent)
    return 0


def _check(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hypercare check", description=COMMANDS["check"])
    parser.add_argument(
        "--deploy",
        action="store_true",
        help="also check what a desk reached from other machines needs: HTTPS, secure "
        "cookies, HSTS, private data, a database for more than one host",
    )
    options = parser.parse_args(args)
    _setup_django()
    results = health.run_deploy_checks() if options.deploy else health.run_checks()
    for result in results:
        print(f"{'ok' if result.ok else 'FAIL':<4}  {result.name:<13}  {result.detail}")
    return 0 if all(result.ok for result in results) else 1


def _backup(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hypercare backup", description=COMMANDS["backup"])
    parser.add_argument(
        "--to",
        type=Path,
        metavar="DIR",
        help="the folder to write the archive into (default: HYPERCARE_BACKUP_DIR)",
    )
    parser.add_argument(
        "--include-secrets",
        action="store_true",
        help="also store the secret key (keep such an archive as safe as the key itself)",
    )
    options = parser.parse_args(args)
    _setup_django()
    from django.conf import settings

    from hypercare.backups.archive import create_backup
    from hypercare.backups.errors import BackupError

    try:
        path = create_backup(
            destination=options.to or Path(settings.HYPERCARE_BACKUP_DIR),
            include_secrets=options.include_secrets,
        )
    except (BackupError, OSError) as exc:
        print(f"hypercare backup: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _restore(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hypercare restore",
        description=f"{COMMANDS['restore']}. Stop the desk (serve, workers) first.",
    )
    parser.add_argument("archive", type=Path, help="a hypercare-backup-*.tar.gz file")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the data of an installation that is not empty",
    )
    options = parser.parse_args(args)
    _setup_django()
    from hypercare.backups.errors import BackupError
    from hypercare.backups.restore import restore_backup

    try:
        restored = restore_backup(path=options.archive, force=options.force)
    except (BackupError, OSError) as exc:
        print(f"hypercare restore: {exc}", file=sys.stderr)
        return 1
    print(f"restored {restored.rows} rows in {restored.tables} tables and {restored.files} files")
    return 0
