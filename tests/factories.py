"""Small factories for the personas tests talk about."""

import itertools
from typing import Any

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.services import create_user
from hypercare.corrections.choices import Reason
from hypercare.corrections.content import CorrectionContent, FieldChange
from hypercare.escalations.choices import EscalationReason, Workaround
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.intake import ReviewChecklist, request_escalation
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team
from hypercare.orgs.services import create_institution
from hypercare.tickets.choices import Category, Channel, Level
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.intake import open_ticket

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def institution(name: str | None = None, **kwargs: Any) -> Institution:
    n = next(_sequence)
    return create_institution(
        name=name or f"Institution {n}", slug=kwargs.pop("slug", f"inst-{n}"), **kwargs
    )


def user(*roles: str, institution: Institution | None = None, **kwargs: Any) -> User:
    n = next(_sequence)
    username = kwargs.pop("username", f"{roles[0] if roles else 'user'}{n}")
    return create_user(
        username=username,
        email=kwargs.pop("email", f"{username}@example.edu"),
        password=PASSWORD,
        roles=roles,
        institution=institution,
        **kwargs,
    )


def requester(institution: Institution, **kwargs: Any) -> User:
    return user(Role.REQUESTER, institution=institution, **kwargs)


def agent(role: str = Role.TIER1, **kwargs: Any) -> User:
    return user(role, **kwargs)


def team(name: str | None = None, tier: int = Tier.SERVICE_DESK, **kwargs: Any) -> Team:
    n = next(_sequence)
    return Team.objects.create(name=name or f"Team {n}", slug=f"team-{n}", tier=tier, **kwargs)


def module(institution: Institution, code: str = ModuleCode.FINANCE) -> Module:
    return Module.objects.get(institution=institution, code=code)


def integration(
    institution: Institution | None, kind: str = "payment", **kwargs: Any
) -> Integration:
    assert institution is not None
    n = next(_sequence)
    return Integration.objects.create(
        institution=institution, kind=kind, name=kwargs.pop("name", f"Gateway {n}"), **kwargs
    )


def ticket(
    requester: User,
    *,
    actor: User | None = None,
    category: str = Category.QUESTION,
    category_details: dict[str, Any] | None = None,
    module_code: str = ModuleCode.FINANCE,
    **kwargs: Any,
) -> Ticket:
    assert requester.institution is not None
    fields: dict[str, Any] = {
        "title": "Fee receipt does not print",
        "description": "Clicking Print on the fee receipt shows a blank page.",
        "urgency": Level.MEDIUM,
        "impact": Level.MEDIUM,
        "channel": Channel.PORTAL,
    }
    fields.update(kwargs)
    return open_ticket(
        actor=actor or requester,
        institution=requester.institution,
        requester=requester,
        module=module(requester.institution, module_code),
        category=category,
        category_details=category_details
        if category_details is not None
        else {"screen_or_report": "Fee receipt"},
        **fields,
    )


def escalation(ticket: Ticket, requested_by: User) -> Escalation:
    """An escalation of ``ticket`` for business impact, its review checklist answered."""
    return request_escalation(
        ticket=ticket,
        actor=requested_by,
        reason=EscalationReason.BUSINESS_IMPACT,
        checklist=ReviewChecklist(
            problem_statement_confirmed=True,
            business_impact="Nobody can pay fees.",
            workaround=Workaround.NONE,
        ),
    )


def data_correction(requester: User, data_owner: User, **kwargs: Any) -> Ticket:
    """A data-correction ticket naming ``data_owner`` as the one who signs it off."""
    return ticket(
        requester,
        category=Category.DATA_CORRECTION,
        category_details={
            "records_affected": "Roll numbers 2024001 and 2024002",
            "correction_wanted": "Day and month are swapped",
            "data_owner_id": data_owner.pk,
        },
        **{"title": "Wrong dates of birth on two students", **kwargs},
    )


# A correction record as an agent writes it for ``data_correction``'s tickets.
CORRECTION = CorrectionContent(
    records=("2024001", "2024002"),
    changes=(
        FieldChange("2024001", "date_of_birth", "2001-13-01", "2001-01-13"),
        FieldChange("2024002", "date_of_birth", "2002-14-02", "2002-02-14"),
    ),
    reason=Reason.WRONG_ENTRY,
    reversal_plan="Set the two dates back to the values before, from the audit log.",
)
