"""Keeping a team's saved replies."""

from django.db import transaction

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.lib import clock
from hypercare.orgs.models import Team
from hypercare.tickets.models import SavedReply
from hypercare.tickets.services.common import check_text, require

MAX_TITLE = 120
MAX_BODY = 20_000
REFUSED = "Only the team's members and lead can change its saved replies."


def create_saved_reply(*, actor: User, team: Team, title: str, body: str) -> SavedReply:
    """A new saved reply for ``team``; titles are unique within a team so agents can pick one."""
    require(access.can_manage_saved_replies(actor, team), REFUSED)
    clean_title = check_text("title", title, max_length=MAX_TITLE)
    clean_body = check_text("body", body, max_length=MAX_BODY)
    _check_title_free(team, clean_title)
    at = clock.now()
    with transaction.atomic(durable=True):
        return SavedReply.objects.create(
            team=team,
            title=clean_title,
            body=clean_body,
            created_by=actor,
            created_at=at,
            updated_at=at,
        )


def update_saved_reply(*, actor: User, reply: SavedReply, title: str, body: str) -> SavedReply:
    require(access.can_manage_saved_replies(actor, reply.team), REFUSED)
    clean_title = check_text("title", title, max_length=MAX_TITLE)
    clean_body = check_text("body", body, max_length=MAX_BODY)
    _check_title_free(reply.team, clean_title, exclude=reply.pk)
    with transaction.atomic(durable=True):
        reply.title = clean_title
        reply.body = clean_body
        reply.updated_at = clock.now()
        reply.save(update_fields=["title", "body", "updated_at"])
    return reply


def delete_saved_reply(*, actor: User, reply: SavedReply) -> None:
    """Saved replies are templates, not records: removing one leaves no trace on tickets."""
    require(access.can_manage_saved_replies(actor, reply.team), REFUSED)
    with transaction.atomic(durable=True):
        reply.delete()


def _check_title_free(team: Team, title: str, exclude: int | None = None) -> None:
    taken = SavedReply.objects.filter(team=team, title__iexact=title)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationFailed({"title": "this team already has a saved reply with this title"})
