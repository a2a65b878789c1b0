"""Loading the demo once into an empty installation.

People, institutions, SLA contracts with their calendars, saved replies and tickets go
through the services, like any other adapter's writes. Teams, module owners, integrations
and routing rules have no services yet (they are the desk's configuration, set in the
admin), so the loader creates those rows itself.
"""

import random
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from hypercare.accounts.models import User
from hypercare.accounts.services import create_user
from hypercare.demo import (
    access,
    adoption,
    cast,
    change_work,
    handover,
    history,
    ideas,
    integration_work,
    knowledge,
    outage,
    problems,
    service_levels,
    training,
)
from hypercare.demo.cast import DEMO_PASSWORD, InstitutionSpec, Person, TeamSpec
from hypercare.demo.corrections import correct_some_data
from hypercare.demo.history import Desk, Site
from hypercare.demo.links import link_some_tickets
from hypercare.lib import clock
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution, Integration, IntegrationContact, Team
from hypercare.orgs.services import create_institution
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    edit_note_item,
    edit_release_notes,
    plan_for_release,
    ship_release,
)
from hypercare.sla.policies import CalendarSettings, PolicySettings, create_calendar, create_policy
from hypercare.tickets.choices import OPEN_STATUSES, Priority
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.services.saved_replies import create_saved_reply

SEED = 20260907  # the first go-live: the same seed always tells the same stories
TICKET_COUNT = 300
NEXT_RELEASE_MANAGER = "meera.nair"
NEXT_RELEASE_TICKETS = 6
SHIPPED_RELEASE_AGE = timedelta(days=14)
SHIPPED_RELEASE_TICKETS_EACH = 2


class DemoRefused(Exception):
    """The database holds data that is not the demo; loading would mix the two."""


def demo_is_loaded() -> bool:
    """The admin account is created last, so its presence means a complete load."""
    slugs = [spec.slug for spec in cast.INSTITUTIONS]
    admin_exists = User.objects.filter(username=cast.ADMIN_USERNAME).exists()
    return admin_exists and Institution.objects.filter(slug__in=slugs).count() == len(slugs)


def load_demo(*, now: datetime | None = None) -> bool:
    """Load the demo unless it is already there; True when this call loaded it.

    Refuses a database holding anything else (real institutions, a half-finished demo):
    demo accounts with a published password do not belong next to real data.
    """
    if demo_is_loaded():
        return False
    if User.objects.exists() or Institution.objects.exists():
        raise DemoRefused(
            "The database already holds data that is not the complete demo; the demo only "
            "loads into an empty installation. Point HYPERCARE_DATA_DIR at a new folder."
        )
    at = now or clock.now()
    desk = _create_desk()
    sites = [_create_site(spec) for spec in cast.INSTITUTIONS]
    _create_contracts(sites)
    history.load_tickets(
        desk=desk,
        sites=sites,
        count=TICKET_COUNT,
        now=at,
        rng=random.Random(SEED),  # noqa: S311 (stories, not secrets)
    )
    with clock.frozen_at(at - SHIPPED_RELEASE_AGE):
        _ship_last_release(at - SHIPPED_RELEASE_AGE)
    with clock.frozen_at(at):
        release = _plan_next_release(at)
        manager = User.objects.get(username=NEXT_RELEASE_MANAGER)
        link_some_tickets(actor=manager)
        outage.declare_payment_outage(sites=sites, manager=manager, at=at)
        problems.record_known_problem()
        integration_work.trace_and_hand_off()
        ideas.gather_enhancements(manager=manager)
        training.flag_answered_questions()
        knowledge.publish_articles(
            institutions={site.spec.slug: site.institution for site in sites}
        )
        knowledge.use_articles(sites=sites)
        correct_some_data(actor=manager)
        change_work.raise_changes(at=at, release=release)
    access.record_access_requests(sites=sites, at=at)
    with clock.frozen_at(at):
        adoption.feed_module_usage(sites=sites, at=at)
        adoption.set_own_exit_gates(sites=sites)
        handover.write_handover_records(sites=sites)
    _set_demo_password()
    # The history is back-dated: its notifications were "sent" long ago, not now.
    OutboxMessage.objects.all().delete()
    _create_person(cast.ADMIN, domain=cast.SUPPORT_DOMAIN, password=DEMO_PASSWORD)
    return True


