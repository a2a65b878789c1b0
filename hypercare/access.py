"""The one access policy: who may see and do what.

Selectors build their querysets from the ``*_scope`` functions here, so what a user may
see is decided in one place and is part of every fetch. Services ask the ``can_*``
predicates before they write. A record outside a user's scope does not exist for them
(404); a visible record they may not change answers 403.
"""

from django.db.models import F, Q, QuerySet

from hypercare.access_requests.models import AccessRequest
from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.changes.choices import ApproverRole
from hypercare.changes.models import ChangeRequest
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article, ArticleAudience, TrainingNoteDelivery
from hypercare.orgs.choices import Tier
from hypercare.orgs.models import Institution, Module, Team
from hypercare.reports.models import ReviewPack
from hypercare.surveys.models import Survey
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Participant, SavedView, Ticket

# Support roles that work tickets; escalation and support managers and admins too.
AGENT_ROLES = (
    Role.TIER1,
    Role.TIER2,
    Role.TIER3,
    Role.ESCALATION_MANAGER,
    Role.SUPPORT_MANAGER,
    Role.ADMIN,
)
INSTITUTION_WIDE_ROLES = (Role.KEY_USER, Role.INSTITUTION_ADMIN)
MANAGER_ROLES = (Role.SUPPORT_MANAGER, Role.ADMIN)
NOTHING = Q(pk__in=[])


def is_agent(user: User) -> bool:
    return user.is_active and user.is_support_staff and user.has_role(*AGENT_ROLES)


def ticket_scope(user: User) -> Q:
    """The tickets ``user`` may see, as a filter on Ticket."""
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    if user.institution_id is None:
        return NOTHING
    if user.has_role(*INSTITUTION_WIDE_ROLES):
        return Q(institution_id=user.institution_id)
    own = Q(institution_id=user.institution_id) & (
        Q(requester_id=user.pk) | Q(reported_by_id=user.pk) | followed_by(user)
    )
    if user.has_role(Role.MODULE_OWNER):
        owned_modules = Module.objects.filter(
            institution_id=user.institution_id, owners=user
        ).values("pk")
        own |= Q(module_id__in=owned_modules)
    if user.has_role(Role.DATA_OWNER):
        own |= signed_off_by(user)
    return own


def followed_by(user: User) -> Q:
    """The tickets ``user`` is a participant of, as a filter on Ticket. A subquery, not a
    join: joining the participants would repeat a ticket once per participant."""
    return Q(pk__in=Participant.objects.filter(user_id=user.pk).values("ticket_id"))


def signed_off_by(user: User) -> Q:
    """The data corrections naming ``user`` as their data owner, as a filter on Ticket:
    they sign off the correction, so they read the ticket and its correction record.
    Only their own institution's: a person moved to another institution signs off
    nothing of the one they left. ``workflows.follows`` as a filter: a ticket
    recategorised away, or naming another data owner since, is no longer theirs to read."""
    return Q(
        institution_id=user.institution_id,
        category=Category.DATA_CORRECTION,
        category_details__data_owner_id=user.pk,
    )


def pending_upload_scope(user: User, session_key: str) -> Q:
    """The pending uploads ``user`` may use, as a filter on PendingUpload: their own, and
    only in the session that uploaded them (a shared computer's next user sees none)."""
    if not user.is_active or not session_key:
        return NOTHING
    return Q(owner_id=user.pk, session_key=session_key)


def institution_scope(user: User) -> Q:
    """The institutions ``user`` may see, as a filter on Institution."""
    return _of_own_institution(user, "pk")


def _of_own_institution(user: User, field: str) -> Q:
    """Everything for support staff; for an institution's people, the records whose
    ``field`` is their institution; nothing for anyone else."""
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    if user.institution_id is None:
        return NOTHING
    return Q(**{field: user.institution_id})


def can_see_internal(user: User) -> bool:
    """Internal notes and internal attachments are for support staff only."""
    return is_agent(user)


def can_open_ticket(user: User, *, institution: Institution, requester: User) -> bool:
    """Agents open tickets for anyone; key users for colleagues; others for themselves."""
    if not user.is_active:
        return False
    if requester.institution_id != institution.pk or not requester.is_active:
        return False
    if is_agent(user):
        return True
    if user.institution_id != institution.pk:
        return False
    return requester.pk == user.pk or user.has_role(*INSTITUTION_WIDE_ROLES)


def refused_intake_fields(user: User, fields: set[str]) -> set[str]:
    """Which of the intake ``fields`` this user may not set when opening a ticket.

    Institution users always report for their own institution, and through the channel
    they use (the portal, the API); only key users and institution admins may name
    another requester. Support staff record a ticket they log from a call or a mail.
    """
    if is_agent(user):
        return set()
    refused = {"institution_id", "channel"}
    if not user.has_role(*INSTITUTION_WIDE_ROLES):
        refused.add("requester_id")
    return refused & fields


def can_see_ticket(user: User, ticket: Ticket) -> bool:
    """The same rule as ``ticket_scope``, asked of one ticket a service was handed.

    A person's own ticket (they asked for it or reported it, in their institution) is in
    every scope ``ticket_scope`` gives an institution's people, so it is answered without
    asking the database: most replies, by mail above all, come from the requester."""
    if is_agent(user):
        return True
    if _own_ticket(user, ticket):
        return True
    return Ticket.objects.filter(ticket_scope(user), pk=ticket.pk).exists()


def _own_ticket(user: User, ticket: Ticket) -> bool:
    return (
        user.is_active
        and user.institution_id is not None
        and ticket.institution_id == user.institution_id
        and user.pk in (ticket.requester_id, ticket.reported_by_id)
    )


def can_report_for_colleagues(user: User) -> bool:
    """Key users and institution admins report on behalf of the people they help."""
    return user.is_active and user.has_role(*INSTITUTION_WIDE_ROLES)


