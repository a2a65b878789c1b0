"""Keeping a team's saved replies."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Team
from hypercare.tickets.models import SavedReply
from hypercare.tickets.services.common import require

MAX_TITLE = 120
MAX_BODY = 20_000
REFUSED = "Only the team's members and lead can change its saved replies."


def create_saved_reply(*, actor: User, team: Team, title: str, body: str) -> SavedReply:
    """A new saved reply for ``team``; titles are unique within a team so agents can pick one."""
    require(access.can_manage_saved_replies(actor, team), REFUSED)
    clean_title, clean_body = _checked(team, title, body)
    at = clock.now()
    with use_case():
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
    clean_title, clean_body = _checked(reply.team, title, body, exclude=reply.pk)
    with use_case():
        reply.title = clean_title
        reply.body = clean_body
        reply.updated_at = clock.now()
        reply.save(update_fields=["title", "body", "updated_at"])
    return reply


def delete_saved_reply(*, actor: User, reply: SavedReply) -> None:
    """Saved replies are templates, not records: removing one leaves no trace on tickets."""
    require(access.can_manage_saved_replies(actor, reply.team), REFUSED)
    with use_case():
        reply.delete()


def _checked(team: Team, title: str, body: str, exclude: int | None = None) -> tuple[str, str]:
    """The title and body cleaned; titles are unique within a team, whatever their case."""
    errors = FieldErrors()
    clean_title = errors.line("title", title, MAX_TITLE)
    clean_body = errors.text("body", body, MAX_BODY)
    taken = SavedReply.objects.filter(team=team, title__iexact=clean_title)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if clean_title and taken.exists():
        errors.add("title", "this team already has a saved reply with this title")
    errors.check()
    return clean_title, clean_body