def _plan_next_release(at: datetime) -> Release:
    """The next ERP release, three weeks out, with the open low-priority fixes planned for it.

    Their "next release" resolution targets wait for it: shipping it (admin or API) meets them.
    """
    manager = User.objects.get(username=NEXT_RELEASE_MANAGER)
    release = create_release(
        actor=manager,
        version=f"{at.year}.{at.month:02d}.1",
        planned_date=(at + timedelta(days=21)).date(),
        notes="Fixes for reported issues; see each ticket's timeline.",
    )
    low_priority = Ticket.objects.filter(priority=Priority.LOW, status__in=OPEN_STATUSES).order_by(
        "pk"
    )[:NEXT_RELEASE_TICKETS]
    for ticket in low_priority:
        plan_for_release(ticket=ticket, actor=manager, release=release)
    return release


def _ship_last_release(at: datetime) -> None:
    """The release shipped two weeks ago, with notes: two fixes of each institution that
    were open then, the notes compiled and worded by the manager, then shipped (its
    announcement mails go with the rest of the back-dated outbox)."""
    manager = User.objects.get(username=NEXT_RELEASE_MANAGER)
    release = create_release(actor=manager, version=f"{at.year}.{at.month:02d}.0")
    open_then = Ticket.objects.filter(status__in=OPEN_STATUSES, created_at__lt=at).exclude(
        priority=Priority.LOW
    )
    for institution in Institution.objects.order_by("pk"):
        fixes = open_then.filter(institution=institution).order_by("pk")
        for ticket in fixes[:SHIPPED_RELEASE_TICKETS_EACH]:
            plan_for_release(ticket=ticket, actor=manager, release=release)
    compile_release_notes(release=release, actor=manager)
    edit_release_notes(
        release=release,
        actor=manager,
        notes="Maintenance release for the go-live: faster fee pages and the fixes below. "
        "No downtime; the update is applied overnight.",
    )
    first = ReleaseNoteItem.objects.filter(release=release).order_by("pk").first()
    if first is not None:
        edit_note_item(item=first, actor=manager, text=f"Fixed: {first.text}")
    ship_release(release=release, actor=manager)


def _set_demo_password() -> None:
    """Hash the shared password once: each hash takes a quarter of a second, by design.

    Accounts are created without a password, then all get the one hash in one update.
    """
    usernames = [account.username for account in cast.accounts()]
    User.objects.filter(username__in=usernames).update(password=make_password(DEMO_PASSWORD))


def _create_person(
    person: Person,
    *,
    domain: str,
    institution: Institution | None = None,
    password: str | None = None,
) -> User:
    return create_user(
        username=person.username,
        email=f"{person.username}@{domain}",
        password=password,
        roles=person.roles,
        institution=institution,
        first_name=person.first_name,
        last_name=person.last_name,
        erp_role=person.erp_role,
        work_area=person.work_area,
    )


def _create_desk() -> Desk:
    people = {
        person.username: _create_person(person, domain=cast.SUPPORT_DOMAIN)
        for person in cast.SUPPORT_PEOPLE
    }
    with transaction.atomic():
        teams = {spec.slug: _create_team(spec, people) for spec in cast.TEAMS}
        _create_routing_rules(teams)
    for spec in cast.TEAMS:
        _create_saved_replies(teams[spec.slug], lead=people[spec.lead])
    return Desk(
        service_desk=teams[cast.SERVICE_DESK.slug],
        engineering=teams[cast.ENGINEERING.slug],
        functional={
            module: teams[spec.slug] for spec in cast.FUNCTIONAL_TEAMS for module in spec.modules
        },
        members={
            team: _members(spec, people)
            for team, spec in zip(teams.values(), cast.TEAMS, strict=True)
        },
    )


def _members(spec: TeamSpec, people: dict[str, User]) -> list[User]:
    return [people[username] for username in (spec.lead, *spec.members)]