def sees_colleagues_tickets(user: User) -> bool:
    """Key users, institution admins and module owners see more than their own tickets."""
    return user.is_active and user.has_role(*INSTITUTION_WIDE_ROLES, Role.MODULE_OWNER)


def can_reply(user: User, ticket: Ticket) -> bool:
    """Everyone who can see a ticket can write to its public conversation.

    Sharing the institution is not enough: a colleague who may not see a ticket may not
    write to it either.
    """
    return can_see_ticket(user, ticket)


def can_write_by_mail(user: User, ticket: Ticket) -> bool:
    """Whose mail may land on a ticket: its requester (or who reported it), its
    participants, the institution's key users and admins, and support staff. Anyone else
    naming the ticket (a colleague who cannot see it, a stranger with a forged From) never
    adds to it. A person copied on the mail becomes a participant only as a known
    colleague of the ticket's institution (``watch_from_cc``), never by being copied.
    """
    if is_agent(user):
        return True
    if not user.is_active or user.institution_id != ticket.institution_id:
        return False
    if user.pk in (ticket.requester_id, ticket.reported_by_id):
        return True
    return user.has_role(*INSTITUTION_WIDE_ROLES) or is_participant(user, ticket)


def is_participant(user: User, ticket: Ticket) -> bool:
    return Participant.objects.filter(ticket_id=ticket.pk, user_id=user.pk).exists()


def staff_scope() -> Q:
    """The active support agents, as a filter on User: the same people ``is_agent`` names.
    Every agent sees every ticket (``ticket_scope``), so these are also the staff who may
    see any one ticket: whom an internal note may mention, whom the desk may add as a
    watcher. A subquery, not a join: a join would repeat a person once per role."""
    agents = RoleGrant.objects.filter(role__in=AGENT_ROLES).values("user_id")
    return Q(is_active=True, institution_id__isnull=True, pk__in=agents)


def watcher_candidates(user: User, ticket: Ticket) -> Q:
    """The people ``user`` may add as watchers of ``ticket``, as a filter on User.

    Watching a ticket opens it to the watcher (``followed_by``), so a watcher is always
    an active person of the ticket's institution, or support staff; nobody of another
    institution, ever. Support staff add either; the ticket's own people (whoever sees
    it) add their colleagues. Which agents watch is the desk's business, so only support
    staff add them.
    """
    if not user.is_active or not can_see_ticket(user, ticket):
        return NOTHING
    colleagues = Q(is_active=True, institution_id=ticket.institution_id)
    return colleagues | staff_scope() if is_agent(user) else colleagues


def can_remove_watcher(user: User, ticket: Ticket, watcher: User) -> bool:
    """Anyone stops watching themselves; support staff remove any watcher; the requester
    side (the requester, who reported for them, key users and institution admins)
    removes the colleagues watching their ticket, never a support agent."""
    if not user.is_active:
        return False
    if user.pk == watcher.pk or is_agent(user):
        return True
    if is_agent(watcher) or user.institution_id != ticket.institution_id:
        return False
    return user.pk in (ticket.requester_id, ticket.reported_by_id) or user.has_role(
        *INSTITUTION_WIDE_ROLES
    )


def watcher_scope(user: User, ticket: Ticket) -> Q:
    """The watchers of ``ticket`` that ``user`` may see, as a filter on Participant:
    all of them for support staff; for the institution's people, their colleagues only
    (the support staff watching are the desk's business)."""
    if is_agent(user):
        return Q()
    return Q(user__institution_id=ticket.institution_id)


def can_read_raw_mail(user: User) -> bool:
    """The raw source of a received message (every header, every part): support staff."""
    return is_agent(user)


def can_add_internal_note(user: User) -> bool:
    return is_agent(user)


def can_work_ticket(user: User) -> bool:
    """Assign, triage, prioritise, recategorise, route: the support side's work."""
    return is_agent(user)


def can_set_status(user: User, ticket: Ticket, status: str) -> bool:
    """Agents move tickets along; the requester side may only confirm a fix or reopen."""
    if is_agent(user):
        return True
    if not user.is_active or ticket.institution_id != user.institution_id:
        return False
    is_requester_side = user.pk in (ticket.requester_id, ticket.reported_by_id) or user.has_role(
        *INSTITUTION_WIDE_ROLES
    )
    return (
        is_requester_side
        and ticket.status == Status.RESOLVED
        and status in (Status.CLOSED, Status.IN_PROGRESS)
    )


def can_be_assigned(user: User) -> bool:
    return is_agent(user)


# The tier each analyst role works at; the other support roles work at every tier.
ROLE_TIERS = {
    Role.TIER1: Tier.SERVICE_DESK,
    Role.TIER2: Tier.FUNCTIONAL,
    Role.TIER3: Tier.TECHNICAL,
}


def is_above_own_tier(user: User, ticket: Ticket) -> bool:
    """Whether ``ticket`` sits at a higher tier than any ``user`` works at, so taking it is
    unusual: a tier 1 analyst taking a tier 3 ticket. Managers and admins work every tier."""
    if user.is_superuser or not user.roles.issubset(ROLE_TIERS):
        return False
    own = max((tier for role, tier in ROLE_TIERS.items() if user.has_role(role)), default=None)
    return own is not None and ticket.tier > own


def can_manage_desk(user: User) -> bool:
    """Routing rules, teams, institutions: the desk's own configuration."""
    return user.is_active and (user.is_superuser or user.has_role(*MANAGER_ROLES))


def can_read_audit(user: User) -> bool:
    """The configuration audit: system admins of the desk only. It names every person
    whose roles changed and every mailbox and rule, across institutions."""
    return (
        user.is_active
        and user.institution_id is None
        and (user.is_superuser or user.has_role(Role.ADMIN))
    )


