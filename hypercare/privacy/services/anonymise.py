"""Anonymising a departed person: the tickets and every figure stay, the person goes.

The account keeps its row (tickets, timelines and reports point at it) but loses its
name, username and email to a placeholder unique to the person ("Former user 12",
former-user-12@invalid: the reserved .invalid domain never delivers), its roles, tokens,
sessions and password, and is deactivated. Mentions of the person in free text are
replaced by the same placeholder wherever the desk stores text people wrote: tickets
and the answers to their category's questions (the search index follows: SQLite's
triggers, PostgreSQL's expression index), the timeline, hand-over notes, mails
received and sent, survey comments, escalations, access requests. The timeline is
otherwise append-only; this is the one rewrite of it, which the law asks for.

What counts as a mention: the full name, the email address and the username, in any
case; the first and the last name alone as whole words with their capital (so "Long"
goes and "a long wait" stays). A nickname or a misspelling is not found: the operator
reads the export first and corrects what remains.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast

from hypercare import access
from hypercare.access_requests.models import AccessRequest, LedgerEntry, ReviewLine
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.escalations.models import Escalation
from hypercare.integrations.models import ContactRequest
from hypercare.knowledge.models import ArticleVote
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.mail.models import InboundMessage, ShownMessage
from hypercare.notifications.models import (
    InAppNotification,
    NotificationPreference,
    OutboxMessage,
)
from hypercare.privacy import register
from hypercare.privacy.choices import RegisterAction
from hypercare.security.models import RecoveryCode, SignedInSession, TwoFactorDevice
from hypercare.surveys.models import Survey
from hypercare.tickets.models import HandOver, PendingUpload, Ticket, TicketEvent
from hypercare.tickets.services.attachments import attachment_path
from hypercare.tickets.titles import title_key

ANONYMISE_REFUSED = "You may not anonymise this person."
SHORTEST_NAME = 3
# Every stored free text people write, by model: where a mention of the person is replaced.
FREE_TEXT: dict[type[models.Model], tuple[str, ...]] = {
    Ticket: ("title", "description", "action_attempted", "error_seen", "operational_impact"),
    TicketEvent: ("body", "reason", "old_value", "new_value"),
    HandOver: ("tried", "findings", "needed"),
    InboundMessage: ("sender", "subject", "reason"),
    ShownMessage: ("html", "text"),
    OutboxMessage: ("to_email", "subject", "body"),
    InAppNotification: ("subject",),
    Survey: ("comment",),
    Escalation: ("details", "business_impact", "workaround_impractical_because", "attendees"),
    AccessRequest: ("person_name", "erp_login", "decision_comment"),
    LedgerEntry: ("person_name", "erp_login"),
    ReviewLine: ("person_name", "erp_login", "comment"),
    ContactRequest: ("message",),
    ArticleVote: ("comment",),
}


@dataclass(frozen=True)
class Placeholder:
    name: str
    username: str
    email: str

    @classmethod
    def of(cls, person: User) -> "Placeholder":
        return cls(
            name=f"Former user {person.pk}",
            username=f"former-user-{person.pk}",
            email=f"former-user-{person.pk}@invalid",
        )


def is_anonymised(person: User) -> bool:
    return person.username == Placeholder.of(person).username


def anonymise_person(*, subject: User, actor: User, confirmation: str) -> User:
    """Replace ``subject`` everywhere by a placeholder, for good. ``confirmation`` is the
    subject's name as the desk shows it, typed by the operator (any case): the step
    cannot be undone."""
    if not access.can_handle_personal_data(actor, subject):
        raise NotAllowed(ANONYMISE_REFUSED)
    if subject.pk == actor.pk:
        raise NotAllowed("You may not anonymise yourself.")
    if is_anonymised(subject):
        raise InvalidTransition("This person is already anonymised.")
    if " ".join(confirmation.split()).casefold() != subject.display_name.casefold():
        raise ValidationFailed(
            {"confirmation": "Type the person's name as shown to confirm; this is final."}
        )
    with use_case():
        subject = User.objects.select_for_update().get(pk=subject.pk)
        placeholder = Placeholder.of(subject)
        replace = mention_replacer(subject, placeholder)
        counts = {"texts_replaced": _replace_mentions(subject, replace)}
        counts |= _strip_account(subject, placeholder)
        register.record(
            RegisterAction.ANONYMISE,
            actor=actor,
            subject=subject,
            institution=subject.institution,
            outcome=counts,
        )
    return subject


def mention_replacer(person: User, placeholder: Placeholder) -> Callable[[str], str]:
    """The function that replaces each mention of ``person`` in a text by ``placeholder``."""
    anywhere = [
        (person.email, placeholder.email),
        (person.get_full_name(), placeholder.name),
        (f"{person.last_name}, {person.first_name}", placeholder.name),
    ]
    patterns = [
        (re.compile(re.escape(text), re.IGNORECASE), new)
        for text, new in anywhere
        if len(text.strip(", ")) >= SHORTEST_NAME
    ]
    words = [(person.username, placeholder.username, re.IGNORECASE)]
    words += [(name, placeholder.name, re.NOFLAG) for name in (person.first_name, person.last_name)]
    patterns += [
        (re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", flags), new)
        for word, new, flags in words
        if len(word) >= SHORTEST_NAME
    ]

    def replace(text: str) -> str:
        for pattern, new in patterns:
            text = pattern.sub(new, text)
        return text

    return replace


def _terms(person: User) -> list[str]:
    """What a text must contain to be looked at: each part of a mention, at least."""
    terms = [person.email, person.username, person.first_name, person.last_name]
    return [term for term in terms if len(term) >= SHORTEST_NAME]


def _replace_mentions(person: User, replace: Callable[[str], str]) -> int:
    """Rewrite every stored text that mentions ``person``; the rows changed, counted.
    The database finds the candidates (a text containing a part of a mention); the
    replacer decides, so "Longfield" is looked at and left alone."""
    changed = 0
    for model, fields in FREE_TEXT.items():
        contains = Q()
        for field in fields:
            for term in _terms(person):
                contains |= Q(**{f"{field}__icontains": term})
        if not contains:
            continue
        for row in model._base_manager.filter(contains).values("pk", *fields):
            replaced = {field: replace(row[field]) for field in fields}
            new: dict[str, Any] = {
                field: text for field, text in replaced.items() if text != row[field]
            }
            if model is Ticket and "title" in new:
                # A new title moves the ticket to another title group: stamped as
                # changed, so the recurring issues report counts it there
                # (``reports.titlecounts``).
                new["title_key"] = title_key(new["title"])
                new["updated_at"] = clock.now()
            if new:
                # The base manager's plain update: the timeline refuses every other rewrite.
                model._base_manager.filter(pk=row["pk"]).update(**new)
                changed += 1
    changed += _replace_in_raw_mail(person, replace)
    return changed + _replace_in_ticket_answers(person, replace)


def _replace_in_ticket_answers(person: User, replace: Callable[[str], str]) -> int:
    """The answers to a category's questions (an access ticket names the person it is
    for): every string in them, wherever it sits in the structure."""
    texts = Ticket.objects.annotate(details_text=Cast("category_details", models.TextField()))
    contains = Q()
    for term in _terms(person):
        contains |= Q(details_text__icontains=term)
    changed = 0
    for pk, details in texts.filter(contains).values_list("pk", "category_details"):
        new = _replace_strings(details, replace)
        if new != details:
            Ticket.objects.filter(pk=pk).update(category_details=new)
            changed += 1
    return changed


def _replace_strings(value: Any, replace: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [_replace_strings(item, replace) for item in value]
    if isinstance(value, dict):
        return {key: _replace_strings(item, replace) for key, item in value.items()}
    return value


def _replace_in_raw_mail(person: User, replace: Callable[[str], str]) -> int:
    """The stored original of each mail that mentions the person's address. Mail is
    mostly ASCII with encoded words, so the replacement works on the bytes read as
    Latin-1 (every byte one character, none lost) and reaches the address and plain
    names; an encoded name stays encoded and is gone with the sender's headers only."""
    if not person.email:
        return 0
    changed = 0
    found = InboundMessage.objects.filter(
        Q(sender__icontains=person.email) | Q(sender__icontains=Placeholder.of(person).email)
    )
    for pk, raw in found.values_list("pk", "raw"):
        text = bytes(raw).decode("latin-1")
        new = replace(text)
        if new != text:
            InboundMessage.objects.filter(pk=pk).update(raw=new.encode("latin-1"))
            changed += 1
    return changed


