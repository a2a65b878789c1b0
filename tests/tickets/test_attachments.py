"""Adding files to a ticket: real types, size limits, storage, and who may add what."""

import hashlib
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.jobs import JOBS
from hypercare.lib.files import XLSX_TYPE
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import Attachment, PendingUpload, Ticket
from hypercare.tickets.services.attachments import add_attachment, attachment_path, keep_upload
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.lib import samples

T0 = datetime(2025, 6, 3, 11, 0, tzinfo=UTC)


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


def _add(ticket: Ticket, actor: User, data: bytes, name: str = "file", **kwargs: Any) -> Attachment:
    return add_attachment(ticket=ticket, actor=actor, name=name, content=io.BytesIO(data), **kwargs)


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _refused(ticket: Ticket, actor: User, data: bytes, name: str, root: Path) -> dict[str, str]:
    """Add the file, expect a refusal on ``file``, and check nothing was left behind."""
    with pytest.raises(ValidationFailed) as refused:
        _add(ticket, actor, data, name)
    assert set(refused.value.errors) == {"file"}
    assert _stored_files(root) == []
    assert not Attachment.objects.exists()
    assert not ticket.events.filter(kind=EventKind.ATTACHMENT_ADDED).exists()
    return refused.value.errors


@pytest.mark.parametrize(
    ("make", "name", "content_type"),
    [
        (samples.png, "screen.png", "image/png"),
        (samples.jpeg, "photo.jpg", "image/jpeg"),
        (samples.webp, "shot.webp", "image/webp"),
        (samples.gif, "spinner.gif", "image/gif"),
        (samples.pdf, "receipt.pdf", "application/pdf"),
        (samples.log, "erp.log", "text/plain"),
        (samples.csv, "students.csv", "text/csv"),
        (samples.xlsx, "marks.xlsx", XLSX_TYPE),
    ],
)
def test_accepted_files_are_stored_and_typed_from_content(
    ticket: Ticket,
    requester: User,
    attachment_dir: Path,
    make: Callable[[], bytes],
    name: str,
    content_type: str,
) -> None:
    data = make()
    with time_machine.travel(T0, tick=False):
        attachment = _add(ticket, requester, data, name)
    attachment.refresh_from_db()
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert (attachment.uploaded_by, attachment.created_at) == (requester, T0)
    assert attachment.is_internal is False
    assert attachment_path(attachment.storage_name).read_bytes() == data
    assert Ticket.objects.get(pk=ticket.pk).updated_at == T0


def test_png_named_pdf_is_stored_as_a_png(ticket: Ticket, requester: User) -> None:
    attachment = _add(ticket, requester, samples.png(), "x.pdf")
    assert attachment.content_type == "image/png"
    assert attachment.is_image


def test_stored_file_has_a_random_name_inside_the_attachment_dir(
    ticket: Ticket, requester: User, attachment_dir: Path
) -> None:
    first = _add(ticket, requester, samples.png(), "screen.png")
    second = _add(ticket, requester, samples.png(), "screen.png")
    for attachment in (first, second):
        path = attachment_path(attachment.storage_name)
        assert path.resolve().is_relative_to(attachment_dir.resolve())
        assert "screen" not in path.name
        assert len(attachment.storage_name) >= 32
    assert first.storage_name != second.storage_name
    assert sorted(_stored_files(attachment_dir)) == sorted(
        attachment_path(a.storage_name) for a in (first, second)
    )


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.log", "passwd.log"),
        ("C:/Users/riya/Desktop/report.pdf", "report.pdf"),
        ("   ", "attachment"),
        ("a" * 300 + ".log", "a" * 255),
    ],
)
def test_original_name_loses_any_path(
    ticket: Ticket, requester: User, attachment_dir: Path, name: str, kept: str
) -> None:
    attachment = _add(ticket, requester, samples.log(), name)
    assert attachment.original_name == kept
    assert attachment_path(attachment.storage_name).resolve().is_relative_to(attachment_dir)


