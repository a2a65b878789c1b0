"""Stage 3: a stored message becomes a ticket, a reply, a record or a quarantined item."""

import base64
import io
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import LazySettings, settings
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import override_settings

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.jobs import JOBS
from hypercare.lib import clock
from hypercare.mail import events as mail_events
from hypercare.mail import intake
from hypercare.mail.choices import InboundStatus, MailEventKind
from hypercare.mail.intake import FAILED, process, process_received
from hypercare.mail.models import (
    BouncedAddress,
    InboundMessage,
    Mailbox,
    MailDomain,
    ShownMessage,
)
from hypercare.mail.outgoing import automatic_headers, composed
from hypercare.mail.parsing import Limits, parse_message
from hypercare.mail.services import store_raw
from hypercare.mail.ticketing import NOT_GIVEN, title_of
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import UnknownSenders
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category, Channel, EventKind, Status
from hypercare.tickets.models import Attachment, Ticket
from hypercare.tickets.services.workflow import change_status
from tests import factories

CORPUS = Path(__file__).parent / "corpus"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def northfield(db: None) -> Institution:
    institution = factories.institution("Northfield")
    MailDomain.objects.create(institution=institution, domain="northfield.example.edu")
    return institution


@pytest.fixture
def chidi(northfield: Institution) -> User:
    return factories.requester(northfield, email="chidi.okafor@northfield.example.edu")


@pytest.fixture
def mailbox(northfield: Institution) -> Mailbox:
    return Mailbox.objects.create(
        name="support", address="support@hypercare.example", polls=False, institution=northfield
    )


def mail(
    sender: str = "chidi.okafor@northfield.example.edu",
    subject: str = "Fee receipt prints blank",
    body: str = "The receipt prints blank since this morning.",
    message_id: str = "<m1@northfield.example.edu>",
    headers: dict[str, str] | None = None,
) -> bytes:
    lines = [f"From: {sender}", "To: support@hypercare.example", f"Subject: {subject}"]
    lines += [f"Message-ID: {message_id}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()


def with_attachment(raw: bytes, filename: str, data: bytes) -> bytes:
    """``raw`` (a plain message made by ``mail``) as multipart with one attached file."""
    head, _, body = raw.partition(b"\r\n\r\n")
    return (
        head + b"\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\n" + body + b"--b\r\n"
        b'Content-Disposition: attachment; filename="' + filename.encode() + b'"\r\n'
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(data)
        + b"\r\n--b--\r\n"
    )


def stored_files() -> list[Path]:
    return [path for path in Path(settings.HYPERCARE_ATTACHMENT_DIR).rglob("*") if path.is_file()]


def corpus(name: str, **replacements: str) -> bytes:
    raw = (CORPUS / name).read_bytes()
    for old, new in replacements.items():
        raw = raw.replace(old.encode(), new.encode())
    return raw


def received(raw: bytes, mailbox: Mailbox | None = None) -> InboundMessage:
    return process(store_raw(raw=raw, mailbox=mailbox).message)


def sent_notification(ticket: Ticket, message_id: str) -> None:
    """One of our notifications for ``ticket`` went out with ``message_id``."""
    OutboxMessage.objects.create(
        event=NotificationEvent.PUBLIC_REPLY,
        ticket=ticket,
        to_email="chidi.okafor@northfield.example.edu",
        subject="s",
        body="b",
        dedupe_key=f"test:{message_id}",
        message_id=message_id,
        next_attempt_at=clock.now(),
        created_at=clock.now(),
    )


def resolve(ticket: Ticket) -> Ticket:
    agent = factories.agent()
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    return change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)


def test_a_known_requester_opens_a_ticket_by_mail(chidi: User, mailbox: Mailbox) -> None:
    message = received(mail(sender="Chidi.Okafor@Northfield.example.edu"), mailbox)

    assert message.status == InboundStatus.TICKET_OPENED
    ticket = Ticket.objects.get()
    assert message.ticket == ticket
    assert ticket.requester == chidi
    assert ticket.channel == Channel.EMAIL
    assert ticket.title == "Fee receipt prints blank"
    assert ticket.description == "The receipt prints blank since this morning."
    event = ticket.events.get(kind=MailEventKind.EMAIL_RECEIVED)
    assert event.new_value == str(message.pk)


def test_the_title_loses_reply_prefixes_and_our_tag() -> None:
    assert title_of("RE: AW: Fwd: [HC-000012] Fee receipt", "a@b") == "Fee receipt"
    assert title_of("  ", "a@b.example") == "Email from a@b.example"