def audit_scope(user: User) -> Q:
    """The audit entries ``user`` may read, as a filter on AuditEntry: all or none."""
    return Q() if can_read_audit(user) else NOTHING


def report_scope(user: User) -> Q:
    """The tickets the reports count for ``user``, as a filter on Ticket: every ticket for
    desk managers; their own institution's for an institution's admin, so no figure, total
    or chart axis they see holds another institution's tickets; nothing for anyone else."""
    if can_manage_desk(user):
        return Q()
    if user.is_active and user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN):
        return Q(institution_id=user.institution_id)
    return NOTHING


def report_counts_scope(user: User) -> Q:
    """The days counted ahead (reports ``DayCounts``) the reports add up for ``user``: the
    same institutions' as ``report_scope``, so counted days and live ones agree."""
    if can_manage_desk(user):
        return Q()
    if can_read_reports(user):
        return Q(institution_id=user.institution_id)
    return NOTHING


def can_read_reports(user: User) -> bool:
    """The dashboards are for support managers and for institutions' admins (their own)."""
    return report_scope(user) != NOTHING


def report_institution_scope(user: User) -> Q:
    """The institutions a dashboard may be narrowed to, as a filter on Institution."""
    if can_manage_desk(user):
        return Q()
    if can_read_reports(user):
        return Q(pk=user.institution_id)
    return NOTHING


def module_usage_scope(user: User) -> Q:
    """The ERP usage figures ``user`` reads, as a filter on ModuleUsage: support staff
    every one (they feed them); an institution's admin their own institution's."""
    if is_agent(user):
        return Q()
    if can_read_reports(user):
        return Q(module__institution_id=user.institution_id)
    return NOTHING


def module_usage_institutions(user: User) -> Q:
    """The institutions whose usage ``user`` may send or read, as a filter on Institution:
    support staff every one (they feed it); a dashboard reader their own."""
    if is_agent(user):
        return Q()
    return report_institution_scope(user)


def can_record_module_usage(user: User) -> bool:
    """Support staff send the ERP's usage figures: by the desk's upload page, or an ERP
    feed signing in with a support account's API token."""
    return is_agent(user)


def own_teams(user: User) -> Q:
    """The support teams ``user`` belongs to or leads, as a filter on Team."""
    return Q(members=user) | Q(lead=user)


def worked_teams(user: User) -> Q:
    """The teams whose queue is ``user``'s ("My teams"), as a filter on Team: those they
    lead or belong to; every team for desk managers, who answer for all of them."""
    return Q() if can_manage_desk(user) else own_teams(user)


def saved_reply_scope(user: User) -> Q:
    """The saved replies ``user`` may use: their own teams' (every team's, for managers)."""
    if not is_agent(user):
        return NOTHING
    if can_manage_desk(user):
        return Q()
    return Q(team_id__in=Team.objects.filter(own_teams(user)).values("pk"))


def can_manage_saved_replies(user: User, team: Team) -> bool:
    """A team's members and lead keep its saved replies; desk managers keep everyone's."""
    if not is_agent(user):
        return False
    return can_manage_desk(user) or Team.objects.filter(own_teams(user), pk=team.pk).exists()


def saved_view_scope(user: User) -> Q:
    """The saved views ``user`` has as tabs, as a filter on SavedView: their own personal
    views and those shared with a team they belong to or lead. Only support staff have
    queues; desk managers see other teams' views only as members of those teams."""
    if not is_agent(user):
        return NOTHING
    return Q(owner_id=user.pk, team__isnull=True) | Q(
        team_id__in=Team.objects.filter(own_teams(user)).values("pk")
    )


def can_change_saved_view(user: User, view: SavedView) -> bool:
    """``saved_view_scope`` asked of one view: a personal view is its owner's alone; a
    team's view is kept by the team's members and lead, as its saved replies are."""
    if not is_agent(user):
        return False
    if view.team_id is None:
        return view.owner_id == user.pk
    return Team.objects.filter(own_teams(user), pk=view.team_id).exists()


def can_share_view_with(user: User, team: Team) -> bool:
    """A view is shared with a team by one of its members or its lead."""
    return is_agent(user) and Team.objects.filter(own_teams(user), pk=team.pk).exists()


def can_see_presence(user: User) -> bool:
    """Who has a ticket open, and who is replying, is for support staff: they are shown to
    each other, and institution people are neither shown nor told who reads their ticket."""
    return is_agent(user)


def can_set_availability(user: User, agent: User) -> bool:
    """Agents set their own availability; team leads their members'; desk managers anyone's."""
    if not is_agent(user) or not is_agent(agent):
        return False
    if user.pk == agent.pk or can_manage_desk(user):
        return True
    return Team.objects.filter(lead=user, members=agent).exists()


# Escalation: management attention on a ticket (seed 003).
ESCALATION_HANDLER_ROLES = (Role.ESCALATION_MANAGER, Role.SUPPORT_MANAGER, Role.ADMIN)
# The executive level is asked for by management itself, not by escalation managers.
EXECUTIVE_LEVEL = 3


def escalation_scope(user: User) -> Q:
    """The escalations ``user`` may see, as a filter on Escalation: those of visible tickets."""
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    return Q(ticket__in=Ticket.objects.filter(ticket_scope(user)).values("pk"))


def can_request_escalation(user: User, ticket: Ticket) -> bool:
    """The requester (or who reported for them), an institution admin, or an agent."""
    if is_agent(user):
        return True
    if not user.is_active or ticket.institution_id != user.institution_id:
        return False
    if user.has_role(Role.INSTITUTION_ADMIN):
        return True
    return user.pk in (ticket.requester_id, ticket.reported_by_id)


def can_handle_escalation(user: User) -> bool:
    """Name the manager, record the plans, post the updates: escalation and support managers."""
    return is_agent(user) and user.has_role(*ESCALATION_HANDLER_ROLES)


