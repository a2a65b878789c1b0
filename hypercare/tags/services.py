"""Tagging tickets, and keeping the tags themselves tidy.

Support staff tag and untag tickets, creating a tag by typing a new name; both are
internal events on the ticket's timeline. Support managers and system admins rename and
merge tags: configuration changes, recorded by the audit (``audit.recording`` watches
``Tag``), not on the timelines of the tickets they touch.
"""

from django.db import IntegrityError, transaction

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.tags import events
from hypercare.tags.models import NAME_MAX, Tag, Tagging, normalized
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import lock, require

TAG_REFUSED = "Only support staff tag tickets."
MANAGE_REFUSED = "Only support managers and system admins rename and merge tags."


def add_tag(*, ticket: Ticket, actor: User, name: str) -> Tag:
    """Put the tag ``name`` on the ticket, making the tag if none has that name yet.
    A tag the ticket carries already is left as it is."""
    require(access.can_tag_tickets(actor), TAG_REFUSED)
    clean = _checked_name(name)
    with use_case():
        ticket = lock(ticket)
        tag = _tag_named(clean)
        if not Tagging.objects.filter(ticket=ticket, tag=tag).exists():
            at = clock.now()
            Tagging.objects.create(ticket=ticket, tag=tag, added_by=actor, added_at=at)
            events.record_tagged(ticket, actor, at, tag.name)
    return tag


def remove_tag(*, ticket: Ticket, actor: User, tag: Tag) -> None:
    """Take the tag off the ticket; the tag stays for other tickets."""
    require(access.can_tag_tickets(actor), TAG_REFUSED)
    with use_case():
        ticket = lock(ticket)
        removed, _ = Tagging.objects.filter(ticket=ticket, tag=tag).delete()
        if removed:
            events.record_untagged(ticket, actor, clock.now(), tag.name)


def rename_tag(*, tag: Tag, actor: User, name: str) -> Tag:
    """Give the tag a new name on every ticket. A name another tag has is refused:
    that is a merge."""
    require(access.can_manage_tags(actor), MANAGE_REFUSED)
    clean = _checked_name(name)
    with use_case():
        tag = Tag.objects.select_for_update().get(pk=tag.pk)
        if Tag.objects.filter(name=clean).exclude(pk=tag.pk).exists():
            raise ValidationFailed({"name": "another tag has this name: merge the two instead"})
        tag.name = clean
        tag.save(update_fields=["name"])
    return tag


def merge_tags(*, tag: Tag, into: Tag, actor: User) -> Tag:
    """Move every ticket's ``tag`` to ``into`` and delete ``tag``, in one transaction;
    a ticket carrying both keeps ``into`` once."""
    require(access.can_manage_tags(actor), MANAGE_REFUSED)
    if tag.pk == into.pk:
        raise ValidationFailed({"into": "is this tag: choose another one"})
    with use_case():
        # Both rows locked in key order, so two merges never wait on each other.
        list(Tag.objects.select_for_update().filter(pk__in=[tag.pk, into.pk]).order_by("pk"))
        both = Tagging.objects.filter(tag=into).values("ticket_id")
        Tagging.objects.filter(tag=tag, ticket_id__in=both).delete()
        Tagging.objects.filter(tag=tag).update(tag=into)
        tag.delete()
    return into


def _checked_name(name: str) -> str:
    errors = FieldErrors()
    clean = normalized(errors.line("name", name, NAME_MAX))
    errors.check()
    return clean


def _tag_named(name: str) -> Tag:
    """The tag of that name, made now if there is none. Two agents typing one new
    name at once make it once: the second finds the first's."""
    found = Tag.objects.filter(name=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, created_at=clock.now())
    except IntegrityError:
        return Tag.objects.get(name=name)
