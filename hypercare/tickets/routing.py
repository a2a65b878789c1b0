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


def team_for_tier(
    *, institution_id: int, module_code: str, category: str, tier: int
) -> Team | None:
    """The team a ticket goes to at ``tier``: by the routing rules, else any team at that tier.

    Rules decide as at intake, among the rules for that tier only; with none, the first
    team working at that tier by name.
    """
    rules = [
        rule
        for rule in RoutingRule.objects.filter(tier=tier).select_related("team")
        if _matches(rule, institution_id=institution_id, module_code=module_code, category=category)
    ]
    if rules:
        return max(rules, key=_specificity).team
    return Team.objects.filter(tier=tier).order_by("name").first()