def can_be_escalation_manager(user: User) -> bool:
    return is_agent(user) and user.has_role(Role.ESCALATION_MANAGER)


def can_raise_escalation_level(user: User, level: int) -> bool:
    """Escalation managers raise to the support manager; only managers call in executives."""
    if level >= EXECUTIVE_LEVEL:
        return is_agent(user) and user.has_role(*MANAGER_ROLES)
    return can_handle_escalation(user)


def can_de_escalate(user: User) -> bool:
    return can_handle_escalation(user)


# Releases are product-wide: every signed-in user reads them, and within one only the
# tickets they may see. Support staff plan tickets for them; managers create and ship them.
def release_scope(user: User) -> Q:
    """The releases ``user`` may see, as a filter on Release."""
    return Q() if user.is_active else NOTHING


def can_plan_release(user: User) -> bool:
    """Plan a ticket's fix for a release, move it to another or take it off."""
    return is_agent(user)


def can_manage_releases(user: User) -> bool:
    """Create releases, word their notes and ship them: support managers and system admins."""
    return can_manage_desk(user)


def release_note_item_scope(user: User) -> Q:
    """The release-note items ``user`` may read, as a filter on ReleaseNoteItem: every one
    for support staff; for an institution's people, those concerning their institution
    (an item names its tickets and their titles). The general notes are everyone's."""
    return _of_own_institution(user, "institutions")


def can_flag_training_gaps(user: User) -> bool:
    """Flag a ticket as a training gap, and read the flags: support staff."""
    return is_agent(user)


# Knowledge articles: support writes them; an institution reads only what is published
# for it and written for its people.
KNOWLEDGE_EDITOR_ROLES = MANAGER_ROLES


def article_scope(user: User) -> Q:
    """The articles ``user`` may read, as a filter on Article.

    Support staff read every article in every state. An institution's person reads a
    published article visible to all institutions or chosen for theirs, written for
    ``reader_audiences(user)`` or a training note sent to them; an internal article never
    reaches them. Subqueries, not
    joins, so an article with several audiences or institutions is found once.
    """
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    if user.institution_id is None:
        return NOTHING
    chosen = Article.institutions.through.objects.filter(institution_id=user.institution_id)
    written_for = ArticleAudience.objects.filter(audience__in=reader_audiences(user))
    sent_to = TrainingNoteDelivery.objects.filter(recipient_id=user.pk)
    return (
        Q(status=ArticleStatus.PUBLISHED)
        & (
            Q(visibility=Visibility.ALL_INSTITUTIONS)
            | Q(visibility=Visibility.CHOSEN_INSTITUTIONS, pk__in=chosen.values("article_id"))
        )
        & (Q(pk__in=written_for.values("article_id")) | Q(pk__in=sent_to.values("article_id")))
    )


def article_file_scope(user: User) -> Q:
    """The article files ``user`` may download, as a filter on ArticleFile: those of the
    articles they read, so an internal article's image never reaches an institution."""
    return Q(article__in=Article.objects.filter(article_scope(user)).values("pk"))


def reader_audiences(user: User) -> frozenset[str]:
    """The audiences an institution's person reads: everyone's, their work area's, and
    (for institution admins and key users, who train the others) every audience."""
    if user.has_role(*INSTITUTION_WIDE_ROLES):
        return frozenset(Audience.values)
    return frozenset({Audience.EVERYONE, *([user.work_area] if user.work_area else [])})


def can_write_articles(user: User) -> bool:
    """Write and revise drafts, submit them for review, send them back: support staff."""
    return is_agent(user)


def can_revise_article(user: User, article: Article) -> bool:
    """Revise an article and add its files: any writer a draft or one in review; a
    published one only a knowledge editor, since its readers see the change at once.
    (A retired one is revised by nobody: a matter of its state, not of who asks.)"""
    if article.status == ArticleStatus.PUBLISHED:
        return can_edit_knowledge(user)
    return can_write_articles(user)


def can_see_article_counts(user: User) -> bool:
    """How often an article was read, voted on and solved a problem: support staff. The
    counts sum every institution's readers, so no institution's person sees them."""
    return is_agent(user)


def can_edit_knowledge(user: User) -> bool:
    """Publish and retire articles, and revise a published one in place: the knowledge
    editors, who are support managers (and admins)."""
    return is_agent(user) and user.has_role(*KNOWLEDGE_EDITOR_ROLES)


def ticket_answer_scope(user: User) -> Q:
    """The answered-by links ``user`` may see, as a filter on TicketAnswer: those between
    a ticket they see and an article they read. A requester sees the published articles
    answering their ticket, never an internal one or a draft."""
    tickets = Ticket.objects.filter(ticket_scope(user)).values("pk")
    articles = Article.objects.filter(article_scope(user)).values("pk")
    return Q(ticket_id__in=tickets, article_id__in=articles)


def can_link_answers(user: User) -> bool:
    """Link a ticket to the articles that answer it, and unlink them: support staff."""
    return is_agent(user)


def can_read_knowledge_report(user: User) -> bool:
    """The knowledge report (articles used, articles to write, training gaps by module
    and role) and sending training notes: support managers. It spans every institution,
    so no institution's people read it; team leads are agents and read the flags and
    articles it counts, not the report."""
    return is_agent(user) and user.has_role(*MANAGER_ROLES)


def training_note_delivery_scope(user: User) -> Q:
    """The training-note deliveries ``user`` may see, as a filter on
    TrainingNoteDelivery: every one for support staff; for an institution's person, only
    those sent to them (who else got a note is the desk's to know)."""
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    return Q(recipient_id=user.pk)