def test_a_reply_threads_by_our_message_id(chidi: User, mailbox: Mailbox) -> None:
    ticket = factories.ticket(chidi)
    sent_notification(ticket, "<ticket.123.event.9@hypercare.example>")

    message = received(corpus("outlook.eml", **{"[HC-000123]": "[no tag]"}), mailbox)

    assert message.status == InboundStatus.REPLY_ADDED
    assert message.ticket == ticket
    reply = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    assert reply.actor == chidi
    assert "Original Message" not in reply.body
    recorded = ticket.events.get(kind=MailEventKind.EMAIL_RECEIVED)
    assert "Original Message" in recorded.body


def test_a_reply_threads_by_the_subject_tag_behind_prefixes(chidi: User) -> None:
    ticket = factories.ticket(chidi)

    message = received(mail(subject=f"AW: Re: RE: [{ticket.reference}] Fee receipt"))

    assert message.status == InboundStatus.REPLY_ADDED
    assert message.ticket == ticket
    assert Ticket.objects.count() == 1


def test_a_reply_within_the_window_reopens_a_resolved_ticket(chidi: User) -> None:
    ticket = resolve(factories.ticket(chidi))

    message = received(mail(subject=f"Re: [{ticket.reference}] still broken"))

    assert message.status == InboundStatus.REPLY_ADDED
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.events.filter(kind=EventKind.REOPENED).exists()


def test_a_reply_after_the_window_opens_a_new_ticket_naming_the_old(chidi: User) -> None:
    old = resolve(factories.ticket(chidi))

    with time_machine.travel(clock.now() + timedelta(days=30)):
        message = received(mail(subject=f"Re: [{old.reference}] again"))

    assert message.status == InboundStatus.TICKET_OPENED
    assert message.ticket is not None
    assert message.ticket != old
    assert old.reference in message.ticket.description
    recorded = message.ticket.events.get(kind=MailEventKind.EMAIL_RECEIVED)
    assert old.reference in recorded.reason
    old.refresh_from_db()
    assert old.status == Status.RESOLVED


def test_a_spoofed_reply_never_reaches_the_victims_ticket(
    chidi: User, northfield: Institution
) -> None:
    victim = factories.ticket(chidi)
    mallory = factories.requester(northfield, email="mallory@northfield.example.edu")
    raw = mail(
        sender="mallory@northfield.example.edu",
        subject=f"Re: [{victim.reference}] Fee receipt",
        headers={"Reply-To": "chidi.okafor@northfield.example.edu"},
    )

    message = received(raw)

    assert message.ticket != victim
    assert not victim.events.filter(kind=EventKind.PUBLIC_REPLY).exists()
    assert message.status == InboundStatus.TICKET_OPENED
    assert message.ticket is not None
    assert message.ticket.requester == mallory


def test_a_stranger_spoofing_a_reply_is_quarantined(chidi: User) -> None:
    victim = factories.ticket(chidi)
    sent_notification(victim, "<ticket.77.event.2@hypercare.example>")

    message = received(corpus("spoofed-reply.eml"))

    assert message.status == InboundStatus.QUARANTINED
    assert victim.events.count() == Ticket.objects.get(pk=victim.pk).events.count()
    assert not victim.events.filter(kind=MailEventKind.EMAIL_RECEIVED).exists()


def test_another_institutions_reference_is_quarantined(chidi: User) -> None:
    southbank = factories.institution("Southbank")
    theirs = factories.ticket(factories.requester(southbank))

    message = received(mail(subject=f"Re: [{theirs.reference}] hello"))

    assert message.status == InboundStatus.QUARANTINED
    assert "another institution" in message.reason
    assert message.ticket is None
    assert not theirs.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def test_an_unknown_sender_from_no_registered_domain_is_quarantined(northfield: None) -> None:
    message = received(mail(sender="someone@elsewhere.example"))

    assert message.status == InboundStatus.QUARANTINED
    assert message.sender == "someone@elsewhere.example"
    assert not Ticket.objects.exists()


def test_an_unknown_sender_of_a_registered_domain_is_held_by_default(
    northfield: Institution,
) -> None:
    message = received(mail(sender="new.person@northfield.example.edu"))

    assert message.status == InboundStatus.QUARANTINED
    assert message.reason.startswith("Held for review")
    assert not User.objects.filter(email="new.person@northfield.example.edu").exists()


