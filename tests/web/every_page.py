"""Every page of the web desk, for each persona: a small world of records, and one
address per URL pattern of ``hypercare.web.urls`` with its parameters filled from it.

The page checks (unique ids, no placeholder, people by name) and the browser's axe run
both walk this list, so a new URL pattern is checked as soon as it exists.
"""

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import time, timedelta

from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hypercare.access_requests.services.requests import decide_access_request, record_done_in_erp
from hypercare.access_requests.services.reviews import open_review
from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.changes.choices import ChangeKind, Decision
from hypercare.changes.services.approvals import decide_change
from hypercare.changes.services.records import ChangeDetails, create_change, submit_change
from hypercare.changes.services.testing import record_evidence
from hypercare.corrections.services import ExtractFile, request_sign_off, write_correction_record
from hypercare.escalations.choices import EscalationReason, EscalationStep, Workaround
from hypercare.escalations.services import handling
from hypercare.escalations.services.intake import ReviewChecklist, request_escalation
from hypercare.handover.choices import Side
from hypercare.handover.content import HandoverText
from hypercare.handover.services import save_handover, sign_handover
from hypercare.incidents.services import Declaration, declare_major_incident
from hypercare.knowledge.answers import link_answer
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article
from hypercare.knowledge.services import (
    ArticleContent,
    add_article_file,
    change_article_status,
    create_article,
    flag_training_gap,
    revise_article,
)
from hypercare.knowledge.training_notes import send_training_note
from hypercare.lib import clock
from hypercare.links.choices import LinkKind
from hypercare.links.services import link_tickets
from hypercare.macros.services import MacroSteps, create_macro
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Team
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.releases.services import compile_release_notes, create_release, plan_for_release
from hypercare.reports.choices import PackKind, Weekday
from hypercare.reports.services import build_queued_packs, create_pack_schedule, request_pack
from hypercare.surveys.links import token_for
from hypercare.surveys.models import Survey
from hypercare.tags.services import add_tag
from hypercare.tickets.choices import Status
from hypercare.tickets.models import SavedView, Ticket
from hypercare.tickets.services.attachments import add_attachment
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.saved_replies import create_saved_reply
from hypercare.tickets.services.saved_views import create_saved_view
from hypercare.tickets.services.workflow import assign_ticket, change_status
from hypercare.web import urls as web_urls
from hypercare.web.mail.views import ACTIONS as MAIL_ACTIONS
from tests import factories
from tests.access_requests import builders as access_builders
from tests.mail.quarantined import quarantined
from tests.web.conftest import PNG

# Usernames no page may show: people are shown by their names.
USERNAMES = {
    "requester": "u-rsen",
    "institution_admin": "u-iadmin",
    "agent": "u-tiyer",
    "escalation_manager": "u-elee",
    "support_manager": "u-smoss",
    "data_owner": "u-krao",
}
PERSONAS = ("anonymous", *USERNAMES)


@dataclass
class World:
    people: dict[str, User]
    ticket: int
    escalated: int
    attachment: int
    saved_reply: int
    reset: tuple[str, str]
    message: int
    link: int
    reply_event: int
    incident: int
    release: int
    note_item: int
    problem: int
    correction: int
    access_request: int
    access_review: int
    review_line: int
    access_ticket: int
    change: int
    change_file: int
    institution: int
    article: int
    article_file: int
    survey_token: str
    pack: int
    pack_schedule: int
    tag: int
    saved_view: int


def _access_world(people: dict[str, User], north: Institution) -> tuple[int, int, int, int]:
    """An access request waiting for the institution admin (an approval owner too), one
    done that the ledger records, the open review listing it, and an access ticket whose
    request is yet to be recorded."""
    admin, agent = people["institution_admin"], people["agent"]
    RoleGrant.objects.create(user=admin, role=Role.APPROVAL_OWNER)
    admin.refresh_from_db()
    approver = factories.user(Role.APPROVAL_OWNER, institution=north, first_name="Aoife")
    waiting = access_builders.requested(people["requester"], agent)
    granted = access_builders.requested(people["requester"], agent, person_name="Sam Okafor")
    decide_access_request(request=granted, actor=approver, approve=True)
    record_done_in_erp(request=granted, actor=agent)
    review = open_review(north, clock.now())
    assert review is not None
    fresh = access_builders.access_ticket(people["requester"])
    return waiting.pk, review.pk, review.lines.get().pk, fresh.pk