# Product feedback: ideas are written by the desk for every institution to read; which
# institutions voted for one and which tickets ask for it are the desk's alone.
def idea_scope(user: User) -> Q:
    """The product ideas ``user`` may see, as a filter on Idea: every one for support
    staff; for an institution's people, those not merged into another."""
    if not user.is_active:
        return NOTHING
    return Q() if is_agent(user) else Q(merged_into__isnull=True)


def can_record_ideas(user: User) -> bool:
    """Record ideas, word them, link enhancement tickets, merge duplicates."""
    return is_agent(user)


def can_decide_ideas(user: User) -> bool:
    """Plan an idea for a release, decline it, mark it shipped: support managers."""
    return can_manage_desk(user)


def can_vote_for_ideas(user: User) -> bool:
    """Key users and institution admins vote for their institution, once per idea."""
    return (
        user.is_active
        and user.institution_id is not None
        and user.has_role(*INSTITUTION_WIDE_ROLES)
    )


# The mail quarantine: messages that were not turned into work. Their raw source may hold
# anyone's data (another institution's, a stranger's), so only desk managers see them.
def inbound_message_scope(user: User) -> Q:
    """The received messages ``user`` may see, as a filter on InboundMessage."""
    return Q() if can_manage_quarantine(user) else NOTHING


def can_manage_quarantine(user: User) -> bool:
    """See, download, retry, attach, open a ticket from or discard a quarantined message."""
    return is_agent(user) and user.has_role(*MANAGER_ROLES)


# Links between tickets (related, duplicate, cause, parent and child). A link is seen only
# by who may see both of its tickets, so an institution user never meets a reference to
# another institution's ticket, not even as an unknown one.
def link_scope(user: User) -> Q:
    """The links ``user`` may see, as a filter on TicketLink: both tickets visible."""
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    visible = Ticket.objects.filter(ticket_scope(user)).values("pk")
    return Q(source_id__in=visible, target_id__in=visible)


def can_link_tickets(user: User) -> bool:
    """Link and unlink tickets, merge a duplicate, split a message off: support staff."""
    return is_agent(user)


# Tags: the support side's own labels on tickets, internal like its notes. Institutions
# neither see them nor filter by them.
def can_see_tags(user: User) -> bool:
    return is_agent(user)


def tag_scope(user: User) -> Q:
    """The tags ``user`` may see, as a filter on Tag."""
    return Q() if can_see_tags(user) else NOTHING


def can_tag_tickets(user: User) -> bool:
    """Tag and untag tickets, making a tag by typing a new name: support staff."""
    return is_agent(user)


def can_manage_tags(user: User) -> bool:
    """Rename and merge tags: support managers and system admins."""
    return is_agent(user) and user.has_role(*MANAGER_ROLES)


# Macros: several ticket actions in one click. Support staff's own tool, like tags:
# institutions never see or apply one; each step is still checked by its own service.
def macro_scope(user: User) -> Q:
    """The macros ``user`` may see and apply, as a filter on Macro."""
    return Q() if can_apply_macros(user) else NOTHING


def can_apply_macros(user: User) -> bool:
    return can_work_ticket(user)


def can_manage_macros(user: User) -> bool:
    """Create, change and delete macros: support managers and system admins."""
    return is_agent(user) and user.has_role(*MANAGER_ROLES)


# Major incidents: one outage across tickets and institutions. Support staff see every
# one; an institution's users see those affecting their institution, and of its children
# only the tickets they may see anyway (``ticket_scope``).
INCIDENT_HANDLER_ROLES = (Role.TIER2, Role.TIER3, Role.SUPPORT_MANAGER, Role.ADMIN)


def major_incident_scope(user: User) -> Q:
    """The major incidents ``user`` may see, as a filter on MajorIncident."""
    return _of_own_institution(user, "institutions")


def can_handle_major_incident(user: User) -> bool:
    """Declare, attach and detach children, post updates, resolve: support managers and
    tier 2 and 3 agents (and system admins)."""
    return is_agent(user) and (user.is_superuser or user.has_role(*INCIDENT_HANDLER_ROLES))


# Problems (seed 001) gather tickets of several institutions and their analysis may name
# any of them: support staff only. Institution users read a problem's workaround and its
# shipped fix only as the public entries posted on their own tickets.
def problem_scope(user: User) -> Q:
    """The problems ``user`` may see, as a filter on Problem."""
    return Q() if is_agent(user) else NOTHING


def can_work_problems(user: User) -> bool:
    """Record problems, link tickets, write the analysis, publish the workaround, plan
    the fix: the support side's work, as on tickets."""
    return is_agent(user)


def can_own_problem(user: User) -> bool:
    """A problem's owner on the desk is a tier 3 engineer (else a vendor's contact)."""
    return is_agent(user) and user.has_role(Role.TIER3)


# Data corrections (seed: "data corrections with owner sign-off"). Support staff write
# the correction record and apply it; the data owner named at intake signs it off; the
# requester side verifies the outcome.
def can_write_correction(user: User) -> bool:
    """Write the correction record, ask for sign-off, record it applied: support staff."""
    return is_agent(user)


def is_named_data_owner(user: User, ticket: Ticket) -> bool:
    """Whether ``user`` is the data owner the data-correction ``ticket`` names, and still
    one: active, at the ticket's institution, holding the data-owner role."""
    return (
        user.is_active
        and workflows.follows(ticket, Category.DATA_CORRECTION)
        and ticket.category_details.get("data_owner_id") == user.pk
        and user.institution_id == ticket.institution_id
        and user.has_role(Role.DATA_OWNER)
    )


def sign_off_tickets(user: User) -> Q:
    """The same rule as ``is_named_data_owner``, as a filter on Ticket: the data
    corrections whose sign-off is ``user``'s to give."""
    if not user.is_active or not user.has_role(Role.DATA_OWNER):
        return NOTHING
    return signed_off_by(user)