def test_adding_a_file_records_it_on_the_timeline(ticket: Ticket, requester: User) -> None:
    with time_machine.travel(T0, tick=False):
        attachment = _add(ticket, requester, samples.pdf(), "receipt.pdf")
    event = ticket.events.get(kind=EventKind.ATTACHMENT_ADDED)
    assert attachment.event == event
    assert (event.actor, event.created_at, event.new_value) == (requester, T0, "receipt.pdf")
    assert event.is_internal is False


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (samples.svg, "logo.svg"),
        (samples.html, "receipt.html"),
        (samples.elf, "erp-agent"),
        (samples.pe, "setup.exe"),
        (samples.pe, "receipt.pdf"),
        (samples.plain_zip, "logs.zip"),
        (samples.xlsm, "marks.xlsx"),
        (samples.text_with_script, "steps.txt"),
    ],
)
def test_refused_types_leave_nothing_behind(
    ticket: Ticket, requester: User, attachment_dir: Path, make: Callable[[], bytes], name: str
) -> None:
    errors = _refused(ticket, requester, make(), name, attachment_dir)
    assert "not accepted" in errors["file"]


def test_empty_file_is_refused(ticket: Ticket, requester: User, attachment_dir: Path) -> None:
    assert "empty" in _refused(ticket, requester, b"", "empty.log", attachment_dir)["file"]


def test_file_over_the_per_file_limit_is_refused(
    ticket: Ticket, requester: User, attachment_dir: Path, settings: Any
) -> None:
    settings.HYPERCARE_MAX_ATTACHMENT_BYTES = 2**20
    big = b"x" * (2**20 + 1)
    assert "1 MB" in _refused(ticket, requester, big, "big.log", attachment_dir)["file"]


def test_file_exactly_at_the_limit_is_accepted(
    ticket: Ticket, requester: User, settings: Any
) -> None:
    settings.HYPERCARE_MAX_ATTACHMENT_BYTES = 2**20
    assert _add(ticket, requester, b"x" * 2**20, "edge.log").size == 2**20


def test_files_past_the_per_ticket_limit_are_refused(
    ticket: Ticket, requester: User, attachment_dir: Path, settings: Any
) -> None:
    settings.HYPERCARE_MAX_ATTACHMENT_BYTES = 2**20
    settings.HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES = 2 * 2**20
    first = _add(ticket, requester, b"a" * 2**20, "one.log")
    second = _add(ticket, requester, b"b" * (2**20 - 10), "two.log")
    with pytest.raises(ValidationFailed) as refused:
        _add(ticket, requester, b"c" * 11, "three.log")
    assert "2 MB" in refused.value.errors["file"]
    assert list(Attachment.objects.order_by("pk")) == [first, second]
    assert sorted(_stored_files(attachment_dir)) == sorted(
        attachment_path(a.storage_name) for a in (first, second)
    )
    assert _add(ticket, requester, b"d" * 10, "four.log").size == 10


def test_per_ticket_limit_counts_only_this_ticket(
    ticket: Ticket, requester: User, settings: Any
) -> None:
    settings.HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES = 2**20
    _add(ticket, requester, b"a" * 2**20, "full.log")
    other = factories.ticket(requester)
    assert _add(other, requester, b"b" * 2**20, "also-full.log").ticket == other


def test_internal_files_only_by_agents(
    ticket: Ticket, agent: User, requester: User, key_user: User, attachment_dir: Path
) -> None:
    internal = _add(ticket, agent, samples.log(), "trace.log", is_internal=True)
    assert internal.is_internal is True
    assert ticket.events.get(kind=EventKind.ATTACHMENT_ADDED).is_internal is True
    for persona in (requester, key_user):
        with pytest.raises(NotAllowed):
            _add(ticket, persona, samples.log(), "mine.log", is_internal=True)
    assert list(Attachment.objects.all()) == [internal]
    assert _stored_files(attachment_dir) == [attachment_path(internal.storage_name)]


@pytest.mark.parametrize("persona", ["outsider", "colleague"])
def test_people_who_cannot_see_the_ticket_may_not_add_files(
    request: pytest.FixtureRequest, ticket: Ticket, attachment_dir: Path, persona: str
) -> None:
    with pytest.raises(NotAllowed):
        _add(ticket, request.getfixturevalue(persona), samples.png(), "x.png")
    assert _stored_files(attachment_dir) == []
    assert not Attachment.objects.exists()


def test_agent_and_key_user_may_add_public_files(
    ticket: Ticket, agent: User, key_user: User
) -> None:
    assert _add(ticket, agent, samples.png(), "fix.png").uploaded_by == agent
    assert _add(ticket, key_user, samples.png(), "same.png").uploaded_by == key_user


