"""``hypercare mail``: mail from an MTA's pipe, and polling mailboxes by hand.

``deliver`` follows the sysexits convention MTAs (Postfix, Exim, Sendmail) read: 0 once
the message is stored, 75 (EX_TEMPFAIL) when it could not be stored for now, so the MTA
keeps it and tries again. Any failure that is not the message's own fault is temporary:
a message is never bounced because the desk's database or configuration was wrong.
"""

import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hypercare.mail.imap import MailboxUnreachable, poll, poll_all
from hypercare.mail.intake import process
from hypercare.mail.models import Mailbox
from hypercare.mail.services import store_raw

logger = logging.getLogger(__name__)
EX_TEMPFAIL = 75
EX_DATAERR = 65


class Command(BaseCommand):
    help = "Take one message from an MTA on stdin (deliver), or read mailboxes now (poll)."
    # An MTA starts one process per message: loading every URL and API schema for the
    # system checks would double its start-up. ``hypercare check`` and the server run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        deliver = actions.add_parser(
            "deliver", help="store the message on stdin; exit 0 once stored, 75 to retry later"
        )
        deliver.add_argument("--mailbox", metavar="NAME", help="the mailbox it was sent to")
        polling = actions.add_parser("poll", help="read every polling mailbox (or one) once")
        polling.add_argument("--mailbox", metavar="NAME", help="only this mailbox")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "deliver":
            self._deliver(options["mailbox"])
        else:
            self._poll(options["mailbox"])

    def _deliver(self, mailbox_name: str | None) -> None:
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            raise CommandError("No message on stdin.", returncode=EX_DATAERR)
        try:
            mailbox = _mailbox(mailbox_name) if mailbox_name else None
            stored = store_raw(raw=raw, mailbox=mailbox)
        except CommandError:
            raise
        except Exception as exc:
            # The database down, the disk full: never the message's fault, so never a bounce.
            raise CommandError(
                f"The message was not stored, try again later: {exc}", returncode=EX_TEMPFAIL
            ) from exc
        state = "stored" if stored.created else "already stored"
        self.stdout.write(f"Message {stored.message.pk} {state}.")
        try:
            message = process(stored.message)
        except Exception:
            # Stored is what the MTA needs to hear; the mail_process job retries it.
            logger.exception("Processing inbound message %s failed", stored.message.pk)
            return
        logger.info("Inbound message %s: %s", message.pk, message.get_status_display())

    def _poll(self, mailbox_name: str | None) -> None:
        if mailbox_name is None:
            counts = poll_all()
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
            if counts["failed"]:
                raise CommandError(f"{counts['failed']} mailbox(es) could not be read.")
            return
        try:
            result = poll(_mailbox(mailbox_name))
        except MailboxUnreachable as exc:
            raise CommandError(f"Mailbox {mailbox_name} cannot be read: {exc}") from exc
        self.stdout.write(f"fetched: {result.fetched}, stored: {result.stored}")


def _mailbox(name: str) -> Mailbox:
    """The mailbox called ``name``; an unknown name is a configuration error, so retry."""
    mailbox = Mailbox.objects.filter(name=name).first()
    if mailbox is None:
        raise CommandError(f"No mailbox is called {name!r}.", returncode=EX_TEMPFAIL)
    return mailbox
