"""The subject access export: everything the desk holds about one person, as one ZIP.

Built at once, in the request, rather than as a background job: one person's records
are a few hundred rows and their own files, and the ZIP is written to a spooled
temporary file (on disk past a few megabytes), so neither memory nor the request's time
grows with the desk. Nothing is kept afterwards: the file goes to the one who asked and
the register says who did, when and how much it held.

What it holds is listed in the README written into the ZIP. Internal notes on the
person's own tickets are included: data-protection law gives a person their personal
data wherever it is written, internal remarks about them too. They are marked internal,
and the README asks the operator to review the export for other people's data before
handing it over.
"""

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from hypercare import access
from hypercare.access_requests.models import AccessRequest
from hypercare.accounts.models import ApiToken, RoleGrant, User
from hypercare.errors import NotAllowed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.mail.models import InboundMessage
from hypercare.privacy import register
from hypercare.privacy.choices import RegisterAction
from hypercare.privacy.models import RegisterEntry
from hypercare.surveys.models import Survey
from hypercare.tickets.models import Attachment, Ticket, TicketEvent
from hypercare.tickets.services.attachments import attachment_path

SPOOL_BYTES = 8 << 20
EXPORT_REFUSED = "You may not export this person's data."
# Covered by their own files in the export; every other record naming the person goes to
# records/ as it is stored.
OWN_FILES = (User, Ticket, TicketEvent, Attachment, Survey, AccessRequest, ApiToken, RoleGrant)
# Never exported: anything that signs someone in or opens a door (passwords, token and
# recovery code digests, authenticator and client secrets, session keys), by a word in the
# field's name so a new app's secret is caught too; and the raw bytes of stored mail (the
# mail/ folder has those).
SECRET_WORDS = ("password", "digest", "token", "secret", "session_key")
RAW_MAIL = "raw"


@dataclass
class SubjectExport:
    filename: str
    file: IO[bytes]
    entry: RegisterEntry


def export_personal_data(*, subject: User, actor: User) -> SubjectExport:
    """Write the ZIP of everything about ``subject``, and its line in the register."""
    if not access.can_handle_personal_data(actor, subject):
        raise NotAllowed(EXPORT_REFUSED)
    at = clock.now()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (handed on)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        counts = _ExportWriter(archive, subject).write_all(actor_name=actor.display_name, at=at)
    spool.seek(0)
    with use_case():
        entry = register.record(
            RegisterAction.EXPORT,
            actor=actor,
            subject=subject,
            institution=subject.institution,
            outcome=counts,
        )
    return SubjectExport(f"personal-data-{subject.pk}-{at:%Y%m%d}.zip", spool, entry)


