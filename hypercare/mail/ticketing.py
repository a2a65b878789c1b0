"""Turning a parsed message into ticket work: which ticket it names, a new ticket, or
its text and files added to one. Each step calls the ticket services, so the rules of the
portal (access, validation, file types and limits, the reopen window) hold for mail too.

The quarantine's actions reuse ``open_ticket_from_mail`` and ``attach_mail_to_ticket``
for a message an admin decides about. These are steps, not use cases of their own: they
run inside the intake's or the quarantine action's ``composed()`` transaction, which
commits the ticket work, the timeline row and the message's outcome together.
"""

import io
import re
from collections.abc import Sequence

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.links.selectors import reply_destination_of
from hypercare.links.services import link_follow_up
from hypercare.mail import events
from hypercare.mail.models import InboundMessage
from hypercare.mail.outgoing import ticket_of_message_ids
from hypercare.mail.parsing import ParsedMessage, first_line_marks_internal, subject_reference
from hypercare.orgs.models import Institution, Module
from hypercare.tickets.category_details import QUESTIONS, AnswerKind
from hypercare.tickets.choices import Category, Channel, EventKind, Level
from hypercare.tickets.models import REFERENCE_PREFIX, Ticket, TicketEvent
from hypercare.tickets.services.attachments import add_attachment
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.intake import TITLE_MAX, open_ticket
from hypercare.tickets.services.watchers import watch_from_cc

# Reply and forward prefixes in the languages our institutions' mail programs use,
# repeated ("Re: AW: Fwd:"), with a counter ("Re[2]:") or not.
PREFIXES = re.compile(r"(?i)^\s*(?:(?:re|aw|sv|vs|fwd?|tr|wg|antw|rif|enc)\s*(?:\[\d+\])?\s*:\s*)+")
TAG = re.compile(rf"(?i)\[{REFERENCE_PREFIX}\d+\]\s*")
# What a question of the mailbox's category reads when the request came by mail: the
# answers are asked for on the ticket, not invented.
NOT_GIVEN = "Not given: the request came by email."
TEXT_KINDS = frozenset({AnswerKind.LINE, AnswerKind.TEXT})


def thread_of(parsed: ParsedMessage) -> Ticket | None:
    """The ticket a message continues: our Message-IDs in In-Reply-To and References
    first, then the reference tagged in the subject. The one place a message finds its
    ticket, so a rule about where mail goes (a merged ticket's survivor) goes here."""
    ticket_id = ticket_of_message_ids([*parsed.in_reply_to, *parsed.references])
    if ticket_id is None:
        reference = subject_reference(parsed.subject)
        ticket_id = int(reference.removeprefix(REFERENCE_PREFIX)) if reference else None
    if ticket_id is None:
        return None
    return reply_destination_of(ticket_id)


def title_of(subject: str, sender: str) -> str:
    """The ticket's title: the subject on one line, without reply prefixes or our tag."""
    title = " ".join(TAG.sub("", subject).split())
    while (shorter := PREFIXES.sub("", title)) != title:
        title = TAG.sub("", shorter).strip()
    return (title or f"Email from {sender}")[:TITLE_MAX]


def open_ticket_from_mail(
    message: InboundMessage,
    parsed: ParsedMessage,
    *,
    sender: User,
    institution: Institution,
    follows: Ticket | None = None,
) -> Ticket:
    """Open a ticket for ``sender`` with the mail's text, files and a link to its source;
    the colleagues it copies (CC) watch it (``watch_from_cc``).

    Channel ``email``; the mailbox's category when its required questions take text
    (they read ``NOT_GIVEN`` until someone answers them), else a question; the
    mailbox's team when it has one, else the routing rules'; the institution's first
    active module, for triage to correct. ``follows``: the closed
    ticket the mail replied to, named in the description and linked as related.
    Raises ``ValidationFailed`` or ``NotAllowed`` as ``open_ticket`` does.
    """
    module = Module.objects.filter(institution=institution, is_active=True).order_by("pk").first()
    if module is None:
        raise ValidationFailed({"module": "the institution has no active module"})
    category, answers = _category_and_answers(message)
    description = parsed.new_text or parsed.text or title_of(parsed.subject, parsed.from_address)
    note = ""
    if follows is not None:
        note = f"Follows up {follows.reference}, which can no longer be reopened."
        description = f"{note}\n\n{description}"
    ticket = open_ticket(
        actor=sender,
        institution=institution,
        requester=sender,
        module=module,
        category=category,
        title=title_of(parsed.subject, parsed.from_address),
        description=description,
        urgency=Level.MEDIUM,
        impact=Level.MEDIUM,
        channel=Channel.EMAIL,
        category_details=answers,
        team=message.mailbox.team if message.mailbox else None,
    )
    if follows is not None:
        link_follow_up(follow_up=ticket, earlier=follows, actor=sender)
    # The files are shown with the ticket's description; most mail brings none.
    created = ticket.events.get(kind=EventKind.CREATED) if parsed.attachments else None
    refused, images = _attach_files(
        parsed, ticket=ticket, author=sender, is_internal=False, event=created
    )
    _record(message, parsed, ticket=ticket, author=sender, notes=[note, *refused], images=images)
    _watch_copied(parsed, ticket, sender)
    return ticket