def test_an_unknown_sender_of_a_registered_domain_becomes_a_requester(
    northfield: Institution,
) -> None:
    northfield.unknown_senders = UnknownSenders.CREATE_REQUESTER
    northfield.save()

    message = received(mail(sender="New Person <new.person@northfield.example.edu>"))

    assert message.status == InboundStatus.TICKET_OPENED
    person = User.objects.get(email="new.person@northfield.example.edu")
    assert person.institution == northfield
    assert person.has_role(Role.REQUESTER)
    assert not person.has_usable_password()
    assert message.ticket is not None
    assert message.ticket.requester == person


def test_an_out_of_office_reply_is_recorded_and_never_reopens(northfield: Institution) -> None:
    chidi = factories.requester(northfield, email="Chidi.Okafor@northfield.example.edu")
    ticket = resolve(factories.ticket(chidi))
    sent_notification(ticket, "<ticket.123.event.12@hypercare.example>")
    queued = OutboxMessage.objects.count()

    message = received(corpus("out-of-office.eml", **{"[HC-000123]": f"[{ticket.reference}]"}))

    assert message.status == InboundStatus.RECORDED
    assert message.ticket == ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()
    assert ticket.events.filter(kind=MailEventKind.EMAIL_RECEIVED).exists()
    assert OutboxMessage.objects.count() == queued


def test_mail_with_our_loop_header_is_ignored(chidi: User) -> None:
    ticket = factories.ticket(chidi)
    loop = automatic_headers(replies=False)
    headers = {name: value for name, value in loop.items() if name.startswith("X-Hypercare")}

    message = received(mail(subject=f"Re: [{ticket.reference}] x", headers=headers))

    assert message.status == InboundStatus.RECORDED
    assert message.ticket is None
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def test_the_looped_corpus_message_is_recorded_not_answered(chidi: User) -> None:
    message = received(corpus("loop.eml"))

    assert message.status == InboundStatus.RECORDED
    assert not Ticket.objects.exists()


@override_settings(HYPERCARE_MAIL_HARD_BOUNCES=2)
def test_a_bounce_marks_the_notification_and_flags_the_address(chidi: User) -> None:
    ticket = factories.ticket(chidi)
    sent_notification(ticket, "<notification.991.7f3a@hypercare.example>")
    raw = corpus("dsn-bounce.eml")

    first = received(raw)
    received(raw.replace(b"Message-ID: <", b"Message-ID: <again.", 1))

    assert first.status == InboundStatus.RECORDED
    row = OutboxMessage.objects.get(message_id="<notification.991.7f3a@hypercare.example>")
    assert row.bounced_at is not None
    assert row.bounce_status.startswith("5")
    address = BouncedAddress.objects.get()
    assert address.email == "old.staff@northfield.example.edu"
    assert address.hard_bounces == 2
    assert address.flagged_at is not None


@override_settings(HYPERCARE_MAIL_TICKETS_PER_HOUR=2)
def test_a_sender_opening_too_many_tickets_is_rate_limited(chidi: User) -> None:
    outcomes = [received(mail(message_id=f"<r{n}@x.example>")).status for n in range(3)]

    assert outcomes == [
        InboundStatus.TICKET_OPENED,
        InboundStatus.TICKET_OPENED,
        InboundStatus.QUARANTINED,
    ]
    assert Ticket.objects.count() == 2


def test_staff_mail_starting_with_the_prefix_is_an_internal_note(chidi: User) -> None:
    ticket = factories.ticket(chidi)
    agent = factories.agent(email="agent@hypercare.example")
    raw = mail(
        sender=agent.email,
        subject=f"Re: [{ticket.reference}]",
        body="#internal\nThe customer's printer driver is old.",
    )

    message = received(raw)

    assert message.status == InboundStatus.REPLY_ADDED
    note = ticket.events.get(kind=EventKind.INTERNAL_NOTE)
    assert note.body == "The customer's printer driver is old."
    assert note.actor == agent
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def test_staff_mail_without_the_prefix_is_a_public_reply(chidi: User) -> None:
    ticket = factories.ticket(chidi)
    agent = factories.agent(email="agent@hypercare.example")

    received(mail(sender=agent.email, subject=f"Re: [{ticket.reference}]", body="Try again."))

    assert ticket.events.get(kind=EventKind.PUBLIC_REPLY).actor == agent


