"""Keeping macros, and applying one to a ticket.

A macro does not recategorise: every category asks questions (``category_details``)
only the agent can answer for the ticket at hand.

A macro runs its steps through the ticket services an agent would use one by one, so each
step is checked by the access policy and records its own events and notifications, as if
done by hand. All the steps run in one transaction (``composed``): a step refused rolls
back every step, and the refusal names the step. One summary entry on the timeline says
the steps came from the macro.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import DomainError, InvalidTransition, NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.macros import events
from hypercare.macros.models import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, Macro
from hypercare.orgs.models import Team
from hypercare.tags import services as tags
from hypercare.tags.models import NAME_MAX as TAG_MAX
from hypercare.tags.models import Tag, normalized
from hypercare.tickets import selectors as tickets
from hypercare.tickets.choices import Priority, Status
from hypercare.tickets.models import SavedReply, Ticket
from hypercare.tickets.services import conversation, workflow
from hypercare.tickets.services.bulk import BulkOutcome, each_ticket
from hypercare.tickets.services.common import lock, require

MANAGE_REFUSED = "Only support managers and system admins keep macros."
APPLY_REFUSED = "Only support staff apply macros."
TAGS_MAX = 20


@dataclass(frozen=True)
class MacroSteps:
    """What a macro does; an empty field is a step it does not take."""

    name: str
    description: str = ""
    status: str = ""
    priority: str = ""
    team: Team | None = None
    tags_to_add: Sequence[str] = field(default_factory=list)
    tags_to_remove: Sequence[str] = field(default_factory=list)
    saved_reply: SavedReply | None = None
    note: str = ""


def create_macro(*, actor: User, steps: MacroSteps) -> Macro:
    require(access.can_manage_macros(actor), MANAGE_REFUSED)
    clean = _checked(steps)
    with use_case():
        macro = Macro(created_by=actor, created_at=clock.now())
        _fill(macro, clean)
        macro.save()
    return macro


def update_macro(*, actor: User, macro: Macro, steps: MacroSteps) -> Macro:
    require(access.can_manage_macros(actor), MANAGE_REFUSED)
    clean = _checked(steps, exclude=macro.pk)
    with use_case():
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        _fill(macro, clean)
        macro.save()
    return macro


def delete_macro(*, actor: User, macro: Macro) -> None:
    """A macro is a shortcut, not a record: the steps it applied stay on the timelines."""
    require(access.can_manage_macros(actor), MANAGE_REFUSED)
    with use_case():
        Macro.objects.filter(pk=macro.pk).delete()


def apply_macro(*, ticket: Ticket, actor: User, macro: Macro) -> list[str]:
    """Apply every step of ``macro`` to ``ticket`` in one transaction; answers what it did.

    The steps run in a fixed order: the team first (it may assign the ticket), then
    priority, tags, the reply and the note, and the status last, so a macro that replies
    and sets "Waiting on requester" leaves the ticket waiting, not in progress.
    """
    require(access.can_apply_macros(actor), APPLY_REFUSED)
    done: list[str] = []
    with composed():
        for step, run in _steps(macro, actor):
            try:
                said = run(lock(ticket))
            except ValidationFailed as exc:
                raise ValidationFailed(
                    {step: "; ".join(f"{k}: {v}" for k, v in exc.errors.items())}
                ) from None
            except DomainError as exc:
                raise type(exc)(f"{step}: {exc.message}") from None
            if said:
                done.append(said)
        if not done:
            raise InvalidTransition("This macro has no step left to apply.")
        ticket = lock(ticket)
        events.record_applied(ticket, actor, clock.now(), macro.name, done)
    return done


def bulk_apply_macro(*, tickets: Sequence[Ticket], actor: User, macro: Macro) -> BulkOutcome:
    """Apply ``macro`` to each ticket in its own transaction: one refusal undoes only
    that ticket's steps."""
    require(access.can_apply_macros(actor), APPLY_REFUSED)

    def apply(ticket: Ticket) -> Ticket:
        apply_macro(ticket=ticket, actor=actor, macro=macro)
        return ticket

    return each_ticket(tickets, actor, apply)


Step = Callable[[Ticket], str]


