"""The demo's access requests at every step, a ledger with history, temporary access that
ends soon and an open access review, made through the services at back-dated times."""

from datetime import datetime, timedelta

from hypercare.access_requests.choices import AccessAction
from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.services.requests import (
    RequestDetails,
    decide_access_request,
    open_access_request,
    record_done_in_erp,
)
from hypercare.access_requests.services.reviews import open_review
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.demo.history import Site
from hypercare.lib import clock
from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.choices import Category, Channel, Level
from hypercare.tickets.services.intake import open_ticket

# (days ago, person, ERP login, action, role, old role): done in the weeks
# after go-live (the demo's history spans sixty days), so the ledger has a history.
HISTORY = (
    (58, "Grace Mensah", "gmensah", AccessAction.ADD, "Fee clerk", ""),
    (55, "Tomas Reyes", "treyes", AccessAction.ADD, "Exam officer", ""),
    (50, "Grace Mensah", "gmensah", AccessAction.ADD, "Receipt reprint", ""),
    (45, "Tomas Reyes", "treyes", AccessAction.CHANGE, "Exam supervisor", "Exam officer"),
    (38, "Hana Kobayashi", "hkobayashi", AccessAction.ADD, "Payroll viewer", ""),
    (20, "Grace Mensah", "gmensah", AccessAction.REMOVE, "Receipt reprint", ""),
)


def record_access_requests(*, sites: list[Site], at: datetime) -> None:
    """For the first institution: the ledger's history, a temporary grant ending in two
    days, one request at each open step (waiting for approval, approved and waiting to be
    done, rejected) and a review opened today (the demo is younger than a quarter, so it is
    opened here rather than by the job); the others keep a short ledger of their own."""
    doer = support_staff(Role.TIER1).first()
    if doer is None:
        return
    for n, site in enumerate(sites):
        history = HISTORY if n == 0 else HISTORY[:2]
        for days, name, login, action, role, old_role in history:
            with clock.frozen_at(at - timedelta(days=days)):
                _done(site, doer, name, login, action, role, old_role)
        if n == 0:
            _steps(site, doer, at)


def _request(
    site: Site, agent: User, name: str, login: str, action: str, role: str, old_role: str = "",
    ends_in: int | None = None,
) -> AccessRequest:  # fmt: skip
    requester = site.people["key_user"]
    ticket = open_ticket(
        actor=requester,
        institution=site.institution,
        requester=requester,
        module=site.modules.get(ModuleCode.HR) or next(iter(site.modules.values())),
        category=Category.ACCESS,
        title=f"{AccessAction(action).label}: {role} for {name}",
        description=f"Please {AccessAction(action).label.lower()} {role} for {name}.",
        urgency=Level.MEDIUM,
        impact=Level.LOW,
        channel=Channel.PORTAL,
        category_details={"action": action, "user": login, "role": role},
    )
    today = clock.now().date()
    return open_access_request(
        ticket=ticket,
        actor=agent,
        details=RequestDetails(
            action=action,
            role=role,
            old_role=old_role,
            effective_on=today,
            person_name=name,
            erp_login=login,
            ends_on=today + timedelta(days=ends_in) if ends_in else None,
        ),
    )


def _done(
    site: Site, agent: User, name: str, login: str, action: str, role: str, old_role: str,
    ends_in: int | None = None,
) -> AccessRequest:  # fmt: skip
    request = _request(site, agent, name, login, action, role, old_role, ends_in)
    decide_access_request(request=request, actor=site.people["approval"], approve=True)
    return record_done_in_erp(request=request, actor=agent)


def _steps(site: Site, agent: User, at: datetime) -> None:
    approver = site.people["approval"]
    with clock.frozen_at(at - timedelta(days=12)):
        # Twelve days of cover, so it ends in two days: the reminder is due.
        _done(site, agent, "Ravi Menon", "rmenon", AccessAction.ADD, "Bursar cover", "", 14)
    with clock.frozen_at(at - timedelta(days=2)):
        approved = _request(site, agent, "Lina Osei", "losei", AccessAction.ADD, "Admissions clerk")
        decide_access_request(request=approved, actor=approver, approve=True, comment="Agreed.")
        rejected = _request(site, agent, "Max Weber", "mweber", AccessAction.ADD, "Payroll admin")
        decide_access_request(
            request=rejected,
            actor=approver,
            approve=False,
            comment="Payroll admin is for the payroll team only; ask for Payroll viewer.",
        )
    with clock.frozen_at(at - timedelta(hours=3)):
        _request(site, agent, "Hana Kobayashi", "hkobayashi", AccessAction.REMOVE, "Payroll viewer")
        open_review(site.institution, clock.now())