def _strip_account(person: User, placeholder: Placeholder) -> dict[str, int]:
    """The account keeps its row and loses everything that names or lets anyone in as it."""
    person.first_name, person.last_name = placeholder.name, ""
    person.username, person.email = placeholder.username, placeholder.email
    person.erp_role = ""
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.save()
    roles, _ = person.role_grants.all().delete()
    tokens, _ = person.api_tokens.all().delete()
    NotificationPreference.objects.filter(user=person).delete()
    InAppNotification.objects.filter(recipient=person).delete()
    # The authenticator's secret and recovery codes, and the sessions' devices and addresses.
    TwoFactorDevice.objects.filter(user=person).delete()
    RecoveryCode.objects.filter(user=person).delete()
    SignedInSession.objects.filter(user=person).delete()
    uploads = PendingUpload.objects.filter(owner=person)
    for name in uploads.values_list("storage_name", flat=True):
        transaction.on_commit(partial(attachment_path(name).unlink, missing_ok=True))
    uploads.delete()
    return {
        "roles_removed": roles,
        "tokens_removed": tokens,
        "sessions_ended": _end_sessions(person),
    }


def _end_sessions(person: User) -> int:
    """Sign the person out everywhere: the stored sessions that carry their id."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=clock.now()):
        if session.get_decoded().get("_auth_user_id") == str(person.pk):
            session.delete()
            ended += 1
    return ended