def test_an_inline_image_becomes_an_attachment(northfield: Institution) -> None:
    sam = factories.requester(northfield, email="sam.lee@northfield.example.edu")

    message = received(corpus("inline-image.eml"))

    assert message.status == InboundStatus.TICKET_OPENED
    assert message.ticket is not None
    assert message.ticket.requester == sam
    attachment = message.ticket.attachments.get()
    assert attachment.content_type == "image/png"


def test_an_inline_image_is_kept_with_its_content_id_to_show_in_place(
    northfield: Institution,
) -> None:
    factories.requester(northfield, email="sam.lee@northfield.example.edu")

    message = received(corpus("inline-image.eml"))

    assert message.ticket is not None
    image = message.ticket.attachments.get()
    recorded = message.ticket.events.get(kind=MailEventKind.EMAIL_RECEIVED)
    shown = ShownMessage.objects.get(event=recorded)
    assert shown.images == [["screen.01@northfield.example.edu", image.pk]]
    assert 'src="cid:screen.01@northfield.example.edu"' in shown.html
    assert shown.text == "This is what I see:"


def test_outlooks_inline_image_is_kept_to_show_in_place(chidi: User) -> None:
    message = received(corpus("outlook-inline-image.eml"))

    assert message.ticket is not None
    image = message.ticket.attachments.get()
    assert image.original_name == "image001.png"
    shown = ShownMessage.objects.get(event__ticket=message.ticket)
    assert shown.images == [["image001.png@01DB44A1.2F3E4D50", image.pk]]
    assert 'src="cid:image001.png@01DB44A1.2F3E4D50"' in shown.html


def test_an_attached_image_is_not_shown_in_place(chidi: User) -> None:
    raw = (
        b"From: chidi.okafor@northfield.example.edu\r\nSubject: Files\r\n"
        b"Message-ID: <files@x.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
        b'--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="a.png"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(PNG) + b"\r\n--b--\r\n"
    )

    message = received(raw)

    assert message.ticket is not None
    assert message.ticket.attachments.count() == 1
    assert not ShownMessage.objects.exists()


def test_an_internal_notes_inline_images_stay_among_its_internal_files(chidi: User) -> None:
    ticket = factories.ticket(chidi)
    agent = factories.agent(email="agent@hypercare.example")
    raw = (
        f"From: {agent.email}\r\nSubject: Re: [{ticket.reference}]\r\n"
        "Message-ID: <note@hypercare.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\n#internal\r\nTheir screen:\r\n"
        "--b\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.b64encode(PNG).decode()}\r\n--b--\r\n"
    ).encode()

    received(raw)

    assert ticket.attachments.get().is_internal
    assert ticket.events.filter(kind=MailEventKind.EMAIL_RECEIVED).exists()
    assert not ShownMessage.objects.exists()


def test_a_refused_attachment_is_noted_not_fatal(chidi: User) -> None:
    raw = (
        b"From: chidi.okafor@northfield.example.edu\r\nSubject: Files\r\n"
        b"Message-ID: <files@x.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee the files.\r\n"
        b'--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="a.png"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(PNG) + b"\r\n"
        b"--b\r\nContent-Type: application/x-msdownload\r\n"
        b'Content-Disposition: attachment; filename="run.exe"\r\n\r\nMZ\x90\x00binary\r\n'
        b"--b--\r\n"
    )

    message = received(raw)

    assert message.status == InboundStatus.TICKET_OPENED
    assert message.ticket is not None
    assert [a.original_name for a in message.ticket.attachments.all()] == ["a.png"]
    recorded = message.ticket.events.get(kind=MailEventKind.EMAIL_RECEIVED)
    assert "Not attached: run.exe" in recorded.reason


def test_the_same_message_processed_twice_changes_nothing(chidi: User) -> None:
    message = received(mail())
    events = list(message.ticket.events.values_list("pk", flat=True)) if message.ticket else []

    again = process(message)
    also = received(mail())

    assert again.status == also.status == InboundStatus.TICKET_OPENED
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert message.ticket is not None
    assert list(message.ticket.events.values_list("pk", flat=True)) == events


def test_an_unparseable_message_is_quarantined_with_the_reason(db: None) -> None:
    message = received(corpus("mime-bomb.eml"))

    assert message.status == InboundStatus.QUARANTINED
    assert message.reason.startswith("Unparseable")


