"""Telling mail a program sent from mail a person wrote: recorded, never answered.

Answering an auto-responder starts a loop; reopening a ticket for an out-of-office reply
undoes an agent's work. The signals are the standard ones (RFC 3834 Auto-Submitted,
Precedence) and the ones Exchange and common auto-responders add.
"""

import re

from hypercare.mail.parsing.headers import Address, first

# Our own marker on every mail the desk sends: a message carrying it is our own, come back.
LOOP_HEADER = "X-Hypercare-Loop"
SYSTEM_SENDERS = re.compile(r"(?i)^(mailer-daemon|postmaster|mail-daemon)@")
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
OUT_OF_OFFICE_SUBJECT = re.compile(
    r"(?i)^\s*(out of (the )?office|automatic reply|auto(matic)?[ -]?reply|autoreply|"
    r"abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|"
    r"autosvar|automatisch antwoord)"
)


def automatic_reason(fields: dict[str, list[str]], sender: Address | None, subject: str) -> str:
    """Why this message was sent by a program, or "" when a person wrote it."""
    auto_submitted = first(fields, "auto-submitted").split(";", 1)[0].strip().lower()
    precedence = first(fields, "precedence").strip().lower()
    checks = (
        (auto_submitted not in ("", "no"), f"Auto-Submitted: {auto_submitted}"),
        (precedence in BULK_PRECEDENCE, f"Precedence: {precedence}"),
        ("x-auto-response-suppress" in fields, "X-Auto-Response-Suppress is set"),
        ("x-autoreply" in fields or "x-autorespond" in fields, "X-Autoreply is set"),
        (_empty_return_path(fields), "the Return-Path is empty (a bounce)"),
        (sender is not None and bool(SYSTEM_SENDERS.match(sender.address)), "a mail system"),
        (is_out_of_office(fields, subject), "an out-of-office reply"),
    )
    return next((reason for matches, reason in checks if matches), "")


def _empty_return_path(fields: dict[str, list[str]]) -> bool:
    return any(value.strip() in ("<>", "") for value in fields.get("return-path", []))


def is_out_of_office(fields: dict[str, list[str]], subject: str) -> bool:
    """An absence notice: Exchange's and the common auto-responders' marks, or the subject."""
    auto_submitted = first(fields, "auto-submitted").strip().lower()
    return (
        "x-autoreply" in fields
        or "x-autorespond" in fields
        or (auto_submitted.startswith("auto-replied") and "x-auto-response-suppress" in fields)
        or bool(OUT_OF_OFFICE_SUBJECT.match(subject))
    )


def is_looped(fields: dict[str, list[str]]) -> bool:
    return LOOP_HEADER.lower() in fields