def can_verify_correction(user: User, ticket: Ticket) -> bool:
    """Whether the correction came out right is for who asked: the requester side."""
    return (
        user.is_active
        and user.institution_id == ticket.institution_id
        and user.pk in (ticket.requester_id, ticket.reported_by_id)
    )


# Access requests (issue 13): an ERP role added, changed or removed for one person. The
# institution's approval owner decides; a tier 1 or 2 agent records it done in the ERP,
# which writes the institution's access-change ledger.
ACCESS_DOERS = (Role.TIER1, Role.TIER2)
ACCESS_REQUEST_READERS = (*INSTITUTION_WIDE_ROLES, Role.APPROVAL_OWNER)


def access_request_scope(user: User) -> Q:
    """The access requests ``user`` may see, as a filter on AccessRequest: every one for
    support staff; their institution's for its key users, admins and approval owners;
    for anyone else those on the tickets they see."""
    own = _of_own_institution(user, "institution_id")
    if is_agent(user) or user.has_role(*ACCESS_REQUEST_READERS):
        return own
    return own & Q(ticket_id__in=Ticket.objects.filter(ticket_scope(user)).values("pk"))


def can_request_access(user: User) -> bool:
    """Record an access request from an access ticket: support staff."""
    return is_agent(user)


def is_approval_owner_of(user: User, institution_id: int) -> bool:
    return (
        user.is_active
        and user.institution_id == institution_id
        and user.has_role(Role.APPROVAL_OWNER)
    )


def access_request_parties(request: AccessRequest) -> frozenset[int]:
    """Who an access request is from or for, none of whom may approve it: who recorded
    it, whose access it changes, and the requester and reporter of its ticket."""
    ids = {request.requested_by_id, request.person_id}
    if request.ticket is not None:
        ids |= {request.ticket.requester_id, request.ticket.reported_by_id}
    return frozenset(pk for pk in ids if pk is not None)


def access_request_party(user: User) -> Q:
    """The same rule as ``access_request_parties``, as a filter on AccessRequest: the
    requests ``user`` is a party to."""
    return (
        Q(requested_by=user)
        | Q(person=user)
        | Q(ticket__requester=user)
        | Q(ticket__reported_by=user)
    )


def can_approve_access(user: User, request: AccessRequest) -> bool:
    """The institution's approval owner decides, unless they are a party to the request."""
    return is_approval_owner_of(user, request.institution_id) and (
        user.pk not in access_request_parties(request)
    )


def can_record_access_done(user: User) -> bool:
    """Record an approved access change as done in the ERP: tier 1 and 2 agents."""
    return is_agent(user) and user.has_role(*ACCESS_DOERS)


def access_ledger_scope(user: User) -> Q:
    """The ledger lines ``user`` may read, as a filter on LedgerEntry: every institution's
    for support staff, their own institution's for its admins, none for anyone else."""
    if is_agent(user):
        return Q()
    if can_read_access_ledger(user):
        return Q(institution_id=user.institution_id)
    return NOTHING


def access_review_scope(user: User) -> Q:
    """The access reviews ``user`` may see, as a filter on AccessReview: the same people
    as the ledger they are made from."""
    return access_ledger_scope(user)


def can_answer_access_review(user: User, institution_id: int) -> bool:
    """Confirm or flag a review's lines: the institution's admins."""
    return (
        user.is_active
        and user.institution_id == institution_id
        and user.has_role(Role.INSTITUTION_ADMIN)
    )


def can_set_review_interval(user: User, institution_id: int) -> bool:
    """Set how often an institution reviews access: its own admins, and support managers
    (and system admins) for any institution."""
    if is_agent(user):
        return user.has_role(*MANAGER_ROLES)
    return (
        user.is_active
        and user.institution_id == institution_id
        and user.has_role(Role.INSTITUTION_ADMIN)
    )


def can_read_access_ledger(user: User) -> bool:
    """Whether the ledger (and the reviews made from it) exists for ``user`` at all:
    support staff and institution admins; its pages answer 404 for anyone else."""
    return is_agent(user) or (
        user.is_active and user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN)
    )


# Change requests (issue 13): support staff see and work every change; an institution's
# people see the changes concerning their institution, and the owners of an affected
# module decide for it. Whoever asked for a change never approves it.
def change_scope(user: User) -> Q:
    """The change requests ``user`` may see, as a filter on ChangeRequest."""
    return _of_own_institution(user, "institutions")


def institutions_reading_change(change: ChangeRequest) -> frozenset[int]:
    """The institutions whose people read ``change`` (``change_scope``'s rule for one
    change): those it concerns. A step on a linked ticket of any other institution is
    internal; a ticket or problem of any other institution is not linked to it."""
    return frozenset(change.institutions.values_list("pk", flat=True))


def change_file_scope(user: User) -> Q:
    """The test-evidence files ``user`` may download, as a filter on EvidenceFile: those
    of the changes they see."""
    return Q(evidence__change__in=ChangeRequest.objects.filter(change_scope(user)).values("pk"))


def can_work_changes(user: User) -> bool:
    """Raise, plan, submit, test, implement and cancel changes, and link tickets and
    problems to them: support staff."""
    return is_agent(user)


def change_approval_scope(user: User) -> Q:
    """The approvals ``user`` may decide, as a filter on ChangeApproval: a module's
    approval by one of its owners (a module owner of its institution); the support
    manager's approval, and that of a module nobody owns, by support managers."""
    if not user.is_active:
        return NOTHING
    scope = NOTHING
    if user.institution_id is not None and user.has_role(Role.MODULE_OWNER):
        owned = Module.objects.filter(institution_id=user.institution_id, owners=user)
        scope |= Q(role=ApproverRole.MODULE_OWNER, module_id__in=owned.values("pk"))
    if is_agent(user) and user.has_role(*MANAGER_ROLES):
        decided = _modules_with_deciders().values("pk")
        scope |= Q(role=ApproverRole.SUPPORT_MANAGER) | (
            Q(role=ApproverRole.MODULE_OWNER) & ~Q(module_id__in=decided)
        )
    return scope


