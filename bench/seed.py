"""A desk with N tickets, built fast enough to benchmark 100 000 of them.

The desk itself (institutions with their modules, people and their roles) is made
through the services, as production makes it; teams, routing rules and integrations
through the ORM because no service makes them yet.

Tickets and their timeline events **bypass the services** for speed: ``open_ticket``
runs one durable transaction per ticket (with routing, validation and the event), which
at 100 000 tickets would take longer than the benchmark itself. Here they are built in
memory, consistent with what the services would have written (priority from the ITIL
matrix, routed team and tier, lifecycle timestamps matching the status, a ``created``
event for each and a status change for each ticket that has moved), and inserted with
``bulk_create`` in batches inside one transaction. The full-text triggers still fire for
each row, so search sees every ticket. SLA clocks are left without a target, so the
server's job worker has nothing to sweep while it is measured (``bench.sla_sweep`` times
the sweep).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.test import override_settings

from bench.words import ticket_text
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.services import create_user
from hypercare.lib import clock
from hypercare.orgs.choices import IntegrationKind, ModuleCode, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team
from hypercare.orgs.services import create_institution
from hypercare.tickets.choices import (
    AffectedWorkflow,
    Category,
    Channel,
    EventKind,
    Level,
    Status,
    priority_for,
)
from hypercare.tickets.models import RoutingRule, Ticket, TicketEvent
from hypercare.tickets.titles import title_key

INSTITUTIONS = 12
REQUESTERS_PER_INSTITUTION = 25
AGENTS_PER_TEAM = 3
BATCH_SIZE = 2000
HISTORY_DAYS = 720
# Seeded people never sign in with a password, so the slow production hasher would only
# spend minutes of seeding on PBKDF2 rounds nobody checks.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "bench-password-never-used"  # noqa: S105 (benchmark people use tokens)

# name, tier, the modules routed to it.
TEAMS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("Service desk", Tier.SERVICE_DESK, (ModuleCode.LIBRARY, ModuleCode.REPORTS)),
    ("Finance consultants", Tier.FUNCTIONAL, (ModuleCode.FINANCE, ModuleCode.FEES)),
    ("Academic consultants", Tier.FUNCTIONAL, (ModuleCode.EXAMS, ModuleCode.ADMISSIONS)),
    ("People consultants", Tier.FUNCTIONAL, (ModuleCode.HR, ModuleCode.PAYROLL)),
    ("Campus services", Tier.FUNCTIONAL, (ModuleCode.HOSTEL, ModuleCode.TRANSPORT)),
    ("Learning systems", Tier.FUNCTIONAL, (ModuleCode.LMS, ModuleCode.ATTENDANCE)),
    ("Integration engineers", Tier.TECHNICAL, ()),
    ("Platform engineers", Tier.TECHNICAL, ()),
)

# Integrations and incidents often climb to the engineers instead of the module's team.
ESCALATION_TEAMS: dict[str, str] = {
    Category.INTEGRATION: "Integration engineers",
    Category.INCIDENT: "Platform engineers",
}
ESCALATION_SHARE = 0.4

# Most of a desk's history is closed; about a third is open.
STATUS_WEIGHTS: dict[str, int] = {
    Status.CLOSED: 55,
    Status.RESOLVED: 12,
    Status.NEW: 6,
    Status.TRIAGED: 6,
    Status.IN_PROGRESS: 11,
    Status.WAITING_ON_REQUESTER: 6,
    Status.WAITING_ON_THIRD_PARTY: 4,
}
LEVEL_WEIGHTS: dict[str, int] = {Level.HIGH: 2, Level.MEDIUM: 5, Level.LOW: 3}
CATEGORY_WEIGHTS: dict[str, int] = {
    Category.QUESTION: 30,
    Category.CONFIGURATION: 15,
    Category.DATA_CORRECTION: 12,
    Category.INTEGRATION: 10,
    Category.INCIDENT: 13,
    Category.ACCESS: 12,
    Category.ENHANCEMENT: 8,
}
CHANNELS = (Channel.PORTAL, Channel.PORTAL, Channel.EMAIL, Channel.PHONE, Channel.API)


@dataclass(frozen=True)
class InstitutionStaff:
    institution: Institution
    modules: dict[str, Module]
    requesters: list[User]
    key_user: User
    data_owner: User
    integrations: list[Integration]


@dataclass(frozen=True)
class Desk:
    institutions: list[InstitutionStaff]
    teams: list[Team]
    team_agents: dict[int, list[User]]
    module_teams: dict[str, Team]
    escalation_teams: dict[str, Team]

    @property
    def agents(self) -> list[User]:
        return [agent for agents in self.team_agents.values() for agent in agents]


@dataclass(frozen=True)
class SeedSummary:
    tickets: int
    events: int
    record_references: list[str]


def build_desk() -> Desk:
    """Institutions, people, teams and routing rules; everything but the tickets."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        institutions = [_institution(n) for n in range(1, INSTITUTIONS + 1)]
        teams, team_agents = _teams()
    module_teams = {
        code: team for team, (_, _, codes) in zip(teams, TEAMS, strict=True) for code in codes
    }
    RoutingRule.objects.bulk_create(
        RoutingRule(module_code=code, team=team, tier=team.tier)
        for code, team in module_teams.items()
    )
    by_name = {team.name: team for team in teams}
    escalation_teams = {category: by_name[name] for category, name in ESCALATION_TEAMS.items()}
    return Desk(institutions, teams, team_agents, module_teams, escalation_teams)