class _ExportWriter:
    """Writes each part of one person's export and keeps the manifest of what it wrote."""

    def __init__(self, archive: zipfile.ZipFile, subject: User) -> None:
        self.archive = archive
        self.subject = subject
        self.manifest: list[dict[str, Any]] = []

    def write_all(self, *, actor_name: str, at: datetime) -> dict[str, int]:
        tickets = _their_tickets(self.subject)
        counts = {
            "tickets": self._json("tickets.json", [_ticket(t) for t in tickets]),
            "messages": self._json("messages.json", _messages_written(self.subject)),
            "attachments": self._attachments(),
            "surveys": self._json("surveys.json", _surveys(self.subject)),
            "access_requests": self._json("access_requests.json", _access_requests(self.subject)),
            "mail": self._mail(),
        }
        self._json("profile.json", [_profile(self.subject)])
        counts["other_records"] = sum(
            self._json(f"records/{label}.json", rows)
            for label, rows in _other_records(self.subject)
        )
        self._text("README.txt", _readme(self.subject, actor_name, at, counts))
        self._text("manifest.json", json.dumps(self.manifest, indent=2))
        return counts

    def _json(self, name: str, rows: list[dict[str, Any]]) -> int:
        """Write ``rows`` as one JSON file; the top-level files are always there (an empty
        list says "none"), records/ only holds the kinds that name the person."""
        if rows or "/" not in name:
            self._text(name, json.dumps(rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        return len(rows)

    def _text(self, name: str, text: str) -> None:
        self._bytes(name, text.encode())

    def _bytes(self, name: str, data: bytes) -> None:
        self.archive.writestr(name, data)
        digest = hashlib.sha256(data).hexdigest()
        self.manifest.append({"path": name, "size": len(data), "sha256": digest})

    def _attachments(self) -> int:
        """The files the person added, each under files/<ticket>/<id>-<name>; a file
        that retention removed is listed with its date and no bytes."""
        found = Attachment.objects.filter(uploaded_by=self.subject).select_related("ticket")
        rows = []
        for attachment in found.order_by("pk"):
            row = _attachment(attachment)
            if attachment.removed_at is None:
                row["path"] = f"files/{attachment.ticket.reference}/{attachment.pk}-" + (
                    attachment.original_name.replace("/", "_")
                )
                self.archive.write(attachment_path(attachment.storage_name), row["path"])
                self.manifest.append(
                    {"path": row["path"], "size": attachment.size, "sha256": attachment.sha256}
                )
            rows.append(row)
        return self._json("attachments.json", rows)

    def _mail(self) -> int:
        """The mails the desk received from the person's address, as they arrived."""
        email = self.subject.email
        found = InboundMessage.objects.filter(sender__iexact=email) if email else []
        rows = []
        for message in found:
            path = f"mail/{message.pk}.eml"
            self._bytes(path, bytes(message.raw))
            rows.append({**_row(message), "path": path})
        return self._json("mail.json", rows)


def _their_tickets(subject: User) -> Iterable[Ticket]:
    return (
        Ticket.objects.filter(Q(requester=subject) | Q(reported_by=subject))
        .select_related("module", "institution")
        .prefetch_related("events__actor")
        .order_by("pk")
    )


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        **_row(ticket),
        "reference": ticket.reference,
        "module": ticket.module.name,
        "institution": ticket.institution.name,
        "messages": [
            {
                "at": event.created_at,
                "kind": event.kind,
                "internal": event.is_internal,
                "author": event.actor.display_name if event.actor else "the desk",
                "body": event.body,
                "reason": event.reason,
            }
            for event in ticket.events.all()
            if event.body or event.reason
        ],
    }


def _messages_written(subject: User) -> list[dict[str, Any]]:
    """What the person wrote on any ticket, theirs or others' (a colleague's they follow)."""
    found = TicketEvent.objects.filter(actor=subject).exclude(body="").select_related("ticket")
    return [
        {
            "ticket": event.ticket.reference,
            "at": event.created_at,
            "kind": event.kind,
            "internal": event.is_internal,
            "body": event.body,
        }
        for event in found.order_by("created_at", "pk")
    ]


def _attachment(attachment: Attachment) -> dict[str, Any]:
    return {
        "ticket": attachment.ticket.reference,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "internal": attachment.is_internal,
        "added_at": attachment.created_at,
        "removed_by_retention_at": attachment.removed_at,
    }


def _surveys(subject: User) -> list[dict[str, Any]]:
    found = Survey.objects.filter(requester=subject).select_related("ticket")
    return [
        {
            "ticket": survey.ticket.reference,
            "sent_at": survey.sent_at,
            "answered_at": survey.answered_at,
            "rating": survey.rating,
            "comment": survey.comment,
        }
        for survey in found
    ]


def _access_requests(subject: User) -> list[dict[str, Any]]:
    found = AccessRequest.objects.filter(Q(person=subject) | Q(requested_by=subject))
    return [_row(request) for request in found.order_by("pk")]


def _profile(subject: User) -> dict[str, Any]:
    return {
        **_row(subject),
        "institution": subject.institution.name if subject.institution else None,
        "roles": sorted(subject.roles),
        "api_tokens": [_row(token) for token in subject.api_tokens.all()],
    }


def _other_records(subject: User) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every other stored record with a field pointing at the person, model by model."""
    for model in apps.get_models():
        if model in OWN_FILES:
            continue
        naming = Q()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                naming |= Q(**{field.attname: subject.pk})
        if naming:
            rows = model._default_manager.filter(naming).order_by("pk")
            yield model._meta.label_lower, [_row(row) for row in rows]


def _row(instance: models.Model) -> dict[str, Any]:
    """A stored record as it is stored: each column's value, related records by id."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not _is_secret(field.name) and not isinstance(field, models.BinaryField)
    }


def _is_secret(name: str) -> bool:
    return name == RAW_MAIL or any(word in name for word in SECRET_WORDS)


def _readme(subject: User, actor_name: str, at: datetime, counts: dict[str, int]) -> str:
    lines = [
        f"Personal data held by the support desk about person #{subject.pk}",
        f"Exported {at:%Y-%m-%d %H:%M} UTC by {actor_name}.",
        "",
        "profile.json          the account: names, email, institution, roles, API tokens",
        "                      (names and dates only; tokens themselves are never stored)",
        "tickets.json          tickets they asked for or reported, with every message,",
        "                      internal notes included and marked internal: they are",
        "                      personal data about the person too",
        "messages.json         everything they wrote on any ticket",
        "attachments.json      files they added; the files themselves under files/",
        "                      (removed_by_retention_at: the file was deleted then)",
        "surveys.json          satisfaction survey answers",
        "access_requests.json  ERP access requests for them or asked by them",
        "mail.json, mail/      mails received from their address, as they arrived",
        "records/              every other record naming them, as stored (ids refer",
        "                      to other records of the desk)",
        "manifest.json         each file of this export with its size and SHA-256",
        "",
        "Counts: " + ", ".join(f"{name} {count}" for name, count in counts.items()),
        "",
        "Before handing this over, review it for other people's personal data (names of",
        "colleagues and staff in messages and internal notes) that the law lets or makes",
        "you withhold.",
    ]
    return "\n".join(lines) + "\n"