# A module's owner who decides for it: an active owner of its own institution holding the
# role. A module without one is decided by support managers, so an owner who left or lost
# the role never leaves a change waiting on nobody.
_DECIDER = Q(is_active=True, role_grants__role=Role.MODULE_OWNER)


def module_deciders(module: Module) -> QuerySet[User]:
    """The owners who decide ``module``'s approvals, by name."""
    return (
        User.objects.filter(_DECIDER, owned_modules=module, institution_id=module.institution_id)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def _modules_with_deciders() -> QuerySet[Module]:
    deciders = User.objects.filter(_DECIDER)
    return Module.objects.filter(owners__in=deciders, owners__institution_id=F("institution_id"))


def change_part_scope(user: User, field: str) -> Q:
    """The parts of a change ``user`` reads (its modules, institutions, collisions), as a
    filter whose ``field`` names the part's institution: every part for support staff;
    for an institution's people only their own institution's, since a change may concern
    several institutions."""
    return _of_own_institution(user, field)


def reads_change_part(user: User, institution_id: int) -> bool:
    """The same rule as ``change_part_scope``, asked of one part already read (a change's
    prefetched modules and institutions)."""
    return user.is_active and (is_agent(user) or user.institution_id == institution_id)


def changes_asked_for_by(user: User) -> Q:
    """The changes ``user`` asked for, as a filter on ChangeRequest: raised them, or
    requested (or reported) one of their linked tickets. They may not approve them."""
    return Q(raised_by=user) | Q(tickets__requester=user) | Q(tickets__reported_by=user)


def asked_for_change(user: User, change: ChangeRequest) -> bool:
    """``changes_asked_for_by``, asked of one change."""
    return ChangeRequest.objects.filter(changes_asked_for_by(user), pk=change.pk).exists()


def can_record_implementation(user: User, change: ChangeRequest) -> bool:
    """Support staff record how a change went, never the requester of one of its tickets."""
    if not is_agent(user):
        return False
    return not change.tickets.filter(Q(requester_id=user.pk) | Q(reported_by_id=user.pk)).exists()


# Satisfaction surveys. A rating is read with its ticket: whoever sees the ticket sees its
# survey. The results across tickets are the desk's: support managers read every team's,
# a team lead only their own teams' (the team at resolution), institutions none.


def survey_scope(user: User) -> Q:
    """The surveys ``user`` may read, as a filter on Survey: those of the tickets they see."""
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    return Q(ticket_id__in=Ticket.objects.filter(ticket_scope(user)).values("pk"))


def can_answer_survey(user: User, survey: Survey) -> bool:
    """Only the requester asked answers, signed in or through the mailed link."""
    return user.is_active and user.pk == survey.requester_id


def survey_results_scope(user: User) -> Q:
    """The surveys counted in ``user``'s results, as a filter on Survey."""
    if can_manage_desk(user):
        return Q()
    if is_agent(user):
        return Q(team__lead=user)
    return NOTHING


def can_read_survey_results(user: User) -> bool:
    return can_manage_desk(user) or (is_agent(user) and Team.objects.filter(lead=user).exists())


# Handover and hypercare exit ---------------------------------------------------------


def handover_scope(user: User) -> Q:
    """The institutions whose handover record and exit scorecard ``user`` reads, as a filter
    on Institution: support staff every one; an institution's admins and key users their
    own (key users are who colleagues ask whom to call); nobody else, since the record
    lists people, contracts and risks a requester has no need of."""
    if not user.is_active:
        return NOTHING
    if is_agent(user):
        return Q()
    if user.institution_id is None or not user.has_role(*INSTITUTION_WIDE_ROLES):
        return NOTHING
    return Q(pk=user.institution_id)


def _admin_of(user: User, institution_id: int) -> bool:
    return (
        user.is_active
        and user.institution_id == institution_id
        and user.has_role(Role.INSTITUTION_ADMIN)
    )


def can_edit_handover(user: User, institution_id: int) -> bool:
    """Support staff and the institution's own admins write the record's free text."""
    return is_agent(user) or _admin_of(user, institution_id)


def can_sign_handover_for_institution(user: User, institution_id: int) -> bool:
    """Only an admin of the institution itself signs for it."""
    return _admin_of(user, institution_id)


def can_sign_handover_for_desk(user: User) -> bool:
    """A support manager signs for the desk."""
    return is_agent(user) and user.has_role(*MANAGER_ROLES)


def can_move_institution_phase(user: User) -> bool:
    """A support manager takes an institution out of hypercare."""
    return can_sign_handover_for_desk(user)


def can_change_exit_gates(user: User) -> bool:
    """A support manager sets the default exit gates and an institution's own."""
    return can_sign_handover_for_desk(user)


def can_read_default_exit_gates(user: User) -> bool:
    """The default set is the desk's configuration: support staff read it."""
    return is_agent(user)


def reads_handover_of(user: User, institution_id: int) -> bool:
    """The same rule as ``handover_scope``, asked of one institution without a query."""
    if is_agent(user):
        return True
    return (
        user.is_active
        and user.institution_id == institution_id
        and user.has_role(*INSTITUTION_WIDE_ROLES)
    )


# Review packs ------------------------------------------------------------------------


def review_pack_scope(user: User) -> Q:
    """The review packs ``user`` reads (their page, files and mails' links), as a filter on
    ReviewPack: every one for desk managers; an institution admin's own institution's
    (never "all institutions", whose totals hold other institutions' tickets); and the
    packs mailed to them, which a schedule only sends to the institution's people or to
    support staff."""
    if not user.is_active:
        return NOTHING
    if can_manage_desk(user):
        return Q()
    sent = Q(
        pk__in=ReviewPack.sent_to.through.objects.filter(user_id=user.pk).values("reviewpack_id")
    )
    if user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN):
        return Q(institution_id=user.institution_id) | sent
    return sent


