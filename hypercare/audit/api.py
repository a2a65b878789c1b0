"""The configuration audit's endpoints: system admins read it; for anyone else these paths
answer 404, as if there were no audit."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from hypercare.api.common import DbId, Page, actor, errors, paginate, refuse_unknown_query
from hypercare.audit import selectors
from hypercare.audit.schemas import AuditEntryOut, AuditQuery, RoleSpellOut

router = Router(tags=["audit"])


@router.get(
    "/audit",
    response={200: Page[AuditEntryOut], **errors(401, 422, not_found=selectors.NO_AUDIT)},
)
def list_audit(request: HttpRequest, query: Query[AuditQuery]) -> dict[str, Any]:
    """Every change to the desk's configuration, newest first, filtered (system admins)."""
    refuse_unknown_query(request, AuditQuery.model_fields)
    filters = selectors.AuditFilters(
        area=query.area or "",
        record_type=query.record_type.strip(),
        actor=query.actor,
        since=query.since,
        until=query.until,
        text=query.text.strip(),
    )
    return paginate(selectors.audit_entries(actor(request), filters), query)


@router.get(
    "/audit/people/{user_id}/roles",
    response={200: list[RoleSpellOut], **errors(401, 422, not_found=selectors.NO_AUDIT)},
)
def role_history(request: HttpRequest, user_id: DbId) -> list[selectors.RoleSpell]:
    """Every role the person holds or held: who granted it and when, who revoked it."""
    return selectors.role_history(actor(request), user_id)
