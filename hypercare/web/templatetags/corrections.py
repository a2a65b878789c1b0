"""The ticket page's data-correction panel, on the desk and in the portal: the record as
it stands, its sign-offs, and the step the viewer may take (support staff write, ask
and apply; the named data owner decides; the requester verifies). A ticket no longer a
data correction shows the record it kept, why no step is taken, and no step."""

from typing import Any

from django import template

from hypercare import access
from hypercare.accounts.models import User
from hypercare.corrections import selectors
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("web/corrections/_panel.html")
def correction_panel(user: User, ticket: Ticket) -> dict[str, Any]:
    record = selectors.correction_of(ticket)
    if record is None and not workflows.follows(ticket, Category.DATA_CORRECTION):
        return {"shown": False}
    refused = selectors.steps_refused(ticket)
    signed = selectors.standing_sign_off(record) if record is not None else None
    staff = access.can_write_correction(user) and not refused
    pending = record is not None and record.applied_at is None
    return {
        "shown": True,
        "ticket": ticket,
        "record": record,
        "refused": refused,
        "sign_offs": list(selectors.sign_offs(record)) if record is not None else [],
        "data_owner": selectors.data_owner_of(ticket),
        "signed_off": signed is not None,
        "can_edit": staff and (record is None or record.applied_at is None),
        "can_ask": staff and pending and signed is None,
        "can_apply": staff and pending and signed is not None,
        "can_decide": (
            not refused
            and record is not None
            and record.sign_off_requested_at is not None
            and access.is_named_data_owner(user, ticket)
        ),
        "can_verify": (
            not refused
            and record is not None
            and record.applied_at is not None
            and record.verified_at is None
            and access.can_verify_correction(user, ticket)
        ),
    }