def can_build_pack(user: User, institution_id: int | None) -> bool:
    """Support managers build and schedule packs of any institution or of all; an
    institution's admin of their own institution only."""
    if can_manage_desk(user):
        return True
    return institution_id is not None and _admin_of(user, institution_id)


def pack_schedule_scope(user: User) -> Q:
    """The pack schedules ``user`` reads and changes, as a filter on PackSchedule."""
    if can_manage_desk(user):
        return Q()
    if user.is_active and user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN):
        return Q(institution_id=user.institution_id)
    return NOTHING


def can_write_pack_notes(user: User) -> bool:
    """The post-live review notes are the support manager's."""
    return can_manage_desk(user)


def can_receive_pack(user: User, institution_id: int | None) -> bool:
    """Who a schedule may mail a pack to: support staff, or the institution's own
    (active) people; nobody outside the desk for all institutions."""
    if not user.is_active:
        return False
    if user.is_support_staff:
        return True
    return institution_id is not None and user.institution_id == institution_id


def signed_in_session_scope(user: User) -> Q:
    """The browser sessions ``user`` may see and end, as a filter on SignedInSession:
    their own. Support managers end someone else's through ``can_end_sessions_of``."""
    if not user.is_active:
        return NOTHING
    return Q(user_id=user.pk)


def can_end_sessions_of(user: User, person: User) -> bool:
    """Everyone ends their own sessions; support managers and system admins anyone's,
    to shut out a lost laptop or a departed colleague at once."""
    if not user.is_active:
        return False
    return user.pk == person.pk or (user.is_support_staff and user.has_role(*MANAGER_ROLES))


def can_reset_two_factor(user: User, person: User) -> bool:
    """Support managers and system admins take away someone else's second factor when
    they have lost both their phone and their recovery codes; nobody their own, which
    would skip the proof that turning it off asks for."""
    return (
        user.is_active
        and user.pk != person.pk
        and user.is_support_staff
        and user.has_role(*MANAGER_ROLES)
    )


def two_factor_policy_scope(user: User) -> Q:
    """The institutions whose two-factor requirement ``user`` may set, as a filter on
    Institution: every one for support managers and system admins, their own for an
    institution admin, none for anyone else."""
    if not user.is_active:
        return NOTHING
    if user.is_support_staff and user.has_role(*MANAGER_ROLES):
        return Q()
    if user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN):
        return Q(pk=user.institution_id)
    return NOTHING


# Data protection ----------------------------------------------------------------------


def personal_data_scope(user: User) -> Q:
    """The people whose data ``user`` may export or anonymise, as a filter on User: anyone
    for support managers and system admins; an institution admin their own institution's
    people (never support staff, who belong to no institution)."""
    if not user.is_active:
        return NOTHING
    if can_manage_desk(user):
        return Q()
    if user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN):
        return Q(institution_id=user.institution_id)
    return NOTHING


def can_handle_personal_data(user: User, subject: User) -> bool:
    """The same rule as ``personal_data_scope``, asked of one person without a query."""
    if can_manage_desk(user):
        return True
    return subject.institution_id is not None and _admin_of(user, subject.institution_id)


def retention_institution_scope(user: User) -> Q:
    """The institutions whose retention ``user`` reads and sets, as a filter on
    Institution: every one for desk managers, their own for an institution admin."""
    if not user.is_active:
        return NOTHING
    if can_manage_desk(user):
        return Q()
    if user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN):
        return Q(pk=user.institution_id)
    return NOTHING


def can_read_privacy_register(user: User) -> bool:
    """The data-protection register names people of every institution: system admins."""
    return user.is_active and (user.is_superuser or user.has_role(Role.ADMIN))


def handles_personal_data(user: User) -> bool:
    """Whether ``user`` may handle anyone's personal data at all: the data-protection
    pages' door (``personal_data_scope`` decides whose)."""
    return can_manage_desk(user) or (
        user.institution_id is not None and _admin_of(user, user.institution_id)
    )


# Single sign-on ----------------------------------------------------------------------


def can_configure_sso(user: User) -> bool:
    """Support managers and system admins set up an institution's identity provider: its
    client secret is the desk's to hold, and a wrong mapping could hand out roles."""
    return can_manage_desk(user)


def identity_provider_scope(user: User) -> Q:
    """The identity provider settings ``user`` reads, as a filter on IdentityProvider: all
    for desk managers; an institution admin their own institution's (never its secret)."""
    if can_configure_sso(user):
        return Q()
    if user.is_active and user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN):
        return Q(institution_id=user.institution_id)
    return NOTHING


# Institution self-administration -----------------------------------------------------


def can_administer_people(user: User) -> bool:
    """An institution's admins invite its people, set their institution roles and
    deactivate them, from the portal; the desk's staff do it in the Django admin."""
    return (
        user.is_active and user.institution_id is not None and user.has_role(Role.INSTITUTION_ADMIN)
    )


def people_scope(user: User) -> Q:
    """The people ``user`` administers, as a filter on User: an institution admin's own
    institution's, active or not; nobody for anyone else."""
    if not can_administer_people(user):
        return NOTHING
    return Q(institution_id=user.institution_id)


def invitation_scope(user: User) -> Q:
    """The invitations ``user`` sees, re-sends and revokes, as a filter on Invitation:
    an institution admin's own institution's, whoever of its admins sent them."""
    if not can_administer_people(user):
        return NOTHING
    return Q(institution_id=user.institution_id)