def _steps(macro: Macro, actor: User) -> list[tuple[str, Step]]:
    """The macro's steps in the order they run, each named as its refusal names it."""
    steps: list[tuple[str, Step]] = []
    if macro.team is not None:
        team = macro.team

        def to_team(ticket: Ticket) -> str:
            workflow.change_team(ticket=ticket, actor=actor, team=team)
            return f"moved it to the {team.name} team"

        steps.append(("team", to_team))
    if macro.priority:

        def priority(ticket: Ticket) -> str:
            workflow.change_priority(
                ticket=ticket,
                actor=actor,
                priority=macro.priority,
                reason=f"Macro “{macro.name}”.",
                reason_is_public=False,
            )
            return f"set the priority to {macro.get_priority_display()}"

        steps.append(("priority", priority))
    steps += [("tags", _adding(name, actor)) for name in macro.tags_to_add]
    steps += [("tags", _removing(name, actor)) for name in macro.tags_to_remove]
    if macro.saved_reply is not None:
        steps.append(("reply", _replying(macro.saved_reply, actor)))
    if macro.note:
        note = macro.note

        def add_note(ticket: Ticket) -> str:
            conversation.add_internal_note(ticket=ticket, actor=actor, body=note)
            return "added an internal note"

        steps.append(("note", add_note))
    if macro.status:

        def status(ticket: Ticket) -> str:
            workflow.change_status(ticket=ticket, actor=actor, status=macro.status)
            return f"set the status to {macro.get_status_display()}"

        steps.append(("status", status))
    return steps


def _adding(name: str, actor: User) -> Step:
    def add(ticket: Ticket) -> str:
        tags.add_tag(ticket=ticket, actor=actor, name=name)
        return f"added the tag “{name}”"

    return add


def _removing(name: str, actor: User) -> Step:
    def remove(ticket: Ticket) -> str:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            return ""
        tags.remove_tag(ticket=ticket, actor=actor, tag=tag)
        return f"removed the tag “{name}”"

    return remove


def _replying(reply: SavedReply, actor: User) -> Step:
    def send(ticket: Ticket) -> str:
        if not tickets.usable_saved_replies(actor).filter(pk=reply.pk).exists():
            raise NotAllowed(f"you may not use the saved reply “{reply.title}”.")
        body = tickets.saved_reply_text(actor, reply, ticket)
        conversation.add_public_reply(ticket=ticket, actor=actor, body=body)
        return f"replied with “{reply.title}”"

    return send


def _checked(steps: MacroSteps, exclude: int | None = None) -> MacroSteps:
    errors = FieldErrors()
    name = errors.line("name", steps.name, NAME_MAX)
    description = errors.line("description", steps.description, DESCRIPTION_MAX, required=False)
    for key, value, choices in (
        ("status", steps.status, Status.values),
        ("priority", steps.priority, Priority.values),
    ):
        if value:
            errors.choice(key, value, choices)
    added = _tag_names(errors, "tags_to_add", steps.tags_to_add)
    removed = _tag_names(errors, "tags_to_remove", steps.tags_to_remove)
    if set(added) & set(removed):
        errors.add("tags_to_remove", "names a tag the macro also adds")
    note = errors.text("note", steps.note, NOTE_MAX, required=False)
    clean = MacroSteps(
        name=name,
        description=description,
        status=steps.status,
        priority=steps.priority,
        team=steps.team,
        tags_to_add=added,
        tags_to_remove=removed,
        saved_reply=steps.saved_reply,
        note=note,
    )
    if not _has_a_step(clean):
        errors.add("steps", "a macro must do at least one thing")
    taken = Macro.objects.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if name and taken.exists():
        errors.add("name", "another macro has this name")
    errors.check()
    return clean


def _tag_names(errors: FieldErrors, key: str, names: Sequence[str]) -> list[str]:
    if len(names) > TAGS_MAX:
        errors.add(key, f"at most {TAGS_MAX} tags")
    clean: list[str] = []
    for name in names:
        tag = normalized(errors.line(key, name, TAG_MAX))
        if tag and tag not in clean:
            clean.append(tag)
    return clean


def _has_a_step(steps: MacroSteps) -> bool:
    return any(
        (
            steps.status,
            steps.priority,
            steps.team,
            steps.tags_to_add,
            steps.tags_to_remove,
            steps.saved_reply,
            steps.note,
        )
    )


def _fill(macro: Macro, steps: MacroSteps) -> None:
    macro.name = steps.name
    macro.description = steps.description
    macro.status = steps.status
    macro.priority = steps.priority
    macro.team = steps.team
    macro.tags_to_add = list(steps.tags_to_add)
    macro.tags_to_remove = list(steps.tags_to_remove)
    macro.saved_reply = steps.saved_reply
    macro.note = steps.note