def build_world() -> World:
    north = factories.institution("Northfield University", slug="northfield")
    factories.integration(north, name="Campus Pay")
    desk = factories.team("Service desk")
    factories.team("Finance tier 2", tier=Tier.FUNCTIONAL)
    people = {
        "requester": factories.requester(
            north,
            username=USERNAMES["requester"],
            email="riya.sen@northfield.edu",
            first_name="Riya",
            last_name="Sen",
        ),
        "institution_admin": factories.user(
            Role.INSTITUTION_ADMIN,
            institution=north,
            username=USERNAMES["institution_admin"],
            # The People page shows addresses: they must not hold the username.
            email="ines.admin@northfield.edu",
            first_name="Ines",
            last_name="Admin",
        ),
        "agent": factories.agent(
            Role.TIER1, username=USERNAMES["agent"], first_name="Tara", last_name="Iyer"
        ),
        "escalation_manager": factories.agent(
            Role.ESCALATION_MANAGER,
            username=USERNAMES["escalation_manager"],
            first_name="Esme",
            last_name="Lee",
        ),
        "support_manager": factories.agent(
            Role.SUPPORT_MANAGER,
            username=USERNAMES["support_manager"],
            first_name="Sam",
            last_name="Moss",
        ),
        "data_owner": factories.user(
            Role.DATA_OWNER,
            institution=north,
            username=USERNAMES["data_owner"],
            email="kavi.rao@northfield.edu",
            first_name="Kavi",
            last_name="Rao",
        ),
    }
    desk.members.add(people["agent"])
    desk.lead = people["support_manager"]
    desk.save()
    requester, agent, manager = people["requester"], people["agent"], people["escalation_manager"]
    ticket = factories.ticket(requester)
    assign_ticket(ticket=ticket, actor=people["support_manager"], assignee=agent, reason="")
    attachment = add_attachment(
        ticket=ticket, actor=requester, name="screen.png", content=io.BytesIO(PNG)
    )
    escalated = factories.ticket(requester, title="Online fee payments fail")
    assign_ticket(ticket=escalated, actor=agent, assignee=agent, reason="")
    escalation = request_escalation(
        ticket=escalated,
        actor=requester,
        reason=EscalationReason.PRODUCTION_DOWN,
        checklist=ReviewChecklist(
            problem_statement_confirmed=True,
            business_impact="Nobody can pay fees.",
            workaround=Workaround.NONE,
        ),
    )
    handling.assign_escalation_manager(escalation=escalation, actor=manager, manager=manager)
    handling.record_action_plan(escalation=escalation, actor=manager, action_plan="Renew it.")
    reply = create_saved_reply(
        actor=people["support_manager"], team=desk, title="Thanks", body="Thank you."
    )
    related = factories.ticket(requester, title="Receipts print blank")
    link = link_tickets(ticket=ticket, other=related, kind=LinkKind.RELATED, actor=agent)
    tag = add_tag(ticket=ticket, actor=agent, name="fee receipts")
    # A macro, so the ticket page shows its "Apply macro" panel and the list its table.
    create_macro(
        actor=people["support_manager"],
        steps=MacroSteps(name="Chase", note="Chased.", saved_reply=reply, team=desk),
    )
    answer = add_public_reply(ticket=ticket, actor=agent, body="Which printer?", minutes=15)
    incident = declare_major_incident(
        actor=people["support_manager"],
        declaration=Declaration(
            title="Fee payments failing", module_code=ModuleCode.FINANCE, integration_kind="",
            impact="Nobody can pay online.", institutions=[north],
            started_at=escalated.created_at, update_every_hours=1,
        ),
        from_ticket=escalated,
    )  # fmt: skip
    release = create_release(actor=people["support_manager"], version="2025.3", notes="Fees.")
    plan_for_release(ticket=ticket, actor=agent, release=release)
    compile_release_notes(release=release, actor=people["support_manager"])
    problem = create_problem(
        actor=agent,
        details=ProblemDetails(title="Gateway drops callbacks", workaround="Pay at the desk."),
        tickets=[ticket, escalated],
    )
    correction = _correction(requester, agent, people["data_owner"])
    access = _access_world(people, north)
    change = create_change(
        actor=agent,
        details=ChangeDetails(
            title="Refund approval step", kind=ChangeKind.CONFIGURATION, plan="Add it.",
            rollback_plan="Remove it.", window_start=escalated.created_at + timedelta(days=2),
            window_end=escalated.created_at + timedelta(days=2, hours=1),
            modules=[factories.module(north, ModuleCode.FINANCE)],
        ),
        tickets=[ticket],
    )  # fmt: skip
    submit_change(change=change, actor=agent)
    decide_change(change=change, actor=people["support_manager"], decision=Decision.APPROVED)
    evidence = record_evidence(
        change=change, actor=agent, note="Tested.", files=[("run.png", io.BytesIO(PNG))]
    )
    article = _published_article(agent, people["support_manager"])
    _knowledge_use(people, ticket, article, north)
    survey = _surveyed(requester, agent)
    _signed_handover(north, people["institution_admin"], people["support_manager"])
    uid = urlsafe_base64_encode(force_bytes(requester.pk))
    return World(
        people, ticket.pk, escalated.pk, attachment.pk, reply.pk,
        (uid, default_token_generator.make_token(requester)), quarantined().pk,
        link.pk, answer.pk, incident.pk,
        release.pk, release.note_items.get().pk, problem.pk, correction.pk, *access,
        change.pk, evidence.files.get().pk, north.pk, article.pk, article.files.get().pk,
        token_for(survey), *_review_pack(people, north), tag.pk,
        _saved_view(people, desk).pk,
    )  # fmt: skip


