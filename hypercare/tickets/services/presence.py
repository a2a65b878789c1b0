"""Who has a ticket open: the desk page's heartbeat, so two agents see each other."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.tickets.models import PRESENCE_TTL, Presence, Ticket
from hypercare.tickets.services.common import require


def record_presence(*, ticket: Ticket, actor: User, replying: bool) -> None:
    """``actor`` has ``ticket`` open now (and is typing a reply, if ``replying``). Rows
    of people gone from the ticket are dropped at the same time, so the table holds only
    who is there. No timeline event: being there is no change to the ticket."""
    require(access.can_see_presence(actor), "Only support staff are shown on a ticket.")
    at = clock.now()
    values = {"seen_at": at, **({"replying_at": at} if replying else {})}
    with use_case():
        Presence.objects.filter(ticket=ticket, seen_at__lt=at - PRESENCE_TTL).delete()
        Presence.objects.update_or_create(ticket=ticket, user=actor, defaults=values)
