"""The demo's tickets: when each was opened, where it ended up, and the timeline between.

Every ticket is planned first (text, institution, opening time, the status it reaches),
then told through the ticket services with the clock set to each step's moment, so the
timelines obey the same lifecycle, access and routing rules as real tickets.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypercare.accounts.models import User
from hypercare.demo import change_requests, faults, service_requests, texts
from hypercare.demo.cast import InstitutionSpec
from hypercare.demo.texts import OWNER, TicketText
from hypercare.lib import clock
from hypercare.orgs.choices import IntegrationKind, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team
from hypercare.tickets.choices import Category, Channel, Priority, Status, priority_for
from hypercare.tickets.models import Ticket
from hypercare.tickets.services import conversation, intake, workflow
from hypercare.tickets.services.handover import HandOverNote

HORIZON_DAYS = 60
# How many of each kind an ERP desk sees in hypercare: mostly questions and access.
CATALOGUE: tuple[tuple[tuple[TicketText, ...], int], ...] = (
    (service_requests.QUESTIONS, 22),
    (service_requests.CONFIGURATIONS, 13),
    (faults.DATA_CORRECTIONS, 14),
    (faults.INTEGRATION_FAILURES, 15),
    (faults.INCIDENTS, 10),
    (change_requests.ACCESS_REQUESTS, 15),
    (change_requests.ENHANCEMENTS, 11),
)
# Where tickets of a given age (in days, upper bound) usually are by now.
STATUS_BY_AGE: tuple[tuple[float, dict[Status, int]], ...] = (
    (3, {Status.NEW: 45, Status.TRIAGED: 30, Status.IN_PROGRESS: 15,
         Status.WAITING_ON_REQUESTER: 7, Status.WAITING_ON_THIRD_PARTY: 3}),
    (10, {Status.NEW: 15, Status.TRIAGED: 20, Status.IN_PROGRESS: 25,
          Status.WAITING_ON_REQUESTER: 15, Status.WAITING_ON_THIRD_PARTY: 10,
          Status.RESOLVED: 12, Status.CLOSED: 3}),
    (25, {Status.NEW: 3, Status.TRIAGED: 5, Status.IN_PROGRESS: 15,
          Status.WAITING_ON_REQUESTER: 12, Status.WAITING_ON_THIRD_PARTY: 8,
          Status.RESOLVED: 27, Status.CLOSED: 30}),
    (HORIZON_DAYS, {Status.IN_PROGRESS: 4, Status.WAITING_ON_REQUESTER: 3,
                    Status.WAITING_ON_THIRD_PARTY: 2, Status.RESOLVED: 8, Status.CLOSED: 83}),
)  # fmt: skip
# Only these wait on someone outside the desk and the institution.
THIRD_PARTY_CATEGORIES = (Category.INTEGRATION, Category.INCIDENT, Category.ENHANCEMENT)
# How long a ticket of each priority takes from opening to resolution, roughly.
WORK_SPAN = {
    Priority.CRITICAL: timedelta(hours=5),
    Priority.HIGH: timedelta(days=1),
    Priority.MEDIUM: timedelta(days=3),
    Priority.LOW: timedelta(days=8),
}
STEPS_PER_TICKET = 9
# Offices are shut at weekends: Saturday's tickets come in on Friday, Sunday's on Monday.
WEEKEND_SHIFT = {5: -1, 6: 1}


@dataclass(frozen=True)
class Desk:
    """The support side as loaded: teams, who is in them, who takes which module."""

    service_desk: Team
    engineering: Team
    functional: dict[str, Team]
    members: dict[Team, list[User]]


@dataclass(frozen=True)
class Site:
    """One institution as loaded, with its people by persona."""

    spec: InstitutionSpec
    institution: Institution
    people: dict[str, User]
    modules: dict[str, Module]
    integrations: dict[IntegrationKind, Integration]

    def requester_for(self, text: TicketText) -> User:
        if text.persona == OWNER:
            return self.people[self.spec.owner_of(text.module).persona]
        return self.people[text.persona]


@dataclass(frozen=True)
class Plan:
    """One ticket to tell: what it says, where and when, and how far it has got."""

    site: Site
    text: TicketText
    opened_at: datetime
    status: Status
    channel: Channel
    via_key_user: bool
    values: dict[str, str]


def load_tickets(
    *, desk: Desk, sites: list[Site], count: int, now: datetime, rng: random.Random
) -> None:
    plans = sorted((_plan(sites, now, rng) for _ in range(count)), key=lambda p: p.opened_at)
    for plan in plans:
        _Story(plan, desk, now, rng).tell()


def _plan(sites: list[Site], now: datetime, rng: random.Random) -> Plan:
    site = rng.choice(sites)
    group = rng.choices([g for g, _ in CATALOGUE], weights=[w for _, w in CATALOGUE])[0]
    text = rng.choice(group)
    age = timedelta(days=HORIZON_DAYS * rng.random())
    opened_at = _working_hours(now - age, site, now, rng)
    status = _status_for(age, text, rng)
    channel, via_key_user = _channel(text, rng)
    return Plan(
        site, text, opened_at, status, channel, via_key_user, _values(site, text, opened_at, rng)
    )


def _working_hours(day: datetime, site: Site, now: datetime, rng: random.Random) -> datetime:
    """A weekday moment between 8:00 and 18:00 at the institution, never in the future."""
    local = day.astimezone(ZoneInfo(site.spec.time_zone))
    moment = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
    moment += timedelta(days=WEEKEND_SHIFT.get(moment.weekday(), 0))
    just_before = now - timedelta(minutes=rng.randint(5, 90))
    return min(moment, just_before)


def _status_for(age: timedelta, text: TicketText, rng: random.Random) -> Status:
    weights = next(table for limit, table in STATUS_BY_AGE if age.days < limit)
    status = rng.choices(list(weights), weights=list(weights.values()))[0]
    if status == Status.WAITING_ON_THIRD_PARTY and text.category not in THIRD_PARTY_CATEGORIES:
        return Status.WAITING_ON_REQUESTER
    return status


def _channel(text: TicketText, rng: random.Random) -> tuple[Channel, bool]:
    roll = rng.random()
    if text.category == Category.INTEGRATION and roll < 0.25:
        return Channel.API, False
    if roll < 0.6:
        return Channel.PORTAL, False
    if roll < 0.75:
        return Channel.EMAIL, False
    if roll < 0.88:
        return Channel.PHONE, False
    return Channel.PORTAL, True


def _values(
    site: Site, text: TicketText, opened_at: datetime, rng: random.Random
) -> dict[str, str]:
    """What the placeholders of this ticket's texts stand for."""
    flavour = site.spec.flavour
    local = opened_at.astimezone(ZoneInfo(site.spec.time_zone))
    integration = site.integrations[text.integration] if text.integration else None
    return {
        "institution": site.spec.name,
        "currency": flavour.currency,
        "amount": f"{rng.choice(flavour.amounts):,}",
        "term": rng.choice(flavour.terms),
        "programme": rng.choice(flavour.programmes),
        "department": rng.choice(flavour.departments),
        "exam": rng.choice(flavour.exams),
        "campus": rng.choice(flavour.campuses),
        "course": rng.choice(flavour.courses),
        "newcomer": rng.choice(flavour.newcomers),
        "student_id": flavour.student_id.format(n=rng.randint(1, 9999)),
        "staff_id": flavour.staff_id.format(n=rng.randint(1, 999)),
        "receipt": flavour.receipt.format(n=rng.randint(1000, 99999)),
        "count": str(rng.randint(3, 48)),
        "txn": f"{rng.getrandbits(48):012x}",
        "month": local.strftime("%B %Y"),
        "date": (local - timedelta(days=1)).strftime("%d %b %Y"),
        "provider": integration.provider if integration else "the hosting provider",
        "module": site.modules[text.module].name,
    }