def _saved_view(people: dict[str, User], desk: Team) -> SavedView:
    """The desk's view of Finance tickets past a target, narrower columns first."""
    return create_saved_view(
        actor=people["agent"], name="Finance, breached", query="module=finance&sla=breached",
        sort="due", columns=["ticket", "due", "owner"], team=desk,
    )  # fmt: skip


def _published_article(writer: User, editor: User) -> Article:
    """An article every institution's people read, in its second version."""
    content = ArticleContent(
        title="Fee receipt not generated",
        body="1. Open **Fees → Receipts**.\n2. Choose *Regenerate*.",
        module_code=ModuleCode.FEES,
        audiences=[Audience.EVERYONE, Audience.TRAINING],
        visibility=Visibility.ALL_INSTITUTIONS,
    )
    article = create_article(actor=writer, content=content)
    add_article_file(article=article, actor=writer, name="receipt.png", content=io.BytesIO(PNG))
    revise_article(
        article=article, actor=writer, content=replace(content, body=content.body + "\n3. Print.")
    )
    change_article_status(article=article, actor=writer, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=editor, status=ArticleStatus.PUBLISHED)


def _knowledge_use(
    people: dict[str, User], ticket: Ticket, article: Article, north: Institution
) -> None:
    """The article answers the ticket, which is flagged as a training gap of fee clerks;
    the article, a training note too, is sent to Northfield's fee clerks."""
    agent, requester = people["agent"], people["requester"]
    link_answer(ticket=ticket, article=article, actor=agent)
    flag_training_gap(ticket=ticket, actor=agent, topic="Reprinting receipts", erp_role="Fee clerk")
    User.objects.filter(pk=requester.pk).update(erp_role="Fee clerk")
    send_training_note(
        article=article, institution=north, erp_role="Fee clerk", actor=people["support_manager"]
    )


def _surveyed(requester: User, agent: User) -> Survey:
    """A resolved ticket whose requester is asked to rate the support: the link's page and
    the portal's ticket page show the question."""
    ticket = factories.ticket(requester, title="Timetable export is empty")
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED, reason="Re-ran it.")
    return Survey.objects.get(ticket=ticket)


def _signed_handover(institution: Institution, admin: User, manager: User) -> None:
    """Northfield's handover in its second version, the first signed by the institution."""
    text = HandoverText(backup_what="The ERP database", open_risks=["Payroll cut-over"])
    save_handover(institution=institution, actor=manager, text=text, read_version=0)
    sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=1)
    save_handover(institution=institution, actor=admin, text=text, read_version=1)


