"""Access requests on pages of other domains: the access ticket's panel on both sides of
the desk, and the portal navigation's approvals, ledger and reviews."""

from typing import Any

from django import template

from hypercare import access
from hypercare.access_requests.choices import RequestStatus
from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.selectors import visible_access_requests
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.web.approvals.sections import waiting_for

register = template.Library()


@register.inclusion_tag("web/access_requests/_ticket_panel.html")
def access_request_panel(user: User, ticket: Ticket) -> dict[str, Any]:
    """An access ticket's requests (a rejected one and the one asked again) with links to
    them; support staff may record the request while there is no live one."""
    if ticket.category != Category.ACCESS:
        return {"shown": False}
    found: list[AccessRequest] = list(
        visible_access_requests(user).filter(ticket=ticket).order_by("requested_at", "pk")
    )
    live = [request for request in found if request.status != RequestStatus.REJECTED]
    return {
        "shown": True,
        "ticket": ticket,
        "requests": found,
        "desk": access.is_agent(user),
        "can_request": access.can_request_access(user) and not live,
    }


@register.simple_tag
def access_nav(user: User) -> dict[str, Any]:
    """What the portal navigation offers: the approvals waiting (approval owners decide
    access requests, module owners changes, data owners sign off corrections), the
    ledger and the reviews (institution admins)."""
    approver = user.has_role(Role.APPROVAL_OWNER, Role.MODULE_OWNER, Role.DATA_OWNER)
    return {
        "approvals": sum(len(section.items) for section in waiting_for(user)) if approver else None,
        "ledger": access.can_read_access_ledger(user),
    }