def _create_team(spec: TeamSpec, people: dict[str, User]) -> Team:
    team = Team.objects.create(
        name=spec.name, slug=spec.slug, tier=spec.tier, lead=people[spec.lead]
    )
    team.members.set(_members(spec, people))
    return team


def _create_saved_replies(team: Team, *, lead: User) -> None:
    """The team's lead writes its saved replies, as the workspace lets them."""
    for title, body in service_levels.SAVED_REPLIES[team.slug]:
        create_saved_reply(actor=lead, team=team, title=title, body=body)


def _create_contracts(sites: list[Site]) -> None:
    """Each institution's SLA policy, counting in its own office hours and holidays.

    Made before the history, so every demo ticket's due times come from its calendar.
    """
    manager = User.objects.get(username=NEXT_RELEASE_MANAGER)
    for site in sites:
        spec = service_levels.CALENDARS[site.spec.slug]
        calendar = create_calendar(
            actor=manager,
            settings=CalendarSettings(
                name=spec.name,
                time_zone=site.spec.time_zone,
                working_hours=spec.working_hours,
                holiday_country=spec.holiday_country,
                holiday_subdivision=spec.holiday_subdivision,
            ),
        )
        create_policy(
            actor=manager,
            settings=PolicySettings(
                name=f"{site.spec.name} contract",
                institution=site.institution,
                calendar=calendar,
                targets=service_levels.CONTRACT_TARGETS,
            ),
        )


def _create_routing_rules(teams: dict[str, Team]) -> None:
    """Intake at the service desk; module work to the functional teams; code to engineering.

    Rules that route no new tickets say whose queue a ticket moved up a tier reaches: a
    module's functional team at tier 2, engineering at tier 3.
    """
    service_desk = teams[cast.SERVICE_DESK.slug]
    engineering = teams[cast.ENGINEERING.slug]
    rules = [
        RoutingRule(position=100, team=service_desk, tier=service_desk.tier),
        RoutingRule(position=100, team=engineering, tier=engineering.tier, for_new_tickets=False),
    ]
    rules += [
        RoutingRule(position=30, category=category, team=engineering, tier=engineering.tier)
        for category in cast.ENGINEERING_CATEGORIES
    ]
    for spec in cast.FUNCTIONAL_TEAMS:
        team = teams[spec.slug]
        rules += [
            RoutingRule(
                position=20, module_code=module, category=category, team=team, tier=team.tier
            )
            for module in spec.modules
            for category in cast.FUNCTIONAL_CATEGORIES
        ]
        rules += [
            RoutingRule(
                position=50, module_code=module, team=team, tier=team.tier, for_new_tickets=False
            )
            for module in spec.modules
        ]
    RoutingRule.objects.bulk_create(rules)


def _create_site(spec: InstitutionSpec) -> Site:
    institution = create_institution(
        name=spec.name, slug=spec.slug, time_zone=spec.time_zone, go_live_date=spec.go_live_date
    )
    people = {
        person.persona: _create_person(person, domain=spec.domain, institution=institution)
        for person in spec.people
    }
    modules = {module.code: module for module in institution.modules.all()}
    with transaction.atomic():
        for person in spec.people:
            for code in person.owns:
                modules[code].owners.add(people[person.persona])
        integrations = {
            integration.kind: _create_integration(integration, institution, people)
            for integration in spec.integrations
        }
    return Site(
        spec=spec,
        institution=institution,
        people=people,
        modules=modules,
        integrations=integrations,
    )


def _create_integration(
    spec: cast.IntegrationSpec, institution: Institution, people: dict[str, User]
) -> Integration:
    """The provider's contact, and the institution's own integration contact beside it."""
    integration = Integration.objects.create(
        institution=institution, kind=spec.kind, name=spec.name, provider=spec.provider
    )
    own = people["integration"]
    IntegrationContact.objects.bulk_create(
        [
            IntegrationContact(
                integration=integration,
                name=spec.contact,
                email=spec.contact_email,
                phone=spec.contact_phone,
                organisation=spec.provider,
            ),
            IntegrationContact(
                integration=integration,
                name=own.display_name,
                email=own.email,
                organisation=institution.name,
                user=own,
            ),
        ]
    )
    return integration
