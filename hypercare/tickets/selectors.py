"""Read queries for tickets, always scoped by the access policy."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.functions import Coalesce, Concat, Least, Trim

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.placeholders import fill_placeholders
from hypercare.orgs.models import Team
from hypercare.sla.choices import ClockState
from hypercare.tags.selectors import tagged_with
from hypercare.tickets.choices import OPEN_STATUSES, PRIORITY_ORDER, EventKind
from hypercare.tickets.models import (
    PRESENCE_TTL,
    REFERENCE_PREFIX,
    REPLYING_TTL,
    Attachment,
    HandOver,
    PendingUpload,
    Presence,
    SavedReply,
    Ticket,
    TicketEvent,
)
from hypercare.tickets.search_index import POSTGRES_DOCUMENT

LIST_RELATED = ("institution", "module", "requester", "assignee", "team")
# One ticket is shown with who reported it and the release its fix ships in as well.
DETAIL_RELATED = (*LIST_RELATED, "reported_by", "release")

PRIORITY_RANK = Case(
    *[When(priority=priority, then=Value(rank)) for rank, priority in enumerate(PRIORITY_ORDER)],
    output_field=IntegerField(),
)


def _pressing_due(name: str) -> Case:
    """The clock's due time while it runs, or while it stands breached on an open ticket."""
    breached = Q(**{f"{name}_state": ClockState.BREACHED}, status__in=OPEN_STATUSES)
    return Case(
        When(Q(**{f"{name}_state": ClockState.RUNNING}) | breached, then=F(f"{name}_due_at"))
    )


# The earlier due time of the two clocks that press, NULL when neither does. A breached
# clock's due time is past, so ascending order puts breached tickets first, the most overdue
# first, then the running ones due soonest. SQLite's MIN() is NULL as soon as one argument
# is, so each side falls back on the other.
SLA_DUE = Least(
    Coalesce(_pressing_due("first_response"), _pressing_due("resolution")),
    Coalesce(_pressing_due("resolution"), _pressing_due("first_response")),
)

# What the sorts below order by, computed on every list.
LIST_ANNOTATIONS = {"priority_rank": PRIORITY_RANK, "sla_due": SLA_DUE}

# The sort orders a list may ask for; anything else is refused by the adapters.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "priority": ("priority_rank", "created_at", "pk"),
    # Breached first, most overdue first, then due soonest; tickets with no running clock
    # after all others.
    "due": (F("sla_due").asc(nulls_last=True), "priority_rank", "created_at", "pk"),
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
    "updated_at": ("updated_at", "pk"),
    "-updated_at": ("-updated_at", "-pk"),
}
DEFAULT_SORT = "priority"

ASSIGNEE_ME = "me"
ASSIGNEE_NONE = "none"

# How far the SLA filters reach: "breached" also holds running clocks already past their
# due time, which the next sweep will record; "warned" the clocks past their warning time
# and not yet due; "running" any ticket with a clock still counting.
SlaStanding = Literal["breached", "warned", "running"]
SLA_FILTERS: tuple[str, ...] = get_args(SlaStanding)


@dataclass(frozen=True)
class TicketFilters:
    """What a queue or list narrows on. Values are already validated by the adapter."""

    status: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    module: tuple[str, ...] = ()
    tier: tuple[int, ...] = ()
    institution: int | None = None
    team: int | None = None
    assignee: int | str | None = None
    text: str = ""
    requested_by_me: bool = False
    sla: str = ""
    due_within: int | None = None
    release: int | None = None
    # Which clock ``sla`` reads: "first_response" or "resolution"; either when empty.
    sla_clock: str = ""
    channel: tuple[str, ...] = ()
    # Moments a ticket was created, first responded to or resolved: from ``*_after``
    # (included) to ``*_before`` (left out), as the reports count them.
    created_after: datetime | None = None
    created_before: datetime | None = None
    responded_after: datetime | None = None
    responded_before: datetime | None = None
    resolved_after: datetime | None = None
    resolved_before: datetime | None = None
    # Named tickets only: the tickets of a recurring issue, as the reports link to them.
    ids: tuple[int, ...] = ()
    # Tag names: tickets carrying any of them (support staff only; see ``tagged_with``).
    tag: tuple[str, ...] = ()


# The moments the filters above can bound, by the ticket field that holds them.
MOMENTS = {"created": "created_at", "responded": "first_responded_at", "resolved": "resolved_at"}


