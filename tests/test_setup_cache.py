"""The setup cache: kept rows are used until any change to the setup tables, however made."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.template import Context
from pytest_django import DjangoAssertNumQueries

from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import NotificationTemplate, OutboxMessage
from hypercare.notifications.services import _compiled_template
from hypercare.orgs.choices import AutoAssignment, ModuleCode, Tier
from hypercare.orgs.models import Institution, Module, Team
from hypercare.orgs.selectors import module_by_code
from hypercare.setup_cache import (
    TRACKED,
    cached,
    install_revision_triggers,
    rebuilt,
    setup_revision,
)
from hypercare.sla.models import Calendar, ClosureDay, SlaPolicy
from hypercare.sla.selectors import business_calendar, governing_policy
from hypercare.tickets.choices import Category, Priority
from hypercare.tickets.models import RoutingRule
from hypercare.tickets.routing import route_for
from tests import factories


def _route_team(institution: Institution) -> Team | None:
    return route_for(
        institution_id=institution.pk, module_code=ModuleCode.FEES, category=Category.QUESTION
    ).team


def test_a_kept_value_costs_only_the_revision_read(
    institution: Institution, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return 42

    assert cached("answer", load) == 42
    with django_assert_num_queries(1):
        assert cached("answer", load) == 42
    assert len(loads) == 1


def test_every_kind_of_change_to_a_tracked_table_gives_a_new_revision(
    institution: Institution,
) -> None:
    team = factories.team("Desk")
    changes: list[Callable[[], Any]] = [
        lambda: RoutingRule.objects.create(team=team),
        lambda: RoutingRule.objects.update(tier=Tier.FUNCTIONAL),
        lambda: RoutingRule.objects.all().delete(),
        lambda: Module.objects.filter(institution=institution).update(name="Fees and fines"),
        lambda: SlaPolicy.objects.update(warning_percent=80),
        lambda: NotificationTemplate.objects.update(subject="Hello"),
    ]
    seen = {setup_revision()}
    for change in changes:
        change()
        seen.add(setup_revision())
    assert len(seen) == len(changes) + 1


def test_round_robin_moving_on_leaves_the_revision_alone(institution: Institution) -> None:
    agent = factories.agent()
    team = factories.team("Desk", auto_assignment=AutoAssignment.ROUND_ROBIN)
    before = setup_revision()

    Team.objects.filter(pk=team.pk).update(last_auto_assigned=agent)
    assert setup_revision() == before

    Team.objects.filter(pk=team.pk).update(auto_assignment=AutoAssignment.OFF)
    assert setup_revision() != before


def test_routing_follows_a_rule_changed_after_it_was_cached(institution: Institution) -> None:
    desk, fees = factories.team("Desk"), factories.team("Fees")
    rule = RoutingRule.objects.create(team=desk)
    assert _route_team(institution) == desk

    RoutingRule.objects.filter(pk=rule.pk).update(team=fees)
    assert _route_team(institution) == fees

    Team.objects.filter(pk=fees.pk).update(name="Fee consultants")
    routed = _route_team(institution)
    assert routed is not None
    assert routed.name == "Fee consultants"

    rule.delete()
    assert _route_team(institution) is None


def test_each_caller_gets_its_own_instance(institution: Institution) -> None:
    RoutingRule.objects.create(team=factories.team("Desk"))
    first, second = _route_team(institution), _route_team(institution)
    assert first is not None
    assert second is not None
    first.name = "changed by one request"
    assert second.name == "Desk"
    assert _route_team(institution) == second


def test_a_rebuilt_instance_loads_the_columns_it_was_not_given(institution: Institution) -> None:
    lead = factories.agent()
    team = factories.team("Desk", lead=lead)
    Team.objects.filter(pk=team.pk).update(last_auto_assigned=lead)

    kept = rebuilt(Team, {"id": team.pk, "name": "Desk"})

    assert kept.last_auto_assigned_id == lead.pk
    assert kept.lead == lead


def test_module_lookup_sees_a_module_switched_off(institution: Institution) -> None:
    module = module_by_code(institution, ModuleCode.FEES)
    assert module is not None
    assert module.is_active

    Module.objects.filter(pk=module.pk).update(is_active=False)

    refreshed = module_by_code(institution, ModuleCode.FEES)
    assert refreshed is not None
    assert not refreshed.is_active
    assert module_by_code(institution, "no-such-module") is None


def test_policy_targets_changed_after_caching_plan_the_next_ticket(
    requester: User, institution: Institution
) -> None:
    policy = governing_policy(institution.pk)
    assert policy is not None
    policy.targets.filter(priority=Priority.MEDIUM).update(
        first_response_minutes=60, business_hours=False
    )

    ticket = factories.ticket(requester, urgency="medium", impact="medium")

    assert ticket.priority == Priority.MEDIUM
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=60)


def test_an_edited_template_is_used_by_the_next_notice(requester: User) -> None:
    _compiled_template(NotificationEvent.TICKET_RECEIVED)
    NotificationTemplate.objects.filter(event=NotificationEvent.TICKET_RECEIVED).update(
        subject="Got it: {{ ticket.reference }}"
    )

    ticket = factories.ticket(requester)

    assert OutboxMessage.objects.get().subject == f"Got it: {ticket.reference}"
    subject, _ = _compiled_template(NotificationEvent.TICKET_RECEIVED)
    assert subject.render(Context({"ticket": ticket})) == f"Got it: {ticket.reference}"


def test_triggers_come_back_when_a_migration_dropped_them(institution: Institution) -> None:
    team = factories.team("Desk")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER tickets_routingrule_setup_insert")
        else:
            cursor.execute("DROP TRIGGER tickets_routingrule_setup ON tickets_routingrule")
    before = setup_revision()
    RoutingRule.objects.create(team=team)
    assert setup_revision() == before

    install_revision_triggers(connection)
    install_revision_triggers(connection)

    before = setup_revision()
    RoutingRule.objects.create(team=team)
    assert setup_revision() != before
    assert _trigger_count() == len(TRACKED) * (3 if connection.vendor == "sqlite" else 1)


def _trigger_count() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return sum("_setup" in name for (name,) in cursor.fetchall())


def test_a_business_calendar_follows_a_closure_added_outside_the_services(db: None) -> None:
    calendar = Calendar.objects.create(name="Office", time_zone="UTC")
    monday = date(2025, 3, 3)
    before = business_calendar(calendar, 2025, 2025)
    assert monday not in before.closed_dates

    ClosureDay.objects.create(calendar=calendar, date=monday, reason="Flood")

    assert monday in business_calendar(calendar, 2025, 2025).closed_dates


def test_every_app_tracks_its_own_setup_tables() -> None:
    assert set(TRACKED) == {
        "orgs_module",
        "orgs_team",
        "tickets_routingrule",
        "sla_slapolicy",
        "sla_slatarget",
        "sla_calendar",
        "sla_closureday",
        "notifications_notificationtemplate",
    }
    assert TRACKED["orgs_team"] == ("name", "slug", "tier", "lead_id", "auto_assignment")