def _review_pack(people: dict[str, User], north: Institution) -> tuple[int, int]:
    """Northfield's monthly review, built, with notes; and its weekly check mailed to its
    admin each Monday."""
    manager = people["support_manager"]
    pack = request_pack(actor=manager, kind=PackKind.MONTHLY, institution=north, notes="Calm.")
    build_queued_packs()
    schedule = create_pack_schedule(
        actor=manager,
        kind=PackKind.WEEKLY,
        institution=north,
        weekday=Weekday.MONDAY,
        at=time(8),
        recipients=[people["institution_admin"]],
    )
    return pack.pk, schedule.pk


def _correction(requester: User, agent: User, owner: User) -> Ticket:
    """A data correction whose record (with a CSV extract) waits for its owner's sign-off."""
    ticket = factories.data_correction(requester, owner)
    write_correction_record(
        ticket=ticket,
        actor=agent,
        content=factories.CORRECTION,
        extract_file=ExtractFile("rows.csv", io.BytesIO(b"roll,dob\n2024001,2001-13-01\n")),
    )
    request_sign_off(ticket=ticket, actor=agent)
    return ticket


def _patterns(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def addresses(world: World) -> list[str]:
    """One address per URL pattern of the web desk (each escalation step its own)."""
    found: list[str] = []
    for route, pattern in _patterns(web_urls.urlpatterns):
        name = pattern.name or ""
        pk = _pk_for(name, world)
        values = {
            "pk": [str(pk)],
            "reply_pk": [str(world.saved_reply)],
            "article_pk": [str(world.article)],
            "ticket_pk": [str(world.ticket)],
            "step": [str(step) for step in EscalationStep.values],
            "field": ["priority"],
            "action": list(MAIL_ACTIONS),
            "uidb64": [world.reset[0]],
            "token": [world.reset[1]],
            "link_pk": [str(world.link)],
            "user_pk": [str(world.people["requester"].pk)],
            "event_pk": [str(world.reply_event)],
            "incident_pk": [str(world.incident)],
            "line_pk": [str(world.review_line)],
            "problem_pk": [str(world.problem)],
            "institution_pk": [str(world.institution)],
            "survey_token": [world.survey_token],
            "pack_pk": [str(world.pack)],
            "schedule_pk": [str(world.pack_schedule)],
            "kind": ["html", "pdf", "xlsx"],
            "slug": ["northfield"],
            "tag_pk": [str(world.tag)],
        }
        found.extend(_fill(route, values))
    # The desk's new ticket draws its second step once a module and category are chosen,
    # and the queue as a saved view shows its own columns.
    module = Ticket.objects.get(pk=world.ticket).module_id
    return [
        *found,
        *WITH_QUERIES,
        f"/desk/new/?module={module}&category=question",
        f"/desk/?view={world.saved_view}",
    ]


# Pages whose query changes what they draw: the dashboards by week, and the tickets behind
# a figure, closed ones too.
WITH_QUERIES = ["/reports/?period=12w", "/reports/tickets/?status=all&created_after=2000-01-01"]


def _pk_for(name: str, world: World) -> int:
    if name == "attachment":
        return world.attachment
    if name.startswith("saved-reply"):
        return world.saved_reply
    if name.startswith("tag"):
        return world.tag
    if name.startswith("saved-view"):
        return world.saved_view
    if "escalat" in name:
        return world.escalated
    if name.startswith("mail-"):
        return world.message
    if name.startswith("incident"):
        return world.incident
    if name == "release-note-item":
        return world.note_item
    if name.startswith(("release", "portal-release")):
        return world.release
    if name.startswith("problem"):
        return world.problem
    if "correction" in name:
        return world.correction
    if name == "desk-ticket-access":
        return world.access_ticket
    if name.startswith(("access-request", "portal-access-request")):
        return world.access_request
    if name.startswith(("portal-access-review", "access-review")):
        return world.access_review
    if name == "change-file":
        return world.change_file
    if name.startswith("change"):
        return world.change
    if name == "article-file":
        return world.article_file
    if name.startswith(("article", "portal-article")):
        return world.article
    return world.ticket


def _fill(route: str, values: dict[str, list[str]]) -> list[str]:
    start = route.find("<")
    if start == -1:
        return ["/" + route]
    end = route.index(">", start)
    name = route[start + 1 : end].split(":")[-1]
    return [
        address
        for value in values[name]
        for address in _fill(route[:start] + value + route[end + 1 :], values)
    ]
