from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from hypercare.accounts.choices import INSTITUTION_ROLES, SUPPORT_ROLES, Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.demo import cast
from hypercare.demo.loader import DemoRefused, load_demo
from hypercare.lib import clock
from hypercare.orgs.choices import IntegrationKind, Phase, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team
from hypercare.tickets.category_details import validate_category_details
from hypercare.tickets.choices import Category, EventKind, Priority, Status
from hypercare.tickets.models import RoutingRule, Ticket, TicketEvent
from tests import factories


def test_demo_loads_institutions_people_teams_and_accounts(db: None) -> None:
    assert load_demo() is True

    institutions = Institution.objects.all()
    assert {i.time_zone for i in institutions} == {
        "Asia/Kolkata",
        "Europe/London",
        "America/Chicago",
    }
    assert all(i.phase == Phase.HYPERCARE and i.go_live_date.year == 2026 for i in institutions)
    assert not Module.objects.filter(owners=None).exists()
    for institution in institutions:
        kinds = set(institution.integrations.values_list("kind", flat=True))
        assert kinds == set(IntegrationKind.values)
    assert not Integration.objects.filter(contacts=None).exists()

    assert set(RoleGrant.objects.values_list("role", flat=True)) == set(Role.values)
    support_people = User.objects.filter(role_grants__role__in=SUPPORT_ROLES)
    assert not support_people.filter(institution__isnull=False).exists()
    institution_people = User.objects.filter(role_grants__role__in=INSTITUTION_ROLES)
    assert not institution_people.filter(institution__isnull=True).exists()

    assert set(Team.objects.values_list("tier", flat=True)) == {
        Tier.SERVICE_DESK,
        Tier.FUNCTIONAL,
        Tier.TECHNICAL,
    }
    assert not Team.objects.filter(lead=None).exists()
    assert RoutingRule.objects.filter(category="", module_code="").count() == 1

    for account in cast.accounts():
        assert authenticate(username=account.username, password=account.password) is not None
    admin = User.objects.get(username=cast.ADMIN_USERNAME)
    assert admin.is_superuser and admin.is_staff


def test_demo_tickets_cover_every_category_status_and_priority(db: None) -> None:
    now = clock.now()
    load_demo(now=now)

    tickets = Ticket.objects.select_related("institution")
    assert tickets.count() == 300
    assert set(tickets.values_list("category", flat=True)) == set(Category.values)
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    for ticket in tickets:
        stored = validate_category_details(
            category=ticket.category,
            details=ticket.category_details,
            institution=ticket.institution,
        )
        assert stored == ticket.category_details
    assert not tickets.filter(team=None).exists()
    assert not tickets.exclude(status=Status.NEW).filter(assignee=None).exists()

    events = TicketEvent.objects.all()
    assert events.filter(kind=EventKind.PUBLIC_REPLY).exists()
    assert events.filter(kind=EventKind.INTERNAL_NOTE).exists()
    assert events.filter(kind=EventKind.TIER_CHANGED).exists()
    oldest = tickets.order_by("created_at").first()
    assert oldest is not None and oldest.created_at >= now - timedelta(days=61)
    assert not events.filter(created_at__gt=now).exists()


def test_demo_command_runs_twice_without_changing_anything(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo")
    first = capsys.readouterr().out
    counts = (User.objects.count(), Ticket.objects.count(), TicketEvent.objects.count())

    call_command("demo")
    second = capsys.readouterr().out

    assert (User.objects.count(), Ticket.objects.count(), TicketEvent.objects.count()) == counts
    assert "Loaded the demo" in first
    assert "already loaded; nothing changed" in second
    for output in (first, second):
        assert "ananya.iyer" in output and "Sahyadri University" in output
        assert f"user admin / password {cast.DEMO_PASSWORD}" in output


def test_demo_refuses_a_database_holding_other_data(db: None) -> None:
    factories.institution("Northfield University", slug="northfield")

    with pytest.raises(DemoRefused):
        load_demo()

    assert not User.objects.exists()