def _institution(n: int) -> InstitutionStaff:
    institution = create_institution(name=f"Bench University {n}", slug=f"bench-{n}")
    requesters = [
        _person(f"req{n}-{r}", Role.REQUESTER, institution=institution)
        for r in range(REQUESTERS_PER_INSTITUTION)
    ]
    integrations = [
        Integration.objects.create(institution=institution, kind=kind, name=f"{kind} gateway")
        for kind in (IntegrationKind.PAYMENT, IntegrationKind.SMS)
    ]
    return InstitutionStaff(
        institution=institution,
        modules={module.code: module for module in institution.modules.all()},
        requesters=requesters,
        key_user=_person(f"key{n}", Role.KEY_USER, institution=institution),
        data_owner=_person(f"owner{n}", Role.DATA_OWNER, institution=institution),
        integrations=integrations,
    )


def _teams() -> tuple[list[Team], dict[int, list[User]]]:
    teams: list[Team] = []
    team_agents: dict[int, list[User]] = {}
    agent_role = {Tier.SERVICE_DESK: Role.TIER1, Tier.FUNCTIONAL: Role.TIER2}
    for n, (name, tier, _) in enumerate(TEAMS, start=1):
        team = Team.objects.create(name=name, slug=f"bench-team-{n}", tier=tier)
        role = agent_role.get(Tier(tier), Role.TIER3)
        agents = [_person(f"agent{n}-{a}", role) for a in range(AGENTS_PER_TEAM)]
        team.members.set(agents)
        teams.append(team)
        team_agents[team.pk] = agents
    return teams, team_agents


def _person(username: str, role: str, institution: Institution | None = None) -> User:
    return create_user(
        username=username,
        email=f"{username}@bench.example.edu",
        password=PASSWORD,
        roles=[role],
        institution=institution,
    )


