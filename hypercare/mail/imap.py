"""Reading mailboxes over IMAP, with TLS always: store every message, then settle the copy.

A poll fetches each message the mailbox still holds for us (unread, or every message when
read ones are moved or deleted), stores it raw in its own transaction, and only after that
commit marks the server's copy as read, moves or deletes it (``Mailbox.after_fetch``). A
worker killed between the two leaves the copy in place; the next poll fetches it again
and ``store_raw`` keeps it once, so a crash can neither lose nor duplicate a message.

There is no plaintext path: a mailbox is reached by IMAPS or by STARTTLS, and a server
that cannot start TLS, or whose certificate does not verify, is an error recorded on the
mailbox, never a reason to carry on without encryption.
"""

import imaplib
import logging
import re
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from hypercare.lib import clock
from hypercare.mail.choices import AfterFetch, Security
from hypercare.mail.models import Mailbox
from hypercare.mail.services import store_raw

logger = logging.getLogger(__name__)

# A poll searches and fetches this many messages at a time, and goes on to the next batch
# until the folder is empty or its time is up: below mail_poll's 60 s interval, so one
# mailbox's backlog never holds the job engine past its next turn.
BATCH = 500
RUN_SECONDS = 50.0
SEARCH_UNREAD = "UNSEEN"
SEARCH_ALL = "UNDELETED"
_UID = re.compile(rb"UID (\d+)")


class MailboxUnreachable(Exception):
    """The mailbox could not be read: connection, TLS, certificate or sign-in failed."""


@dataclass(frozen=True)
class PollResult:
    fetched: int
    stored: int


def tls_context() -> ssl.SSLContext:
    """Certificates and host names are always verified; a private CA may be added."""
    context = ssl.create_default_context(cafile=settings.HYPERCARE_MAIL_CA_FILE or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


@contextmanager
def connected(mailbox: Mailbox) -> Iterator[imaplib.IMAP4]:
    """A signed-in, encrypted session on the mailbox's folder; closed however it ends."""
    timeout = settings.HYPERCARE_MAIL_IMAP_TIMEOUT
    try:
        if mailbox.security == Security.TLS:
            session: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.host, mailbox.port, ssl_context=tls_context(), timeout=timeout
            )
        else:
            session = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
            # Refused, or not offered: imaplib raises, and we never sign in in plaintext.
            session.starttls(ssl_context=tls_context())
        session.login(mailbox.username, mailbox.password)
        status, _ = session.select(_quoted(mailbox.folder))
        if status != "OK":
            raise MailboxUnreachable(f"the folder {mailbox.folder!r} cannot be opened")
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxUnreachable(_describe(exc)) from exc
    try:
        yield session
    finally:
        try:
            session.logout()
        except (OSError, imaplib.IMAP4.error):
            logger.info("Mailbox %s: the server closed the session first", mailbox.name)


def poll(mailbox: Mailbox) -> PollResult:
    """Fetch, store and settle up to ``BATCH`` messages; record the outcome on the mailbox.

    Raises ``MailboxUnreachable`` (after recording it) when the mailbox cannot be read.
    """
    try:
        with connected(mailbox) as session:
            result = _drain(session, mailbox)
    except MailboxUnreachable as exc:
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=str(exc))
        raise
    except (OSError, imaplib.IMAP4.error) as exc:
        error = MailboxUnreachable(_describe(exc))
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=str(error))
        raise error from exc
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=clock.now(), last_error="")
    return result


def _drain(session: imaplib.IMAP4, mailbox: Mailbox) -> PollResult:
    """Batches of ``BATCH`` until the folder holds nothing more for us or the run's time
    is up; the copies of each batch are settled (and expunged) before the next search."""
    search = SEARCH_UNREAD if mailbox.after_fetch == AfterFetch.FLAG else SEARCH_ALL
    fetched = stored = 0
    stop_at = time.monotonic() + RUN_SECONDS
    while time.monotonic() < stop_at:
        status, data = session.uid("SEARCH", search)
        if status != "OK":
            raise MailboxUnreachable(f"the server refused to list the folder: {data!r}")
        uids = (data[0] or b"").split()[:BATCH]
        for uid in uids:
            raw = _fetch(session, uid)
            if raw is None:
                continue  # expunged by someone else since the search
            stored += store_raw(raw=raw, mailbox=mailbox).created
            _settle(session, mailbox, uid)
        fetched += len(uids)
        if mailbox.after_fetch != AfterFetch.FLAG and uids:
            session.expunge()
        if len(uids) < BATCH:
            break
    return PollResult(fetched=fetched, stored=stored)


def _fetch(session: imaplib.IMAP4, uid: bytes) -> bytes | None:
    """The message's bytes; PEEK leaves it unread until it is stored."""
    status, data = session.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
    if status != "OK":
        raise MailboxUnreachable(f"the server refused to send message {uid.decode()}")
    for part in data:
        if isinstance(part, tuple) and _UID.search(part[0]):
            return bytes(part[1])
    return None


def _settle(session: imaplib.IMAP4, mailbox: Mailbox, uid: bytes) -> None:
    """What happens to the server's copy of a message that is safely stored."""
    number = uid.decode()
    if mailbox.after_fetch == AfterFetch.FLAG:
        session.uid("STORE", number, "+FLAGS", "(\\Seen)")
        return
    if mailbox.after_fetch == AfterFetch.MOVE:
        status, data = session.uid("COPY", number, _quoted(mailbox.move_to))
        if status != "OK":
            raise MailboxUnreachable(f"cannot move messages to {mailbox.move_to!r}: {data!r}")
    session.uid("STORE", number, "+FLAGS", "(\\Deleted)")


def _quoted(folder: str) -> str:
    escaped = folder.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _describe(exc: BaseException) -> str:
    """What went wrong, in words an admin can act on; never the password."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate was refused: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, imaplib.IMAP4.error):
        return f"the server said: {exc}"
    return f"cannot connect: {exc}"


def poll_all() -> dict[str, int]:
    """Poll every polling mailbox once; one that fails is logged and the others go on."""
    counts = {"fetched": 0, "stored": 0, "failed": 0}
    started = time.monotonic()
    for mailbox in Mailbox.objects.filter(polls=True).exclude(host=""):
        try:
            result = poll(mailbox)
        except MailboxUnreachable as exc:
            logger.warning("Mailbox %s cannot be read: %s", mailbox.name, exc)
            counts["failed"] += 1
            continue
        counts["fetched"] += result.fetched
        counts["stored"] += result.stored
    logger.debug("Polled mailboxes in %.1f s: %s", time.monotonic() - started, counts)
    return counts
