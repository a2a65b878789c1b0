"""Which team and tier a new ticket goes to, and which team takes it at another tier."""

from typing import Any

import pytest

from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Team
from hypercare.tickets.choices import Category
from hypercare.tickets.models import RoutingRule
from hypercare.tickets.routing import Route, route_for, team_for_tier
from tests import factories


def _route(
    institution: Institution, module_code: str = ModuleCode.FEES, category: str = Category.QUESTION
) -> Route:
    return route_for(institution_id=institution.pk, module_code=module_code, category=category)


def _at_tier(institution: Institution, tier: int) -> Team | None:
    return team_for_tier(
        institution_id=institution.pk,
        module_code=ModuleCode.FEES,
        category=Category.QUESTION,
        tier=tier,
    )


def _rule(
    team: Team, *, position: int = 100, tier: int = Tier.SERVICE_DESK, **criteria: object
) -> RoutingRule:
    return RoutingRule.objects.create(team=team, position=position, tier=tier, **criteria)


def test_no_rule_means_no_team_at_tier_one(institution: Institution) -> None:
    assert _route(institution) == Route(team=None, tier=Tier.SERVICE_DESK)


def test_catch_all_rule_takes_everything(institution: Institution) -> None:
    desk = factories.team("Service desk")
    _rule(desk)
    assert _route(institution) == Route(team=desk, tier=Tier.SERVICE_DESK)
    assert _route(institution, ModuleCode.HR, Category.INCIDENT).team == desk


def test_most_specific_rule_wins_over_an_earlier_general_one(institution: Institution) -> None:
    desk, fees, fee_incidents = (factories.team(n) for n in ("Desk", "Fees", "Fee incidents"))
    _rule(desk, position=1)
    _rule(fees, position=2, module_code=ModuleCode.FEES)
    _rule(
        fee_incidents,
        position=3,
        module_code=ModuleCode.FEES,
        category=Category.INCIDENT,
        tier=Tier.TECHNICAL,
    )
    assert _route(institution, ModuleCode.FEES, Category.INCIDENT) == Route(
        team=fee_incidents, tier=Tier.TECHNICAL
    )
    assert _route(institution, ModuleCode.FEES, Category.QUESTION).team == fees
    assert _route(institution, ModuleCode.EXAMS, Category.INCIDENT).team == desk


def test_institution_rule_is_more_specific_than_a_general_one(institution: Institution) -> None:
    general, northfield_team = factories.team("General"), factories.team("Northfield squad")
    _rule(general, position=1)
    _rule(northfield_team, position=50, institution=institution, tier=Tier.FUNCTIONAL)
    assert _route(institution) == Route(team=northfield_team, tier=Tier.FUNCTIONAL)


def test_ties_go_to_the_lowest_position(institution: Institution) -> None:
    late, early = factories.team("Late"), factories.team("Early")
    _rule(late, position=20, category=Category.QUESTION)
    _rule(early, position=10, module_code=ModuleCode.FEES)
    assert _route(institution).team == early


def test_ties_on_position_go_to_the_oldest_rule(institution: Institution) -> None:
    first, second = factories.team("First"), factories.team("Second")
    _rule(first, position=10, category=Category.QUESTION)
    _rule(second, position=10, module_code=ModuleCode.FEES)
    assert _route(institution).team == first


def test_institution_rule_does_not_apply_to_another_institution(
    institution: Institution, other_institution: Institution
) -> None:
    northfield_team = factories.team("Northfield squad")
    _rule(northfield_team, institution=institution, tier=Tier.FUNCTIONAL)
    assert _route(other_institution) == Route(team=None, tier=Tier.SERVICE_DESK)
    assert _route(institution).team == northfield_team


@pytest.mark.parametrize(
    ("criteria", "module_code", "category"),
    [
        ({"module_code": ModuleCode.PAYROLL}, ModuleCode.FEES, Category.QUESTION),
        ({"category": Category.ACCESS}, ModuleCode.FEES, Category.QUESTION),
        (
            {"module_code": ModuleCode.FEES, "category": Category.ACCESS},
            ModuleCode.FEES,
            Category.QUESTION,
        ),
    ],
)
def test_rule_with_an_unmet_criterion_does_not_apply(
    institution: Institution, criteria: dict[str, Any], module_code: str, category: str
) -> None:
    _rule(factories.team(), **criteria)
    assert _route(institution, module_code, category).team is None


def test_most_specific_matching_rule_picks_its_own_tier(institution: Institution) -> None:
    consultants = factories.team("Consultants", tier=Tier.FUNCTIONAL)
    _rule(
        consultants,
        institution=institution,
        module_code=ModuleCode.FEES,
        category=Category.QUESTION,
        tier=Tier.FUNCTIONAL,
    )
    _rule(
        factories.team("Desk"), position=1, module_code=ModuleCode.FEES, category=Category.QUESTION
    )
    assert _route(institution) == Route(team=consultants, tier=Tier.FUNCTIONAL)


def test_a_rule_only_for_tier_moves_routes_no_new_ticket(institution: Institution) -> None:
    desk = factories.team("Service desk")
    payroll = factories.team("HR & Payroll", tier=Tier.FUNCTIONAL)
    _rule(desk)
    _rule(payroll, tier=Tier.FUNCTIONAL, module_code=ModuleCode.FEES, for_new_tickets=False)
    assert _route(institution) == Route(team=desk, tier=Tier.SERVICE_DESK)
    assert _at_tier(institution, Tier.FUNCTIONAL) == payroll
    assert _at_tier(institution, Tier.TECHNICAL) is None