def seed_tickets(desk: Desk, count: int, *, seed: int = 2024) -> SeedSummary:
    """Insert ``count`` tickets spread over the last two years, oldest first, with events."""
    rng = random.Random(seed)
    now = clock.now()
    start = now - timedelta(days=HISTORY_DAYS)
    step = timedelta(days=HISTORY_DAYS) / max(count, 1)
    references: list[str] = []
    events = 0
    with transaction.atomic(durable=True):
        for first in range(0, count, BATCH_SIZE):
            size = min(BATCH_SIZE, count - first)
            drafts = [
                _draft_ticket(rng, desk, start + step * (first + n), now) for n in range(size)
            ]
            tickets = Ticket.objects.bulk_create(ticket for ticket, _ in drafts)
            references.extend(reference for _, reference in drafts[:: max(1, size // 20)])
            new_events = list(_events(rng, tickets, desk))
            TicketEvent.objects.bulk_create(new_events, batch_size=BATCH_SIZE)
            events += len(new_events)
    return SeedSummary(tickets=count, events=events, record_references=references)


def _draft_ticket(
    rng: random.Random, desk: Desk, at: datetime, now: datetime
) -> tuple[Ticket, str]:
    staff = rng.choice(desk.institutions)
    module_code = rng.choice(ModuleCode.values)
    category = _weighted(rng, CATEGORY_WEIGHTS)
    status = _weighted(rng, STATUS_WEIGHTS)
    impact, urgency = _weighted(rng, LEVEL_WEIGHTS), _weighted(rng, LEVEL_WEIGHTS)
    team = _team_for(rng, desk, module_code, category)
    requester = rng.choice(staff.requesters)
    text = ticket_text(rng, module_code)
    created_at = at + timedelta(seconds=rng.randint(0, 600))
    ticket = Ticket(
        institution=staff.institution,
        requester=requester,
        reported_by=staff.key_user if rng.random() < 0.15 else requester,
        module=staff.modules[module_code],
        category=category,
        category_details=_details(rng, category, staff, text.record_reference),
        title=text.title,
        # bulk_create skips Ticket.save(), which writes the key elsewhere.
        title_key=title_key(text.title),
        description=text.description,
        action_attempted=text.action_attempted,
        error_seen=text.error_seen,
        operational_impact=text.operational_impact,
        affected_workflow=rng.choice(AffectedWorkflow.values),
        urgency=urgency,
        impact=impact,
        priority=priority_for(impact=impact, urgency=urgency),
        channel=rng.choice(CHANNELS),
        status=status,
        tier=team.tier,
        team=team,
        assignee=None if status == Status.NEW else rng.choice(desk.team_agents[team.pk]),
        created_at=created_at,
    )
    _stamp_lifecycle(rng, ticket, now)
    return ticket, text.record_reference


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _team_for(rng: random.Random, desk: Desk, module_code: str, category: str) -> Team:
    if category in desk.escalation_teams and rng.random() < ESCALATION_SHARE:
        return desk.escalation_teams[category]
    return desk.module_teams[module_code]


def _stamp_lifecycle(rng: random.Random, ticket: Ticket, now: datetime) -> None:
    """Timestamps that agree with the status: responded, resolved, closed in order."""
    created = ticket.created_at
    ticket.updated_at = created
    if ticket.status == Status.NEW:
        return
    ticket.first_responded_at = min(created + timedelta(minutes=rng.randint(5, 600)), now)
    ticket.updated_at = ticket.first_responded_at
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        ticket.resolved_at = min(
            ticket.first_responded_at + timedelta(hours=rng.randint(1, 96)), now
        )
        ticket.updated_at = ticket.resolved_at
    if ticket.status == Status.CLOSED and ticket.resolved_at is not None:
        ticket.closed_at = min(ticket.resolved_at + timedelta(days=rng.randint(1, 7)), now)
        ticket.updated_at = ticket.closed_at


def _details(
    rng: random.Random, category: str, staff: InstitutionStaff, reference: str
) -> dict[str, object]:
    """Category answers of the shape ``validate_category_details`` would have stored."""
    if category == Category.QUESTION:
        return {"screen_or_report": "Fee collection summary"}
    if category == Category.CONFIGURATION:
        return {
            "area": rng.choice(["permissions", "workflow", "form", "alert", "report"]),
            "current_behaviour": "Approval goes to the registrar.",
            "wanted_behaviour": "Approval goes to the head of department first.",
        }
    if category == Category.DATA_CORRECTION:
        return {
            "records_affected": reference,
            "correction_wanted": "Correct the amount to match the bank statement.",
            "data_owner_id": staff.data_owner.pk,
        }
    if category == Category.INTEGRATION:
        return {
            "integration_id": rng.choice(staff.integrations).pk,
            "transaction_reference": reference,
        }
    if category == Category.ACCESS:
        return {"user": "clerk.accounts", "role": "Fee clerk", "action": "add"}
    if category == Category.INCIDENT:
        return {"since": "2024-01-15T09:30:00+00:00", "users_affected": rng.randint(1, 900)}
    return {"business_need": "A term-wise fee summary for the board.", "proposed_solution": ""}


def _events(rng: random.Random, tickets: list[Ticket], desk: Desk) -> Iterator[TicketEvent]:
    """A ``created`` event for each ticket, and the status change of each that moved."""
    for ticket in tickets:
        yield TicketEvent(
            ticket=ticket,
            kind=EventKind.CREATED,
            actor_id=ticket.reported_by_id,
            created_at=ticket.created_at,
            new_value=Status.NEW,
        )
        if ticket.status == Status.NEW or ticket.first_responded_at is None:
            continue
        actor = ticket.assignee or rng.choice(desk.agents)
        yield TicketEvent(
            ticket=ticket,
            kind=EventKind.STATUS_CHANGED,
            actor=actor,
            created_at=ticket.updated_at,
            old_value=Status.NEW,
            new_value=ticket.status,
        )
