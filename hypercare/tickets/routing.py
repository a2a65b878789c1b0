"""Which team and tier a new ticket goes to, and which team takes it at another tier."""

from dataclasses import dataclass

from hypercare.orgs.choices import Tier
from hypercare.orgs.models import Team
from hypercare.setup_cache import cached, rebuilt
from hypercare.tickets.models import RoutingRule

# The team columns a routed ticket and its auto-assignment read (see setup_cache.TRACKED).
TEAM_COLUMNS = ("id", "name", "slug", "tier", "lead_id", "auto_assignment")


@dataclass(frozen=True)
class Route:
    team: Team | None
    tier: int


@dataclass(frozen=True)
class Rule:
    """A routing rule as cached: its criteria and where it sends a ticket."""

    institution_id: int | None
    module_code: str
    category: str
    team_id: int
    tier: int
    for_new_tickets: bool

    @property
    def specificity(self) -> int:
        return sum(bool(value) for value in (self.institution_id, self.module_code, self.category))

    def matches(self, *, institution_id: int, module_code: str, category: str) -> bool:
        return (
            self.institution_id in (None, institution_id)
            and self.module_code in ("", module_code)
            and self.category in ("", category)
        )


def _rules() -> tuple[Rule, ...]:
    """Every rule, lowest position first."""

    def load() -> tuple[Rule, ...]:
        fields = ("institution_id", "module_code", "category", "team_id", "tier", "for_new_tickets")
        rows = RoutingRule.objects.order_by("position", "pk").values_list(*fields)
        return tuple(Rule(*row) for row in rows)

    return cached("routing_rules", load)


def _team(pk: int) -> Team:
    values = cached(("team", pk), lambda: Team.objects.values(*TEAM_COLUMNS).get(pk=pk))
    return rebuilt(Team, values)


def _best(rules: list[Rule]) -> Rule | None:
    """The most specific rule; ties go to the lowest position (``max`` keeps the first)."""
    return max(rules, key=lambda rule: rule.specificity, default=None)


def route_for(*, institution_id: int, module_code: str, category: str) -> Route:
    """The most specific matching rule for new tickets wins; ties go to the lowest position.

    With no matching rule the ticket waits, unowned, at the service desk tier.
    """
    best = _best(
        [
            rule
            for rule in _rules()
            if rule.for_new_tickets
            and rule.matches(
                institution_id=institution_id, module_code=module_code, category=category
            )
        ]
    )
    if best is None:
        return Route(team=None, tier=Tier.SERVICE_DESK)
    return Route(team=_team(best.team_id), tier=best.tier)


def team_for_tier(
    *, institution_id: int, module_code: str, category: str, tier: int
) -> Team | None:
    """The team the routing rules name for a ticket at ``tier``, or None when none does.

    Rules decide as at intake, among every rule for that tier, including those that route
    no new tickets. With none, nobody guesses: the agent moving the ticket chooses a team.
    """
    best = _best(
        [
            rule
            for rule in _rules()
            if rule.tier == tier
            and rule.matches(
                institution_id=institution_id, module_code=module_code, category=category
            )
        ]
    )
    return None if best is None else _team(best.team_id)
