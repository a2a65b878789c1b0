"""Read queries for tags, scoped by the access policy: support staff only."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.tags.models import Tag, Tagging, normalized
from hypercare.tickets.models import Ticket


def visible_tags(user: User) -> QuerySet[Tag]:
    """Every tag, for support staff; none for anyone else."""
    return Tag.objects.filter(access.tag_scope(user))


def tags_in_use(user: User) -> QuerySet[Tag]:
    """The tags ``user`` sees, each with how many tickets carry it."""
    return visible_tags(user).annotate(tickets=Count("taggings"))


def tickets_tagged(user: User, tag: Tag) -> int:
    """How many tickets carry ``tag``."""
    return Tagging.objects.filter(tag__in=visible_tags(user), tag=tag).count()


def get_visible_tag(user: User, pk: int) -> Tag:
    tag = visible_tags(user).filter(pk=pk).first()
    if tag is None:
        raise NotFound("No such tag.")
    return tag


def ticket_tags(user: User, ticket: Ticket) -> list[Tag]:
    """The ticket's tags, in name order; none for who may not see tags."""
    return list(visible_tags(user).filter(taggings__ticket=ticket).order_by("name"))


def tagged_with(user: User, names: Iterable[str]) -> Q:
    """A filter on Ticket: carrying any of the tags ``names``. Who may not see tags
    matches nothing, so a tag filter never tells an institution which tickets carry one."""
    tags = visible_tags(user).filter(name__in=[normalized(name) for name in names])
    return Q(pk__in=Tagging.objects.filter(tag__in=tags).values("ticket_id"))
