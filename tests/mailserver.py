"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for mail tests."""

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import LazySettings

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# aiosmtpd logs every session at INFO from its own thread, which can outlive the test that
# captured the output and then write to a closed stream ("--- Logging error ---").
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Inbox:
    """An aiosmtpd handler that accepts and keeps every message."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(envelope.content, policy=policy.default)
            for envelope in self.envelopes
        ]


@contextmanager
def smtp_server(settings: LazySettings) -> Iterator[Inbox]:
    """Run the server and point Django's SMTP backend at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()