def test_file_is_removed_when_the_database_write_fails(
    ticket: Ticket, requester: User, attachment_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment.objects, "create", fail)
    with pytest.raises(RuntimeError):
        _add(ticket, requester, samples.png(), "x.png")
    assert _stored_files(attachment_dir) == []


def test_closed_ticket_refuses_new_files_and_leaves_nothing_behind(
    requester: User, agent: User, attachment_dir: Path
) -> None:
    ticket = factories.ticket(requester)
    change_status(ticket=ticket, actor=agent, status="resolved")
    change_status(ticket=ticket, actor=requester, status="closed")
    with pytest.raises(InvalidTransition):
        add_attachment(ticket=ticket, actor=requester, name="late.txt", content=io.BytesIO(b"log"))
    assert ticket.attachments.count() == 0
    assert not any(path.is_file() for path in attachment_dir.rglob("*"))


@pytest.mark.parametrize("name", ["shot\r\n.png", "shot\x00.png", "a\x1bb.png"])
def test_a_name_a_header_cannot_carry_is_refused(
    ticket: Ticket, requester: User, attachment_dir: Path, name: str
) -> None:
    """A mail's RFC 2231 file name may hold any character; a download's header may not."""
    errors = _refused(ticket, requester, samples.png(), name, attachment_dir)
    assert errors == {"file": "its name must be one line, without control characters"}


def test_a_kept_upload_is_checked_like_an_attachment(requester: User, attachment_dir: Path) -> None:
    with pytest.raises(ValidationFailed) as refused:
        keep_upload(
            actor=requester, session_key="s", name="x.svg", content=io.BytesIO(b"<svg></svg>")
        )
    assert "not accepted" in refused.value.errors["file"]
    assert not PendingUpload.objects.exists()
    assert _stored_files(attachment_dir) == []


def test_kept_uploads_join_a_new_ticket_in_its_transaction(
    requester: User, attachment_dir: Path
) -> None:
    kept = keep_upload(
        actor=requester, session_key="s", name="a.png", content=io.BytesIO(samples.png())
    )
    ticket = factories.ticket(requester, uploads=[kept])
    attachment = ticket.attachments.get()
    assert attachment.storage_name == kept.storage_name
    assert attachment_path(attachment.storage_name).read_bytes() == samples.png()
    assert not PendingUpload.objects.exists()


def test_a_failed_reply_leaves_its_uploads_pending(
    ticket: Ticket, requester: User, attachment_dir: Path
) -> None:
    kept = keep_upload(
        actor=requester, session_key="s", name="a.png", content=io.BytesIO(samples.png())
    )
    with pytest.raises(ValidationFailed):
        add_public_reply(ticket=ticket, actor=requester, body=" ", uploads=[kept])
    assert PendingUpload.objects.get() == kept
    assert not ticket.attachments.exists()


def test_the_clean_up_job_removes_uploads_left_for_a_day(
    requester: User, attachment_dir: Path, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(T0, tick=False)
    old = keep_upload(
        actor=requester, session_key="s", name="old.png", content=io.BytesIO(samples.png())
    )
    time_machine.move_to(T0 + timedelta(hours=23), tick=False)
    fresh = keep_upload(
        actor=requester, session_key="s", name="new.png", content=io.BytesIO(samples.png())
    )
    time_machine.move_to(T0 + timedelta(days=1, minutes=1), tick=False)
    assert JOBS["pending_upload_cleanup"].function() == {"removed": 1}
    assert list(PendingUpload.objects.all()) == [fresh]
    assert not attachment_path(old.storage_name).exists()
    assert attachment_path(fresh.storage_name).exists()
    assert JOBS["pending_upload_cleanup"].function() == {"removed": 0}


def test_an_upload_removed_by_the_clean_up_is_refused_not_attached_without_its_file(
    requester: User, attachment_dir: Path
) -> None:
    kept = keep_upload(
        actor=requester, session_key="s", name="a.png", content=io.BytesIO(samples.png())
    )
    PendingUpload.objects.filter(pk=kept.pk).delete()
    with pytest.raises(ValidationFailed) as refused:
        factories.ticket(requester, uploads=[kept])
    assert "add it again" in refused.value.errors["file"]
    assert not Ticket.objects.exists()