class _Story:
    """Tells one planned ticket through the services, one moment after another."""

    def __init__(self, plan: Plan, desk: Desk, now: datetime, rng: random.Random) -> None:
        self.plan = plan
        self.desk = desk
        self.rng = rng
        self.requester = plan.site.requester_for(plan.text)
        self.moments = self._moments(now)
        self.clarification = rng.choice(texts.CLARIFICATIONS[plan.text.category])
        self.ticket: Ticket

    def say(self, line: str, **extra: str) -> str:
        return line.format(first_name=self.requester.first_name, **self.plan.values, **extra)

    def pick(self, lines: tuple[str, ...], **extra: str) -> str:
        return self.say(self.rng.choice(lines), **extra)

    def _moments(self, now: datetime) -> Iterator[datetime]:
        """Step times after opening, spread over the ticket's usual span, never in the future."""
        opened = self.plan.opened_at
        span = min(WORK_SPAN[_priority(self.plan.text)], (now - opened) * 0.9)
        at = opened
        while True:
            at = min(at + span / STEPS_PER_TICKET * self.rng.uniform(0.4, 1.6), now)
            yield at

    def tell(self) -> None:
        target = self.plan.status
        self.open()
        if target == Status.NEW:
            return
        agent = self.rng.choice(self.desk.members[self._team()])
        self.status(agent, Status.TRIAGED)
        # An acknowledgement is not yet the work: the ticket stays Triaged with it.
        self.reply(agent, self.pick(texts.ACKNOWLEDGEMENTS), status=Status.TRIAGED)
        self.maybe_reprioritise(agent)
        if target == Status.TRIAGED:
            return
        agent = self.maybe_escalate(agent)
        self.status(agent, Status.IN_PROGRESS)
        if self.rng.random() < 0.5:
            self.note(agent, self.pick(texts.INTERNAL_NOTES[self.plan.text.category]))
        if target in (Status.WAITING_ON_REQUESTER, Status.WAITING_ON_THIRD_PARTY):
            self.wait(agent, target)
        elif target in (Status.RESOLVED, Status.CLOSED):
            self.resolve(agent, close=target == Status.CLOSED)

    def open(self) -> None:
        plan, site = self.plan, self.plan.site
        actor = self.requester
        if plan.channel == Channel.PHONE:
            actor = self.rng.choice(self.desk.members[self.desk.service_desk])
        elif plan.via_key_user:
            actor = site.people["key_user"]
        with clock.frozen_at(plan.opened_at):
            self.ticket = intake.open_ticket(
                actor=actor,
                institution=site.institution,
                requester=self.requester,
                module=site.modules[plan.text.module],
                category=plan.text.category,
                title=self.say(plan.text.title),
                description=self.say(plan.text.description),
                action_attempted=self.say(plan.text.action_attempted),
                error_seen=self.say(plan.text.error_seen),
                affected_workflow=plan.text.workflow,
                operational_impact=self.say(plan.text.operational_impact),
                urgency=plan.text.urgency,
                impact=plan.text.impact,
                channel=plan.channel,
                category_details=self._details(),
            )

    def _details(self) -> dict[str, Any]:
        text, site = self.plan.text, self.plan.site
        details: dict[str, Any] = {
            key: self.say(value) if isinstance(value, str) else value
            for key, value in text.details.items()
        }
        if text.category == Category.DATA_CORRECTION:
            details["data_owner_id"] = site.people["data_owner"].pk
        elif text.category == Category.INTEGRATION and text.integration:
            details["integration_id"] = site.integrations[text.integration].pk
        elif text.category == Category.INCIDENT:
            started = self.plan.opened_at - timedelta(minutes=self.rng.randint(10, 120))
            details["since"] = started.isoformat()
        return details

    def _team(self) -> Team:
        return self.ticket.team or self.desk.service_desk

    def status(self, actor: User, status: Status, reason: str = "") -> None:
        with clock.frozen_at(next(self.moments)):
            self.ticket = workflow.change_status(
                ticket=self.ticket, actor=actor, status=status, reason=reason
            )

    def reply(self, actor: User, body: str, status: Status | None = None) -> None:
        with clock.frozen_at(next(self.moments)):
            conversation.add_public_reply(
                ticket=self.ticket, actor=actor, body=body, status=status or ""
            )

    def note(self, actor: User, body: str) -> None:
        with clock.frozen_at(next(self.moments)):
            conversation.add_internal_note(ticket=self.ticket, actor=actor, body=body)

    def maybe_reprioritise(self, agent: User) -> None:
        if self.rng.random() >= 0.1:
            return
        if self.ticket.priority in (Priority.MEDIUM, Priority.LOW):
            priority, reason = Priority.HIGH, self.pick(texts.PRIORITY_UP)
        elif self.ticket.priority == Priority.HIGH:
            priority, reason = Priority.MEDIUM, self.pick(texts.PRIORITY_DOWN)
        else:
            return
        with clock.frozen_at(next(self.moments)):
            self.ticket = workflow.change_priority(
                ticket=self.ticket, actor=agent, priority=priority, reason=reason
            )

    def maybe_escalate(self, agent: User) -> User:
        """Hand the ticket up a tier now and then: the new team's member takes it over."""
        roll = self.rng.random()
        team = self._team()
        if team == self.desk.service_desk and roll < 0.35:
            agent = self.escalate(
                agent, Tier.FUNCTIONAL, self.desk.functional[self.plan.text.module]
            )
            roll = self.rng.random() * 2
        if self.ticket.team != self.desk.engineering and roll < 0.12:
            agent = self.escalate(agent, Tier.TECHNICAL, self.desk.engineering)
        return agent

    def escalate(self, agent: User, tier: Tier, team: Team) -> User:
        lines = (
            texts.HANDOVER_TO_ENGINEERING
            if tier == Tier.TECHNICAL
            else texts.HANDOVER_TO_FUNCTIONAL
        )
        tried = (
            texts.HANDOVER_TRIED_AT_FUNCTIONAL
            if tier == Tier.TECHNICAL
            else texts.HANDOVER_TRIED_AT_SERVICE_DESK
        )
        handover = HandOverNote(
            tried=self.pick(tried, team=team.name),
            findings=self.pick(lines, team=team.name),
            needed=self.pick(texts.HANDOVER_NEEDED, team=team.name),
        )
        with clock.frozen_at(next(self.moments)):
            self.ticket = workflow.change_tier(
                ticket=self.ticket, actor=agent, tier=tier, handover=handover, team=team
            )
        successor = self.rng.choice(self.desk.members[team])
        with clock.frozen_at(next(self.moments)):
            self.ticket = workflow.assign_ticket(
                ticket=self.ticket,
                actor=agent,
                assignee=successor,
                reason=f"Handed over to {team.name}.",
            )
        return successor

    def wait(self, agent: User, target: Status) -> None:
        if target == Status.WAITING_ON_THIRD_PARTY:
            self.note(agent, self.pick(texts.THIRD_PARTY_NOTES))
            self.reply(agent, self.pick(texts.THIRD_PARTY_REPLIES))
        else:
            self.reply(agent, self.say(self.clarification[0]))
        self.status(agent, target)

    def resolve(self, agent: User, *, close: bool) -> None:
        if self.rng.random() < 0.3:
            self.wait(agent, Status.WAITING_ON_REQUESTER)
            self.reply(self.requester, self.say(self.clarification[1]))
        self.reply(agent, self.say(self.plan.text.resolution))
        self.status(agent, Status.RESOLVED)
        if close:
            self.status(self.requester, Status.CLOSED, self.pick(texts.CONFIRMATIONS))


def _priority(text: TicketText) -> Priority:
    return Priority(priority_for(impact=text.impact, urgency=text.urgency))