def visible_tickets(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(access.ticket_scope(user))


def get_visible_ticket(user: User, pk: int) -> Ticket:
    """The ticket, or NotFound when it does not exist or ``user`` may not see it."""
    ticket = visible_tickets(user).select_related(*DETAIL_RELATED).filter(pk=pk).first()
    if ticket is None:
        raise NotFound("No such ticket.")
    return ticket


# A primary key as the API accepts it in a path: digits, no leading zero.
ID_PATTERN = re.compile(r"[1-9][0-9]{0,17}")


def parse_reference(text: str) -> int | None:
    """``HC-000123`` (any case, leading zeros optional) as a primary key."""
    match = re.fullmatch(rf"(?ai){REFERENCE_PREFIX}0*([1-9][0-9]{{0,17}})", text.strip())
    return int(match.group(1)) if match else None


def get_visible_ticket_by_ref(user: User, ticket_ref: str) -> Ticket:
    """A ticket by id or reference (``HC-000123``) as the API names it; NotFound if unseen."""
    pk = int(ticket_ref) if ID_PATTERN.fullmatch(ticket_ref) else parse_reference(ticket_ref)
    if pk is None:
        raise NotFound("No such ticket.")
    return get_visible_ticket(user, pk)


def named_tickets(user: User, field: str, references: Sequence[str]) -> list[Ticket]:
    """The tickets a request body names (by reference or id), each one ``user`` may see;
    every one it may not see is named in ``field``'s error, worded as for a ticket that
    does not exist."""
    found, unknown = [], []
    for reference in references:
        try:
            found.append(get_visible_ticket_by_ref(user, reference))
        except NotFound:
            unknown.append(reference)
    if unknown:
        raise ValidationFailed({field: f"no such ticket: {', '.join(unknown)}"})
    return found


def ticket_list(user: User, filters: TicketFilters, sort: str = DEFAULT_SORT) -> QuerySet[Ticket]:
    """The tickets ``user`` may see that match ``filters``, in ``sort`` order."""
    tickets = visible_tickets(user).filter(_filter_q(user, filters))
    if filters.text:
        tickets = tickets.filter(_search_q(filters.text))
    return tickets.select_related(*LIST_RELATED).annotate(**LIST_ANNOTATIONS).order_by(*SORTS[sort])


def ticket_page(tickets: QuerySet[Ticket], start: int, stop: int) -> QuerySet[Ticket]:
    """Rows ``start:stop`` of a ``ticket_list``, in its order, read by key.

    The page's keys are sorted on the ticket table alone; only those rows are then read
    with their related rows. Slicing the list instead makes SQLite join and carry every
    column of every match through the sort: at 100 000 tickets a team queue of 3 400 open
    tickets cost twice as much that way, a search matching 11 000 tickets more still.
    """
    keys = tickets.values("pk")[start:stop]
    return (
        Ticket.objects.filter(pk__in=keys)
        .select_related(*LIST_RELATED)
        .annotate(**LIST_ANNOTATIONS)
        .order_by(*tickets.query.order_by)
    )


def _filter_q(user: User, filters: TicketFilters) -> Q:
    q = Q()
    for field in ("status", "priority", "category", "tier", "channel"):
        values = getattr(filters, field)
        if values:
            q &= Q(**{f"{field}__in": values})
    if filters.module:
        q &= Q(module__code__in=filters.module)
    if filters.institution is not None:
        q &= Q(institution_id=filters.institution)
    if filters.team is not None:
        q &= Q(team_id=filters.team)
    if filters.release is not None:
        q &= Q(release_id=filters.release)
    if filters.ids:
        q &= Q(pk__in=filters.ids)
    if filters.tag:
        q &= tagged_with(user, filters.tag)
    if filters.requested_by_me:
        # "Mine" holds the tickets the user follows too (merged into from theirs), and the
        # data corrections they are named to sign off.
        q &= (
            Q(requester_id=user.pk)
            | Q(reported_by_id=user.pk)
            | access.followed_by(user)
            | access.signed_off_by(user)
        )
    if filters.assignee == ASSIGNEE_ME:
        q &= Q(assignee_id=user.pk)
    elif filters.assignee == ASSIGNEE_NONE:
        q &= Q(assignee__isnull=True)
    elif filters.assignee is not None:
        q &= Q(assignee_id=filters.assignee)
    if filters.sla or filters.due_within is not None:
        q &= _sla_q(filters)
    return q & _moments_q(filters)


def _moments_q(filters: TicketFilters) -> Q:
    q = Q()
    for moment, field in MOMENTS.items():
        after = getattr(filters, f"{moment}_after")
        before = getattr(filters, f"{moment}_before")
        if after is not None:
            q &= Q(**{f"{field}__gte": after})
        if before is not None:
            q &= Q(**{f"{field}__lt": before})
    return q


def _sla_q(filters: TicketFilters) -> Q:
    """Either clock in the asked-for standing, judged against the one clock's now."""
    at = clock.now()
    q = Q()
    clocks = (filters.sla_clock,) if filters.sla_clock else ("first_response", "resolution")
    if filters.sla:
        for name in clocks:
            q |= clock_q(name, filters.sla, at)
    if filters.due_within is not None:
        until = at + timedelta(minutes=filters.due_within)
        q &= clock_q("first_response", "due", until) | clock_q("resolution", "due", until)
    return q


def clock_q(name: str, standing: str, at: datetime) -> Q:
    """One clock ``breached``, ``met``, ``warned``, ``running``, or ``due`` (running, due by
    ``at``)."""
    running = Q(**{f"{name}_state": ClockState.RUNNING})
    if standing == "met":
        return Q(**{f"{name}_state": ClockState.MET})
    if standing == "breached":
        return Q(**{f"{name}_state": ClockState.BREACHED}) | clock_q(name, "due", at)
    if standing == "warned":
        return running & Q(**{f"{name}_warn_at__lte": at, f"{name}_due_at__gt": at})
    if standing == "due":
        return running & Q(**{f"{name}_due_at__lte": at})
    return running


def _search_q(text: str) -> Q:
    """Full-text match on title, description, error and action; or a reference."""
    by_reference = parse_reference(text)
    if by_reference is not None:
        return Q(pk=by_reference)
    words = re.findall(r"[^\W_]+", text)[:12]  # letters and digits, as both indexes split
    if not words:
        return Q()
    if connection.vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        matches = RawSQL(  # noqa: S611 (the words are passed as a parameter)
            f"SELECT id FROM tickets_ticket WHERE {POSTGRES_DOCUMENT} "  # noqa: S608 (constant)
            "@@ to_tsquery('simple', public.unaccent(%s))",
            [query],
        )
    else:
        query = " ".join(f'"{word}"*' for word in words)
        matches = RawSQL(
            "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s", [query]
        )
    return Q(pk__in=matches)


def timeline(user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's events ``user`` may read: internal ones only for support staff."""
    events: QuerySet[TicketEvent] = ticket.events.select_related("actor").prefetch_related(
        "attachments"
    )
    if access.can_see_internal(user):
        # Hand-over notes go with public tier changes but are written for the next tier;
        # the minutes a reply or note took are support's alone.
        events = events.select_related("handover").annotate(minutes_spent=F("time_entry__minutes"))
    else:
        events = events.filter(is_internal=False)
    # Assignment events name owners by username; the timeline shows people by name.
    named = events.annotate(old_person=_name_of("old_value"), new_person=_name_of("new_value"))
    return named.order_by("created_at", "pk")


def _name_of(username_field: str) -> Subquery:
    person = User.objects.filter(username=OuterRef(username_field)).annotate(
        name=Trim(Concat("first_name", Value(" "), "last_name"))
    )
    return Subquery(person.values("name")[:1])


@dataclass(frozen=True)
class PersonTime:
    name: str
    minutes: int


@dataclass(frozen=True)
class TicketTime:
    total: int
    by_person: list[PersonTime]


def time_on_ticket(user: User, ticket: Ticket) -> TicketTime | None:
    """The minutes entered on ``ticket``, in all and per person, for support staff; None
    for anyone else (institution users never see time)."""
    if not access.can_see_internal(user):
        return None
    rows = (
        ticket.time_entries.values("person__first_name", "person__last_name", "person__username")
        .annotate(minutes=Sum("minutes"))
        .order_by("-minutes", "person__username")
    )
    people = [
        PersonTime(
            f"{row['person__first_name']} {row['person__last_name']}".strip()
            or row["person__username"],
            row["minutes"],
        )
        for row in rows
    ]
    return TicketTime(sum(person.minutes for person in people), people)


def ticket_attachments(user: User, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = ticket.attachments.select_related("uploaded_by")
    if not access.can_see_internal(user):
        attachments = attachments.filter(is_internal=False)
    return attachments


def pending_uploads(user: User, *, session_key: str, ids: Iterable[int]) -> QuerySet[PendingUpload]:
    """Those of ``ids`` that are the user's own uploads from this session; others are
    not there for them."""
    scope = access.pending_upload_scope(user, session_key)
    return PendingUpload.objects.filter(scope, pk__in=list(ids))


def get_visible_attachment(user: User, pk: int) -> Attachment:
    """The attachment, or NotFound when its ticket or the file itself is hidden from ``user``."""
    attachments = Attachment.objects.filter(pk=pk, ticket__in=visible_tickets(user))
    if not access.can_see_internal(user):
        attachments = attachments.filter(is_internal=False)
    attachment = attachments.select_related("ticket").first()
    if attachment is None:
        raise NotFound("No such attachment.")
    return attachment


def get_attachment_file(user: User, pk: int) -> Attachment:
    """The attachment whose file ``user`` downloads: as ``get_visible_attachment``, and
    NotFound once retention removed the file (the row stays, a tombstone on the timeline)."""
    attachment = get_visible_attachment(user, pk)
    if attachment.removed_at is not None:
        raise NotFound(f"This file was removed by retention on {attachment.removed_at:%Y-%m-%d}.")
    return attachment


# The support side's work queues, each a standing narrowing of what the agent may see.
QUEUES: dict[str, str] = {
    "mine": "Mine",
    "team": "My teams",
    "unassigned": "Unassigned",
    "all": "All",
}


def _queue_q(user: User, name: str) -> Q:
    if name == "mine":
        return Q(assignee_id=user.pk)
    if name == "team":
        return Q(team_id__in=Team.objects.filter(access.worked_teams(user)).values("pk"))
    if name == "unassigned":
        return Q(assignee__isnull=True)
    return Q()


def _open_unless_asked(filters: TicketFilters) -> Q:
    return Q() if filters.status else Q(status__in=OPEN_STATUSES)


def queue(
    user: User, name: str, filters: TicketFilters, sort: str = DEFAULT_SORT
) -> QuerySet[Ticket]:
    """One of ``QUEUES``: open tickets unless the filters ask for particular statuses."""
    return ticket_list(user, filters, sort).filter(
        _queue_q(user, name), _open_unless_asked(filters)
    )


def queue_q(user: User, name: str, filters: TicketFilters) -> Q:
    """What ``queue`` narrows the visible tickets to, as one filter: several queues (the
    saved views' tabs) are counted by one query."""
    q = _filter_q(user, filters) & _queue_q(user, name) & _open_unless_asked(filters)
    return q & _search_q(filters.text) if filters.text else q


def queue_counts(user: User) -> dict[str, int]:
    """How many open tickets each of ``QUEUES`` holds for ``user``, in one query."""
    open_tickets = visible_tickets(user).filter(status__in=OPEN_STATUSES)
    counts = open_tickets.aggregate(
        **{name: Count("pk", filter=_queue_q(user, name)) for name in QUEUES}
    )
    return {name: int(counts[name]) for name in QUEUES}


def default_queue(user: User) -> str:
    """Where ``user`` lands: their own work, or for desk managers, who own none, their teams'."""
    return "team" if access.can_manage_desk(user) else "mine"


@dataclass(frozen=True)
class TeamCount:
    """One of the user's teams and how its open work stands."""

    team: Team
    open: int
    unassigned: int
    breached: int


def team_counts(user: User) -> list[TeamCount]:
    """Each team whose queue is ``user``'s, by name, with its open tickets ``user`` may see:
    how many, how many wait for an owner, how many are past an SLA target."""
    at = clock.now()
    breached = clock_q("first_response", "breached", at) | clock_q("resolution", "breached", at)
    worked = Team.objects.filter(access.worked_teams(user)).distinct().order_by("name")
    rows = (
        visible_tickets(user)
        .filter(status__in=OPEN_STATUSES, team_id__in=worked.values("pk"))
        .values("team_id")
        .annotate(
            open=Count("pk"),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            breached=Count("pk", filter=breached),
        )
    )
    by_team = {row["team_id"]: row for row in rows}
    empty = {"open": 0, "unassigned": 0, "breached": 0}
    return [
        TeamCount(
            team=team,
            open=by_team.get(team.pk, empty)["open"],
            unassigned=by_team.get(team.pk, empty)["unassigned"],
            breached=by_team.get(team.pk, empty)["breached"],
        )
        for team in worked
    ]


def visible_tickets_among(user: User, pks: list[int]) -> list[Ticket]:
    """The tickets of ``pks`` ``user`` may see; NotFound when any of them is hidden or gone."""
    tickets = list(visible_tickets(user).filter(pk__in=pks).select_related(*LIST_RELATED))
    if len(tickets) != len(set(pks)):
        raise NotFound("Some of these tickets do not exist.")
    return tickets


def usable_saved_replies(user: User) -> QuerySet[SavedReply]:
    return SavedReply.objects.filter(access.saved_reply_scope(user)).select_related("team")


def get_usable_saved_reply(user: User, pk: int) -> SavedReply:
    reply = usable_saved_replies(user).filter(pk=pk).first()
    if reply is None:
        raise NotFound("No such saved reply.")
    return reply


def saved_reply_placeholders(user: User, ticket: Ticket) -> dict[str, str]:
    """The values a saved reply's ``{{name}}`` placeholders take on ``ticket``."""
    return {
        "requester_name": ticket.requester.display_name,
        "reference": ticket.reference,
        "title": ticket.title,
        "institution": ticket.institution.name,
        "module": ticket.module.name,
        "agent_name": user.display_name,
    }


def saved_reply_text(user: User, reply: SavedReply, ticket: Ticket) -> str:
    """The saved reply as it reads on ``ticket``, ready for the agent to edit and send."""
    return fill_placeholders(reply.body, saved_reply_placeholders(user, ticket))


@dataclass(frozen=True)
class Ownership:
    """One stretch of time a person owned a ticket; ``until`` is empty for the owner now."""

    owner: User
    since: datetime
    until: datetime | None
    assigned_by: User | None
    reason: str


def ownership_history(ticket: Ticket) -> list[Ownership]:
    """Who owned ``ticket`` and when, oldest first, from its assignment events.

    Assignment events are public, so whoever may see the ticket may see this. Events
    name owners by username; the people are read in one query.
    """
    changes = list(
        ticket.events.filter(kind=EventKind.ASSIGNED)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    people = User.objects.filter(username__in={event.new_value for event in changes})
    by_username = {person.username: person for person in people}
    stretches: list[Ownership] = []
    for event in changes:
        if stretches and stretches[-1].until is None:
            last = stretches[-1]
            stretches[-1] = Ownership(
                last.owner, last.since, event.created_at, last.assigned_by, last.reason
            )
        owner = by_username.get(event.new_value)
        if owner is not None:
            stretches.append(Ownership(owner, event.created_at, None, event.actor, event.reason))
    return stretches


def previous_owner(history: list[Ownership]) -> Ownership | None:
    """The last owner before the current one (or before the ticket went back to a queue)."""
    current = history[-1] if history and history[-1].until is None else None
    for stretch in reversed(history):
        if stretch is not current and (current is None or stretch.owner != current.owner):
            return stretch
    return None


def handovers(user: User, ticket: Ticket) -> QuerySet[HandOver]:
    """The hand-over notes of the ticket's moves up a tier: for support staff only."""
    if not access.can_see_internal(user):
        return HandOver.objects.none()
    return (
        HandOver.objects.filter(event__ticket=ticket)
        .select_related("event__actor")
        .order_by("event__created_at", "event__pk")
    )


@dataclass(frozen=True)
class Present:
    """Someone else with the ticket open, and whether they are writing a reply."""

    person: User
    replying: bool


def others_present(user: User, ticket: Ticket) -> list[Present]:
    """The other staff members with ``ticket`` open now, by name; nobody for anyone who
    is not support staff (``access.can_see_presence``)."""
    if not access.can_see_presence(user):
        return []
    at = clock.now()
    rows = (
        Presence.objects.filter(ticket=ticket, seen_at__gte=at - PRESENCE_TTL)
        .exclude(user_id=user.pk)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    return [
        Present(
            row.user,
            row.replying_at is not None and row.replying_at >= at - REPLYING_TTL,
        )
        for row in rows
    ]
