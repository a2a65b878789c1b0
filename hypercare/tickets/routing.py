"""Which team and tier a new ticket goes to."""

from dataclasses import dataclass

from hypercare.orgs.choices import Tier
from hypercare.orgs.models import Team
from hypercare.tickets.models import RoutingRule


@dataclass(frozen=True)
class Route:
    team: Team | None
    tier: int


def _specificity(rule: RoutingRule) -> int:
    return sum(bool(value) for value in (rule.institution_id, rule.module_code, rule.category))


def _matches(rule: RoutingRule, *, institution_id: int, module_code: str, category: str) -> bool:
    return (
        rule.institution_id in (None, institution_id)
        and rule.module_code in ("", module_code)
        and rule.category in ("", category)
    )


def route_for(*, institution_id: int, module_code: str, category: str) -> Route:
    """The most specific matching rule wins; ties go to the lowest position.

    With no matching rule the ticket waits, unowned, at the service desk tier.
    """
    rules = [
        rule
        for rule in RoutingRule.objects.select_related("team").order_by("position", "pk")
        if _matches(rule, institution_id=institution_id, module_code=module_code, category=category)
    ]
    if not rules:
        return Route(team=None, tier=Tier.SERVICE_DESK)
    best = max(rules, key=_specificity)  # max keeps the first of equals: lowest position
    return Route(team=best.team, tier=best.tier)