def test_a_too_large_message_tells_a_human_sender_once(
    chidi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = Limits(max_bytes=100)
    monkeypatch.setattr(
        "hypercare.mail.intake.parse_message", lambda raw: parse_message(raw, small)
    )

    message = received(mail(body="x" * 500))
    InboundMessage.objects.filter(pk=message.pk).update(status=InboundStatus.RECEIVED)
    process(message)

    assert message.status == InboundStatus.QUARANTINED
    assert message.reason.startswith("Too large")
    notices = OutboxMessage.objects.filter(event=NotificationEvent.MAIL_REFUSED)
    assert [n.to_email for n in notices] == ["chidi.okafor@northfield.example.edu"]


def test_a_too_large_automatic_message_tells_nobody(
    chidi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = Limits(max_bytes=100)
    monkeypatch.setattr(
        "hypercare.mail.intake.parse_message", lambda raw: parse_message(raw, small)
    )

    message = received(mail(body="x" * 500, headers={"Auto-Submitted": "auto-replied"}))

    assert message.status == InboundStatus.QUARANTINED
    assert not OutboxMessage.objects.filter(event=NotificationEvent.MAIL_REFUSED).exists()


def test_the_job_drains_received_messages(chidi: User) -> None:
    for n in range(3):
        store_raw(raw=mail(message_id=f"<job{n}@x.example>"), mailbox=None)

    assert process_received() == {"processed": 3, "failed": 0}
    assert not InboundMessage.objects.filter(status=InboundStatus.RECEIVED).exists()
    assert Ticket.objects.count() == 3


def test_a_processed_message_is_left_as_it_is(chidi: User) -> None:
    message = received(mail())

    again = process(message)

    assert again.status == InboundStatus.TICKET_OPENED
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_another_worker_is_processing_is_passed_over(
    chidi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; row locks need PostgreSQL")
    message = store_raw(raw=mail(), mailbox=None).message
    inside, release = threading.Event(), threading.Event()
    routed = intake._routed

    def slow_routing(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        assert release.wait(timeout=30)
        return routed(*args, **kwargs)

    monkeypatch.setattr(intake, "_routed", slow_routing)
    outcomes: list[str] = []

    def first_worker() -> None:
        try:
            outcomes.append(process(InboundMessage.objects.get(pk=message.pk)).status)
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    assert inside.wait(timeout=30)
    second = process(InboundMessage.objects.get(pk=message.pk))
    release.set()
    worker.join(timeout=30)

    assert second.status == InboundStatus.RECEIVED
    assert outcomes == [InboundStatus.TICKET_OPENED]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_draining_at_once_process_each_message_once(
    chidi: User, settings: LazySettings
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; row locks need PostgreSQL")
    settings.HYPERCARE_MAIL_TICKETS_PER_HOUR = 100
    for n in range(30):
        store_raw(raw=mail(message_id=f"<both{n}@x.example>", subject=f"Both {n}"), mailbox=None)
    results: list[dict[str, int]] = []
    start = threading.Barrier(2)

    def drain() -> None:
        start.wait()
        try:
            results.append(process_received())
        finally:
            connection.close()

    workers = [threading.Thread(target=drain) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert sum(result["failed"] for result in results) == 0
    assert Ticket.objects.count() == 30
    assert sorted(Ticket.objects.values_list("title", flat=True)) == sorted(
        f"Both {n}" for n in range(30)
    )
    assert not InboundMessage.objects.exclude(status=InboundStatus.TICKET_OPENED).exists()


def test_parsed_corpus_reply_keeps_reply_to_out_of_identity() -> None:
    parsed = parse_message(corpus("spoofed-reply.eml"))

    assert parsed.from_address == "mallory@southbank.example.ac.uk"


def deliver(monkeypatch: pytest.MonkeyPatch, raw: bytes) -> None:
    class Stdin:
        buffer = io.BytesIO(raw)

    monkeypatch.setattr(sys, "stdin", Stdin())
    call_command("mail", "deliver", "--mailbox", "support", stdout=io.StringIO())


def test_a_piped_mail_opens_a_ticket_whose_receipt_threads_with_it(
    northfield: Institution, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sam = factories.requester(northfield, email="sam.lee@northfield.example.edu")

    deliver(monkeypatch, corpus("inline-image.eml"))

    ticket = Ticket.objects.get()
    assert ticket.requester == sam
    receipt = OutboxMessage.objects.get(event=NotificationEvent.TICKET_RECEIVED, ticket=ticket)
    email = composed(receipt)
    assert email.extra_headers["In-Reply-To"] == "<inline-image-1@northfield.example.edu>"
    assert email.reply_to == ["support@hypercare.example"]
    assert f"[{ticket.reference}]" in email.subject


def test_a_processing_failure_still_reports_the_mail_stored(
    chidi: User, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(message: InboundMessage) -> InboundMessage:
        raise RuntimeError("a bug")

    monkeypatch.setattr("hypercare.mail.management.commands.mail.process", broken)

    deliver(monkeypatch, mail())

    assert InboundMessage.objects.get().status == InboundStatus.RECEIVED
    assert not Ticket.objects.exists()


def test_a_new_ticket_goes_to_the_mailboxs_team_and_category(chidi: User, mailbox: Mailbox) -> None:
    finance = factories.team("Finance desk")
    mailbox.team = finance
    mailbox.category = Category.QUESTION
    mailbox.save()

    message = received(mail(), mailbox)

    assert message.ticket is not None
    assert message.ticket.team == finance
    assert message.ticket.category == Category.QUESTION
    assert message.ticket.category_details == {"screen_or_report": NOT_GIVEN}


def test_a_category_asking_more_than_text_falls_back_to_a_question(
    chidi: User, mailbox: Mailbox
) -> None:
    mailbox.category = Category.INCIDENT
    mailbox.save()

    message = received(mail(), mailbox)

    assert message.ticket is not None
    assert message.ticket.category == Category.QUESTION


def test_staff_mail_naming_no_ticket_is_quarantined(db: None) -> None:
    agent = factories.agent(email="agent@hypercare.example")

    message = received(mail(sender=agent.email, subject="Lunch?"))

    assert message.status == InboundStatus.QUARANTINED
    assert not Ticket.objects.exists()


def test_a_key_user_replies_for_a_colleague_by_mail(chidi: User, northfield: Institution) -> None:
    ticket = factories.ticket(chidi)
    key_user = factories.user(
        Role.KEY_USER, institution=northfield, email="kim@northfield.example.edu"
    )

    message = received(mail(sender=key_user.email, subject=f"Re: [{ticket.reference}]"))

    assert message.status == InboundStatus.REPLY_ADDED
    assert ticket.events.get(kind=EventKind.PUBLIC_REPLY).actor == key_user


def test_a_database_failure_midway_leaves_nothing_and_the_message_for_a_retry(
    chidi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = factories.ticket(chidi)
    raw = mail(subject=f"Re: [{ticket.reference}]", body="Still blank.")
    raw = with_attachment(raw, "receipt.png", PNG)
    message = store_raw(raw=raw, mailbox=None).message

    def database_gone(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("the database went away")

    monkeypatch.setattr(mail_events, "record_received", database_gone)
    with pytest.raises(OperationalError):
        process(message)

    assert InboundMessage.objects.get(pk=message.pk).status == InboundStatus.RECEIVED
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()
    assert not Attachment.objects.exists()
    assert stored_files() == []

    monkeypatch.undo()
    again = process(InboundMessage.objects.get(pk=message.pk))

    assert again.status == InboundStatus.REPLY_ADDED
    assert ticket.events.filter(kind=EventKind.PUBLIC_REPLY).count() == 1
    assert Attachment.objects.get().original_name == "receipt.png"
    assert len(stored_files()) == 1


def test_a_bug_midway_quarantines_the_message_with_nothing_added(
    chidi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = factories.ticket(chidi)
    message = store_raw(raw=mail(subject=f"Re: [{ticket.reference}]"), mailbox=None).message

    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(mail_events, "record_received", broken)
    outcome = process(message)

    assert outcome.status == InboundStatus.QUARANTINED
    assert outcome.reason == FAILED
    assert InboundMessage.objects.get(pk=message.pk).status == InboundStatus.QUARANTINED
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def test_the_mail_process_job_is_registered_for_both_engines(chidi: User) -> None:
    store_raw(raw=mail(), mailbox=None)

    assert JOBS["mail_process"].function() == {"processed": 1, "failed": 0}
    assert Ticket.objects.count() == 1


def test_a_mails_files_show_with_its_text_not_as_rows_of_their_own(chidi: User) -> None:
    opened = received(with_attachment(mail(), "receipt.png", PNG))
    assert opened.ticket is not None
    ticket = opened.ticket
    reply_raw = mail(subject=f"Re: [{ticket.reference}]", message_id="<m2@northfield.example.edu>")

    received(with_attachment(reply_raw, "again.png", PNG))

    files = dict(ticket.attachments.values_list("original_name", "event__kind"))
    assert files == {"receipt.png": EventKind.CREATED, "again.png": EventKind.PUBLIC_REPLY}
    assert not ticket.events.filter(kind=EventKind.ATTACHMENT_ADDED).exists()