def _watch_copied(parsed: ParsedMessage, ticket: Ticket, sender: User) -> None:
    """The colleagues the sender copied (CC) follow the ticket with them."""
    watch_from_cc(ticket=ticket, sender=sender, addresses=[cc.address for cc in parsed.cc])


def attach_mail_to_ticket(
    message: InboundMessage, parsed: ParsedMessage, *, ticket: Ticket, author: User
) -> TicketEvent | None:
    """Add the mail to ``ticket`` as ``author``'s public reply (reopening a resolved
    ticket within the window, as a portal reply does), or, from support staff whose first
    line is the internal prefix, as an internal note without that line. Its files are
    attached; refused ones are named on the timeline; the colleagues it copies watch the
    ticket from now on (``watch_from_cc``). The reply, or None when the mail
    had only files. Raises ``InvalidTransition`` (closed, past the window) or
    ``NotAllowed`` as the conversation services do."""
    prefix: str = settings.HYPERCARE_MAIL_INTERNAL_PREFIX
    text = parsed.new_text or parsed.text
    internal = access.is_agent(author) and first_line_marks_internal(text, prefix)
    if internal:
        text = _without_first_line(text)
    reply = None
    if text.strip():
        add = add_internal_note if internal else add_public_reply
        reply = add(ticket=ticket, actor=author, body=text)
    refused, images = _attach_files(
        parsed, ticket=ticket, author=author, is_internal=internal, event=reply
    )
    # The received row is public: an internal note's images stay among its internal files.
    shown = [] if internal else images
    _record(message, parsed, ticket=ticket, author=author, notes=refused, images=shown)
    _watch_copied(parsed, ticket, author)
    return reply


def record_automatic_mail(
    message: InboundMessage, parsed: ParsedMessage, *, ticket: Ticket, author: User | None
) -> TicketEvent:
    """An automatic mail (out of office, an autoresponder) about ``ticket``: on its
    timeline as received, never as a reply, so it neither reopens nor resumes it."""
    note = f"Automatic mail ({parsed.automatic}): recorded, not answered."
    return _record(message, parsed, ticket=ticket, author=author, notes=[note], whole=True)


def _category_and_answers(message: InboundMessage) -> tuple[str, dict[str, str]]:
    wanted = message.mailbox.category if message.mailbox else Category.QUESTION
    for category in (wanted, Category.QUESTION):
        questions = [q for q in QUESTIONS.get(category, ()) if q.required]
        if all(q.kind in TEXT_KINDS for q in questions):
            return category, {q.key: NOT_GIVEN for q in questions}
    return Category.QUESTION, {}


def _without_first_line(text: str) -> str:
    lines = text.lstrip().splitlines()
    return "\n".join(lines[1:]).strip()


def _attach_files(
    parsed: ParsedMessage,
    *,
    ticket: Ticket,
    author: User,
    is_internal: bool,
    event: TicketEvent | None,
) -> tuple[list[str], list[tuple[str, int]]]:
    """Each file through the attachment service, shown with ``event`` (the mail's text
    on the timeline) as a portal form's files are; what it refused, as notes, and each
    inline image stored, as (Content-ID, attachment id), to show in place."""
    refused = []
    images = []
    for attachment in parsed.attachments:
        try:
            stored = add_attachment(
                ticket=ticket,
                actor=author,
                name=attachment.filename,
                content=io.BytesIO(attachment.data),
                is_internal=is_internal,
                event=event,
            )
        except (ValidationFailed, NotAllowed, InvalidTransition) as exc:
            refused.append(f"Not attached: {attachment.filename} ({_reason(exc)}).")
            continue
        if attachment.inline and stored.is_image:
            images.append((attachment.content_id, stored.pk))
    return refused, images


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return "; ".join(f"{name} {text}" for name, text in exc.errors.items())
    return str(exc)


def _record(
    message: InboundMessage,
    parsed: ParsedMessage,
    *,
    ticket: Ticket,
    author: User | None,
    notes: list[str],
    whole: bool = False,
    images: Sequence[tuple[str, int]] = (),
) -> TicketEvent:
    """The timeline row saying the mail came in, with what is shown collapsed: the
    quoted history and signature (``whole``: the entire text, for automatic mail); with
    ``images``, the message kept to show them in place."""
    kept = [parsed.text] if whole else [parsed.quoted_text, parsed.signature]
    return events.record_received(
        ticket,
        author,
        clock.now(),
        message,
        collapsed="\n\n".join(part for part in kept if part.strip()),
        reason=" ".join(note for note in notes if note),
        html=parsed.html,
        text=parsed.text,
        images=images,
    )
