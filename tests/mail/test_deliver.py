"""``hypercare mail deliver``: what an MTA's pipe gets back, in exit statuses."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hypercare.mail.models import InboundMessage, Mailbox

HYPERCARE = Path(sys.executable).with_name("hypercare")
MESSAGE = (
    b"From: Riya <riya@northfield.example.edu>\r\n"
    b"Subject: Fee receipt\r\n"
    b"Message-ID: <pipe-1@northfield.example.edu>\r\n"
    b"\r\n"
    b"The receipt prints blank.\r\n"
)


class Stdin:
    """What ``sys.stdin`` looks like to the command: bytes behind ``buffer``."""

    def __init__(self, raw: bytes) -> None:
        self.buffer = io.BytesIO(raw)


def deliver(monkeypatch: pytest.MonkeyPatch, raw: bytes, *args: str) -> str:
    monkeypatch.setattr(sys, "stdin", Stdin(raw))
    out = io.StringIO()
    call_command("mail", "deliver", *args, stdout=out)
    return out.getvalue()


def test_a_piped_message_is_stored_once_for_its_mailbox(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@hypercare.example")

    first = deliver(monkeypatch, MESSAGE, "--mailbox", "Support")
    again = deliver(monkeypatch, MESSAGE, "--mailbox", "Support")

    stored = InboundMessage.objects.get()
    assert bytes(stored.raw) == MESSAGE
    assert stored.mailbox == mailbox
    assert first.strip() == f"Message {stored.pk} stored."
    assert again.strip() == f"Message {stored.pk} already stored."


def test_an_unknown_mailbox_asks_the_mta_to_retry(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError, match="No mailbox is called 'Nowhere'") as refused:
        deliver(monkeypatch, MESSAGE, "--mailbox", "Nowhere")

    assert refused.value.returncode == 75
    assert InboundMessage.objects.count() == 0


def test_an_empty_message_is_refused_as_bad_data(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CommandError) as refused:
        deliver(monkeypatch, b"\r\n")

    assert refused.value.returncode == 65


def test_a_database_that_is_down_makes_the_mta_retry(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HYPERCARE_DATA_DIR": str(tmp_path),
        # Nothing listens on port 9: the connection is refused at once.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/hypercare",
    }
    done = subprocess.run(  # noqa: S603 (our own console script)
        [str(HYPERCARE), "mail", "deliver"],
        input=MESSAGE,
        env=env,
        capture_output=True,
        timeout=60,
    )

    assert done.returncode == 75, done.stderr
    assert b"try again later" in done.stderr
