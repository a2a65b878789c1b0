"""The access policy, proved through the selectors and services that use it.

One small world: Northfield with a requester, a colleague, a key user, a module owner
(Finance), an institution admin; Southbank with its own admin (the outsider) and a
requester; the desk with Tier 1 and Tier 2 agents and a support manager.
"""

import base64
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import time, timedelta
from functools import partial
from io import BytesIO
from typing import Any

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.db.models import F, Sum
from django.test import Client, override_settings
from openpyxl import load_workbook

from hypercare import access
from hypercare.access_requests.choices import RequestStatus
from hypercare.access_requests.models import AccessRequest, ReviewSchedule
from hypercare.access_requests.selectors import (
    LedgerFilters,
    awaiting_decision_of,
    ledger,
    visible_access_requests,
)
from hypercare.access_requests.services.requests import decide_access_request, record_done_in_erp
from hypercare.access_requests.services.reviews import (
    answer_review_line,
    open_review,
    set_review_interval,
)
from hypercare.accounts.choices import Role, WorkArea
from hypercare.accounts.invitations import (
    InvitationDetails,
    invitation_for_token,
    invite_person,
    resend_invitation,
    revoke_invitation,
)
from hypercare.accounts.models import Invitation, RoleGrant, User
from hypercare.accounts.people import set_institution_roles, set_person_active
from hypercare.accounts.selectors import (
    administered_people,
    pending_invitations,
    requester_candidates,
)
from hypercare.adoption.models import ModuleUsage
from hypercare.adoption.services import UsageRow, record_module_usage
from hypercare.approvals.selectors import waiting_for
from hypercare.approvals.services import send_approval_digests
from hypercare.audit import selectors as audit_selectors
from hypercare.audit.models import AuditEntry
from hypercare.changes.choices import ChangeKind, Risk
from hypercare.changes.choices import Decision as ChangeDecision
from hypercare.changes.models import ChangeRequest, EvidenceFile
from hypercare.changes.selectors import (
    change_calendar,
    change_history,
    collisions,
    pending_change_approvals,
    visible_changes,
)
from hypercare.changes.services.approvals import decide_change
from hypercare.changes.services.records import ChangeDetails, create_change, submit_change
from hypercare.changes.services.testing import record_evidence
from hypercare.corrections.choices import Decision
from hypercare.corrections.models import CorrectionRecord, SignOff
from hypercare.corrections.services import (
    ExtractFile,
    decide_sign_off,
    record_applied,
    request_sign_off,
    write_correction_record,
)
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.feedback.models import Idea
from hypercare.feedback.selectors import idea_list, idea_tickets, idea_votes
from hypercare.feedback.services import create_idea
from hypercare.feedback.services import link_ticket as link_idea_ticket
from hypercare.handover.choices import Side
from hypercare.handover.content import HandoverText
from hypercare.handover.models import ExitGateEvent
from hypercare.handover.selectors import handover_overview
from hypercare.handover.services import save_handover
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.selectors import (
    affected_institutions,
    incident_children,
    visible_incidents,
)
from hypercare.incidents.services import (
    Declaration,
    attach_child,
    declare_major_incident,
    post_incident_update,
)
from hypercare.integrations.choices import IntegrationTicketEventKind
from hypercare.integrations.models import TransactionTrace
from hypercare.integrations.services import ask_contact, record_trace
from hypercare.jobs import JOBS
from hypercare.knowledge.answers import link_answer
from hypercare.knowledge.choices import (
    ArticleStatus,
    Audience,
    KnowledgeTicketEventKind,
    Visibility,
)
from hypercare.knowledge.models import (
    Article,
    ArticleSource,
    ArticleView,
    ArticleVote,
    Deflection,
    TicketAnswer,
)
from hypercare.knowledge.reading import record_deflection
from hypercare.knowledge.selectors import (
    article_source_ticket,
    suggested_articles,
    ticket_answers,
    training_gaps,
    training_note_deliveries,
    visible_articles,
)
from hypercare.knowledge.services import (
    ArticleContent,
    add_article_file,
    change_article_status,
    create_article,
    draft_article_from_ticket,
    flag_training_gap,
    revise_article,
    set_related_articles,
)
from hypercare.knowledge.training_notes import send_training_note, write_training_note
from hypercare.lib import clock
from hypercare.links.choices import LinkKind
from hypercare.links.models import TicketLink
from hypercare.links.selectors import ticket_links
from hypercare.links.services import link_tickets, merge_tickets
from hypercare.macros.choices import MacroEventKind
from hypercare.macros.models import Macro
from hypercare.macros.selectors import visible_macros
from hypercare.macros.services import MacroSteps, apply_macro, create_macro
from hypercare.mail import selectors
from hypercare.mail.choices import InboundStatus, MailEventKind
from hypercare.mail.intake import process
from hypercare.mail.models import InboundMessage, QuarantineAction
from hypercare.mail.selectors import raw_message, with_shown_messages
from hypercare.mail.services import store_raw
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import InAppNotification, OutboxMessage
from hypercare.notifications.services import notify
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution, Integration, IntegrationContact, Module
from hypercare.orgs.selectors import (
    desk_day,
    get_visible_institution,
    visible_institutions,
    visible_integrations,
    visible_modules,
)
from hypercare.problems.choices import ProblemTicketEventKind
from hypercare.problems.models import Problem
from hypercare.problems.selectors import (
    ProblemFilters,
    incident_problems,
    problem_incidents,
    problem_list,
    ticket_problems,
    visible_problems,
)
from hypercare.problems.services.records import ProblemDetails, create_problem, link_incident
from hypercare.problems.services.workaround import publish_workaround
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.selectors import notes_for
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    edit_note_item,
    plan_for_release,
    ship_release,
)
from hypercare.reports.choices import PackKind, PackStatus
from hypercare.reports.models import DayCounts, ReviewPack, TimeBins
from hypercare.reports.packs import visible_packs
from hypercare.reports.recurring import recurring
from hypercare.reports.selectors import ReportFilters, dashboard, report_filters
from hypercare.reports.services import (
    build_queued_packs,
    create_pack_schedule,
    request_pack,
    run_due_schedules,
)
from hypercare.reports.time_spent import time_entries
from hypercare.reports.titlecounts import readable_counts
from hypercare.security.models import SignedInSession, TwoFactorDevice, TwoFactorPolicy
from hypercare.security.selectors import open_sessions, policy_institutions
from hypercare.security.services.two_factor import begin_enrolment, confirm_enrolment
from hypercare.sso.models import IdentityProvider
from hypercare.sso.selectors import visible_providers
from hypercare.sso.services import ProviderSettings, configure_provider
from hypercare.surveys.links import token_for
from hypercare.surveys.models import Survey
from hypercare.surveys.selectors import survey_of_ticket
from hypercare.surveys.services import answer_by_link
from hypercare.tags.choices import TagEventKind
from hypercare.tags.models import Tag, Tagging
from hypercare.tags.selectors import ticket_tags, visible_tags
from hypercare.tags.services import add_tag
from hypercare.tickets.choices import Category, EventKind, Status
from hypercare.tickets.models import (
    Attachment,
    Participant,
    PendingUpload,
    Presence,
    SavedView,
    Ticket,
    TicketEvent,
)
from hypercare.tickets.saved_views import saved_view_counts, usable_saved_views, view_tickets
from hypercare.tickets.selectors import (
    TicketFilters,
    get_visible_attachment,
    get_visible_ticket,
    others_present,
    pending_uploads,
    ticket_attachments,
    ticket_list,
    time_on_ticket,
    timeline,
    visible_tickets,
)
from hypercare.tickets.services.attachments import add_attachment, attachment_path, keep_upload
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.intake import open_ticket
from hypercare.tickets.services.presence import record_presence
from hypercare.tickets.services.saved_views import create_saved_view
from hypercare.tickets.services.watchers import add_watcher
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.access_requests import builders as access_builders
from tests.api.conftest import ApiClient
from tests.lib import samples
from tests.mail.quarantined import quarantined
from tests.web.conftest import signed_in


@dataclass
class World:
    users: dict[str, User]
    tickets: dict[str, Ticket]
    northfield: Institution
    southbank: Institution
    integrations: dict[str, Integration]


@pytest.fixture
def world(
    institution: Institution,
    other_institution: Institution,
    requester: User,
    colleague: User,
    key_user: User,
    outsider: User,
    agent: User,
    tier2_agent: User,
) -> World:
    module_owner = factories.user(Role.MODULE_OWNER, institution=institution, username="mo")
    factories.module(institution, ModuleCode.FINANCE).owners.add(module_owner)
    southbank_requester = factories.requester(other_institution, username="sam")
    users = {
        "requester": requester,
        "colleague": colleague,
        "key_user": key_user,
        "module_owner": module_owner,
        "institution_admin": factories.user(
            Role.INSTITUTION_ADMIN, institution=institution, username="ines"
        ),
        "data_owner": factories.user(Role.DATA_OWNER, institution=institution, username="dora"),
        "outsider": outsider,
        "southbank_requester": southbank_requester,
        "tier1": agent,
        "tier2": tier2_agent,
        "support_manager": factories.agent(Role.SUPPORT_MANAGER, username="meera"),
    }
    title = "Receipt printing fails"
    tickets = {
        "riya_finance": factories.ticket(requester, title=title),
        "riya_by_key_user": factories.ticket(
            requester, actor=key_user, title=title, module_code=ModuleCode.EXAMS
        ),
        "colleague_exams": factories.ticket(colleague, title=title, module_code=ModuleCode.EXAMS),
        "colleague_finance": factories.ticket(colleague, title=title),
        "owner_hr": factories.ticket(module_owner, title=title, module_code=ModuleCode.HR),
        "southbank_finance": factories.ticket(southbank_requester, title=title),
    }
    integrations = {
        "northfield": factories.integration(institution, name="Northfield gateway"),
        "southbank": factories.integration(other_institution, name="Southbank SMS"),
    }
    return World(users, tickets, institution, other_institution, integrations)


NORTHFIELD = {
    "riya_finance",
    "riya_by_key_user",
    "colleague_exams",
    "colleague_finance",
    "owner_hr",
}
EVERYTHING = NORTHFIELD | {"southbank_finance"}
SEES: dict[str, set[str]] = {
    "requester": {"riya_finance", "riya_by_key_user"},
    "colleague": {"colleague_exams", "colleague_finance"},
    "key_user": NORTHFIELD,
    "institution_admin": NORTHFIELD,
    "module_owner": {"riya_finance", "colleague_finance", "owner_hr"},
    "data_owner": set(),
    "outsider": {"southbank_finance"},
    "southbank_requester": {"southbank_finance"},
    "tier1": EVERYTHING,
    "tier2": EVERYTHING,
    "support_manager": EVERYTHING,
}


def _names(world: World, pks: Iterable[int]) -> set[str]:
    by_pk = {ticket.pk: name for name, ticket in world.tickets.items()}
    return {by_pk[pk] for pk in pks}


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_sees_exactly_their_tickets(world: World, persona: str) -> None:
    user = world.users[persona]
    assert _names(world, visible_tickets(user).values_list("pk", flat=True)) == SEES[persona]


@pytest.mark.parametrize("persona", SEES)
def test_get_visible_ticket_hides_what_the_persona_may_not_see(world: World, persona: str) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        if name in SEES[persona]:
            assert get_visible_ticket(user, ticket.pk) == ticket
        else:
            with pytest.raises(NotFound):
                get_visible_ticket(user, ticket.pk)


@pytest.mark.parametrize("persona", SEES)
def test_search_finds_only_visible_tickets(world: World, persona: str) -> None:
    user = world.users[persona]
    found = ticket_list(user, TicketFilters(text="receipt printing"))
    assert found.count() == len(SEES[persona])
    assert _names(world, found.values_list("pk", flat=True)) == SEES[persona]


@pytest.mark.parametrize("persona", SEES)
def test_reference_search_finds_only_visible_tickets(world: World, persona: str) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        found = ticket_list(user, TicketFilters(text=ticket.reference.lower()))
        assert found.count() == (1 if name in SEES[persona] else 0)


@pytest.mark.parametrize("persona", SEES)
def test_filters_never_widen_what_is_visible(world: World, persona: str) -> None:
    user = world.users[persona]
    for filters in (
        TicketFilters(institution=world.northfield.pk),
        TicketFilters(institution=world.southbank.pk),
        TicketFilters(assignee="none"),
        TicketFilters(module=(ModuleCode.FINANCE,)),
    ):
        found = _names(world, ticket_list(user, filters).values_list("pk", flat=True))
        assert found <= SEES[persona]


@pytest.mark.parametrize("persona", ["requester", "tier1"])
def test_inactive_user_sees_nothing(world: World, persona: str) -> None:
    user = world.users[persona]
    user.is_active = False
    user.save()
    assert not visible_tickets(user).exists()
    assert ticket_list(user, TicketFilters(text="receipt")).count() == 0
    assert not visible_institutions(user).exists()
    assert not visible_modules(user).exists()
    with pytest.raises(NotFound):
        get_visible_ticket(user, world.tickets["riya_finance"].pk)


def test_a_requester_may_reply_to_their_own_ticket_only_while_active_and_of_its_institution(
    world: World,
) -> None:
    """``can_see_ticket`` answers a person's own ticket without the database: it must still
    refuse them once they are deactivated or belong to another institution."""
    requester, own = world.users["requester"], world.tickets["riya_finance"]
    assert access.can_reply(requester, own)
    requester.institution = world.southbank
    assert not access.can_reply(requester, own)
    requester.institution = world.northfield
    requester.is_active = False
    assert not access.can_reply(requester, own)


def test_module_ownership_elsewhere_grants_nothing_at_northfield(world: World) -> None:
    """A misconfigured owner from another institution still sees only their own."""
    stranger = factories.user(Role.MODULE_OWNER, institution=world.southbank)
    factories.module(world.northfield, ModuleCode.FINANCE).owners.add(stranger)
    assert not visible_tickets(stranger).exists()


# Institutions, modules, integrations --------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "institutions"),
    [
        ("requester", {"northfield"}),
        ("module_owner", {"northfield"}),
        ("key_user", {"northfield"}),
        ("outsider", {"southbank"}),
        ("tier1", {"northfield", "southbank"}),
    ],
)
def test_institution_data_is_scoped(world: World, persona: str, institutions: set[str]) -> None:
    user = world.users[persona]
    assert set(visible_institutions(user).values_list("slug", flat=True)) == institutions
    slugs = set(visible_modules(user).values_list("institution__slug", flat=True))
    assert slugs == institutions
    assert visible_modules(user).count() == 12 * len(institutions)
    assert set(visible_integrations(user).values_list("institution__slug", flat=True)) == (
        institutions
    )


def test_outsider_cannot_open_northfields_institution(world: World) -> None:
    outsider = world.users["outsider"]
    with pytest.raises(NotFound):
        get_visible_institution(outsider, world.northfield.pk)
    assert get_visible_institution(outsider, world.southbank.pk) == world.southbank
    assert world.integrations["northfield"] not in visible_integrations(outsider)


# What an outsider may not do ----------------------------------------------------------


def test_outsider_cannot_open_a_ticket_for_a_northfield_requester(world: World) -> None:
    before = Ticket.objects.count()
    with pytest.raises(NotAllowed):
        open_ticket(
            actor=world.users["outsider"],
            institution=world.northfield,
            requester=world.users["requester"],
            module=factories.module(world.northfield),
            category="question",
            title="Hello",
            description="Let me in",
            urgency="low",
            impact="low",
            channel="portal",
            category_details={"screen_or_report": "Home"},
        )
    assert Ticket.objects.count() == before


def test_outsider_cannot_reply_add_files_or_change_status(world: World) -> None:
    outsider, ticket = world.users["outsider"], world.tickets["riya_finance"]
    change_status(ticket=ticket, actor=world.users["tier1"], status=Status.RESOLVED)
    events_before = ticket.events.count()
    with pytest.raises(NotAllowed):
        add_public_reply(ticket=ticket, actor=outsider, body="Hi")
    with pytest.raises(NotAllowed):
        add_attachment(ticket=ticket, actor=outsider, name="x.png", content=BytesIO(samples.png()))
    with pytest.raises(NotAllowed):
        change_status(ticket=ticket, actor=outsider, status=Status.CLOSED)
    with pytest.raises(NotAllowed):
        add_internal_note(ticket=ticket, actor=outsider, body="Hi")
    assert ticket.events.count() == events_before
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("persona", SEES)
def test_can_reply_matches_visibility(world: World, persona: str) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        assert access.can_reply(user, ticket) is (name in SEES[persona]), name


# Internal notes and internal files ----------------------------------------------------


@pytest.fixture
def worked_ticket(world: World) -> Ticket:
    ticket = world.tickets["riya_finance"]
    agent = world.users["tier1"]
    add_public_reply(ticket=ticket, actor=agent, body="We are on it.")
    add_internal_note(ticket=ticket, actor=agent, body="Template 42 is corrupt.")
    add_attachment(ticket=ticket, actor=agent, name="fix.png", content=BytesIO(samples.png()))
    add_attachment(
        ticket=ticket,
        actor=agent,
        name="trace.log",
        content=BytesIO(samples.log()),
        is_internal=True,
    )
    return ticket


INSTITUTION_SIDE = ["requester", "key_user", "module_owner", "institution_admin"]


@pytest.mark.parametrize("persona", INSTITUTION_SIDE)
def test_internal_entries_never_reach_institution_users(
    world: World, worked_ticket: Ticket, persona: str
) -> None:
    user = world.users[persona]
    events = list(timeline(user, worked_ticket))
    assert not any(event.is_internal for event in events)
    assert EventKind.INTERNAL_NOTE not in {event.kind for event in events}
    assert "trace.log" not in {event.new_value for event in events}
    assert [a.original_name for a in ticket_attachments(user, worked_ticket)] == ["fix.png"]
    internal = Attachment.objects.get(original_name="trace.log")
    with pytest.raises(NotFound):
        get_visible_attachment(user, internal.pk)
    public = Attachment.objects.get(original_name="fix.png")
    assert get_visible_attachment(user, public.pk) == public


@pytest.mark.parametrize("persona", ["tier1", "tier2", "support_manager"])
def test_agents_see_internal_entries(world: World, worked_ticket: Ticket, persona: str) -> None:
    user = world.users[persona]
    kinds = [event.kind for event in timeline(user, worked_ticket)]
    assert EventKind.INTERNAL_NOTE in kinds
    names = {a.original_name for a in ticket_attachments(user, worked_ticket)}
    assert names == {"fix.png", "trace.log"}
    internal = Attachment.objects.get(original_name="trace.log")
    assert get_visible_attachment(user, internal.pk) == internal


@pytest.mark.parametrize("persona", ["colleague", "data_owner", "outsider", "southbank_requester"])
def test_attachments_of_invisible_tickets_are_not_found(
    world: World, worked_ticket: Ticket, persona: str
) -> None:
    user = world.users[persona]
    for attachment in Attachment.objects.all():
        with pytest.raises(NotFound):
            get_visible_attachment(user, attachment.pk)


def test_missing_attachment_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        get_visible_attachment(world.users["tier1"], 987654)


# Predicates ---------------------------------------------------------------------------


def test_only_active_agents_are_agents(world: World) -> None:
    assert access.is_agent(world.users["tier1"])
    assert not access.is_agent(world.users["key_user"])
    assert not access.is_agent(world.users["institution_admin"])
    tier2 = world.users["tier2"]
    tier2.is_active = False
    tier2.save()
    assert not access.is_agent(tier2)
    assert not access.can_work_ticket(tier2)
    assert not access.can_be_assigned(tier2)


def test_only_managers_configure_the_desk(world: World) -> None:
    assert access.can_manage_desk(world.users["support_manager"])
    assert not access.can_manage_desk(world.users["tier1"])
    assert not access.can_manage_desk(world.users["institution_admin"])


# Endpoints that read about one ticket ---------------------------------------------------


@pytest.mark.parametrize("persona", SEES)
def test_a_tickets_next_steps_and_sla_are_found_only_where_it_is_visible(
    world: World, persona: str
) -> None:
    client = ApiClient(world.users[persona])
    for name, ticket in world.tickets.items():
        steps = client.get(f"/tickets/{ticket.reference}/escalation-steps")
        sla = client.get(f"/tickets/{ticket.reference}/sla")
        if name not in SEES[persona]:
            assert (steps.status_code, sla.status_code) == (404, 404), name
            continue
        assert steps.status_code == 200, name
        assert sla.status_code == (200 if access.can_see_internal(world.users[persona]) else 403)


INTAKE_FIELDS = {"institution_id", "requester_id", "channel"}
REFUSED_AT_INTAKE: dict[str, set[str]] = {
    "requester": {"institution_id", "requester_id", "channel"},
    "module_owner": {"institution_id", "requester_id", "channel"},
    "key_user": {"institution_id", "channel"},
    "institution_admin": {"institution_id", "channel"},
    "tier1": set(),
    "support_manager": set(),
}


@pytest.mark.parametrize("persona", REFUSED_AT_INTAKE)
def test_only_support_staff_record_how_a_ticket_came_in(world: World, persona: str) -> None:
    refused = access.refused_intake_fields(world.users[persona], INTAKE_FIELDS)
    assert refused == REFUSED_AT_INTAKE[persona]


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_open_a_desk_ticket_or_search_an_institutions_people(
    world: World, persona: str
) -> None:
    """The desk's new ticket and its requester search: agents find any institution's
    people; nobody else reaches the page, and the search names no one to them."""
    user, riya = world.users[persona], world.users["requester"]
    module = world.tickets["riya_finance"].module
    client = signed_in(user)
    search = client.get(
        f"/desk/new/requesters/?module={module.pk}&q=riya", headers={"HX-Request": "true"}
    )
    page = client.get(f"/desk/new/?module={module.pk}&category=question")
    before = Ticket.objects.count()
    posted = client.post("/desk/new/", {"module": module.pk, "category": "question"})
    agent = SEES[persona] == EVERYTHING
    assert (search.status_code, page.status_code) == ((200, 200) if agent else (302, 302))
    assert (f'value="{riya.pk}"' in search.content.decode()) == agent
    assert posted.status_code == (422 if agent else 302)
    assert Ticket.objects.count() == before


def test_an_outsider_finds_no_requester_of_another_institution(world: World) -> None:
    outsider = world.users["outsider"]
    assert not requester_candidates(outsider, world.northfield.pk, "riya").exists()
    assert world.users["southbank_requester"] in requester_candidates(outsider, world.southbank.pk)


@pytest.mark.parametrize("persona", SEES)
def test_pending_uploads_are_only_their_owners_in_the_same_session(
    world: World, persona: str
) -> None:
    """Even the desk's agents cannot see or claim a file someone has not sent yet."""
    uploads = {
        name: keep_upload(
            actor=user, session_key=f"s-{name}", name="a.png", content=BytesIO(samples.png())
        )
        for name, user in world.users.items()
    }
    user = world.users[persona]
    all_ids = [upload.pk for upload in uploads.values()]
    assert list(pending_uploads(user, session_key=f"s-{persona}", ids=all_ids)) == [
        uploads[persona]
    ]
    assert not pending_uploads(user, session_key="another-session", ids=all_ids).exists()
    someone_else = next(name for name in uploads if name != persona)
    replies_to = [t for t in world.tickets.values() if access.can_reply(user, t)]
    for ticket in replies_to:
        with pytest.raises(NotAllowed):
            add_public_reply(
                ticket=ticket, actor=user, body="Mine now", uploads=[uploads[someone_else]]
            )
    assert not Attachment.objects.exists()
    assert PendingUpload.objects.count() == len(uploads)


def test_an_inactive_user_has_no_pending_uploads(world: World) -> None:
    user = world.users["requester"]
    upload = keep_upload(actor=user, session_key="s", name="a.png", content=BytesIO(samples.png()))
    user.is_active = False
    user.save()
    assert not pending_uploads(user, session_key="s", ids=[upload.pk]).exists()


# The mail quarantine ---------------------------------------------------------------------

# A quarantined message's raw source may hold anyone's data: only desk managers see it.
NOT_QUARANTINE_MANAGERS = [persona for persona in SEES if persona != "support_manager"]
QUARANTINE_WRITES = {
    "discard": {"reason": "Spam"},
    "retry": {},
    "attach": {"ticket": "HC-1"},
}


@pytest.mark.parametrize("persona", NOT_QUARANTINE_MANAGERS)
def test_quarantined_mail_is_not_found_by_anyone_but_managers_via_the_api(
    world: World, persona: str
) -> None:
    message = quarantined()
    client = ApiClient(world.users[persona])

    listed = client.get("/mail/quarantine")
    assert listed.status_code == 404
    assert "count" not in listed.json()
    assert client.get(f"/mail/messages/{message.pk}").status_code == 404
    assert client.get(f"/mail/messages/{message.pk}/raw").status_code == 404
    opening = {"institution_id": world.northfield.pk, "requester_id": world.users["requester"].pk}
    for action, body in {**QUARANTINE_WRITES, "open-ticket": opening}.items():
        assert client.post(f"/mail/messages/{message.pk}/{action}", body).status_code == 404
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED
    assert not QuarantineAction.objects.exists()
    assert Ticket.objects.count() == len(world.tickets)


@pytest.mark.parametrize("persona", NOT_QUARANTINE_MANAGERS)
def test_quarantined_mail_is_not_found_by_anyone_but_managers_on_the_web(
    world: World, persona: str
) -> None:
    message = quarantined()
    client = signed_in(world.users[persona])

    assert client.get("/desk/mail/quarantine/").status_code == 404
    assert client.get(f"/desk/mail/messages/{message.pk}/").status_code == 404
    assert client.get(f"/desk/mail/messages/{message.pk}/raw/").status_code == 404
    opening = {"institution": world.northfield.pk, "requester": world.users["requester"].pk}
    for action, body in {**QUARANTINE_WRITES, "open-ticket": opening}.items():
        answer = client.post(f"/desk/mail/messages/{message.pk}/{action}/", body)
        assert answer.status_code == 404
    home = client.get("/", follow=True).content.decode()
    assert "data-quarantine-count" not in home
    assert selectors.quarantine_count(world.users[persona]) == 0
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED
    assert not QuarantineAction.objects.exists()


def test_a_support_manager_sees_the_quarantine(world: World) -> None:
    message = quarantined()
    manager = world.users["support_manager"]

    assert ApiClient(manager).get(f"/mail/messages/{message.pk}").status_code == 200
    assert signed_in(manager).get(f"/desk/mail/messages/{message.pk}/").status_code == 200
    assert selectors.quarantine_count(manager) == 1


# The configuration audit names people and every institution's setup: system admins only.
@pytest.mark.parametrize("persona", SEES)
def test_the_configuration_audit_is_not_found_by_anyone_but_system_admins(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    assert AuditEntry.objects.exists()
    api = ApiClient(user)
    listed = api.get("/audit")
    assert listed.status_code == 404
    assert "count" not in listed.json()
    assert api.get(f"/audit/people/{user.pk}/roles").status_code == 404
    web = signed_in(user)
    assert web.get("/desk/audit/").status_code == 404
    assert "/desk/audit/" not in web.get("/", follow=True).content.decode()
    assert not AuditEntry.objects.filter(access.audit_scope(user)).exists()
    assert not audit_selectors.audit_actors(user).exists()


def test_a_system_admin_reads_the_configuration_audit(world: World) -> None:
    sysadmin = factories.user(Role.ADMIN, username="sysadmin")
    assert ApiClient(sysadmin).get("/audit").json()["count"] == AuditEntry.objects.count()
    assert signed_in(sysadmin).get("/desk/audit/").status_code == 200
    role_of_another_institution = world.users["southbank_requester"].pk
    spells = ApiClient(sysadmin).get(f"/audit/people/{role_of_another_institution}/roles")
    assert [spell["role"] for spell in spells.json()] == [Role.REQUESTER]


RAW_MAIL_READERS = {"tier1", "tier2", "support_manager"}


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_read_a_received_messages_raw_source(world: World, persona: str) -> None:
    riya = world.users["requester"]
    raw = f"From: {riya.email}\r\nSubject: Re: [{world.tickets['riya_finance'].reference}]\r\n"
    stored = store_raw(raw=(raw + "\r\nStill blank.\r\n").encode(), mailbox=None)
    message = process(stored.message)
    assert message.ticket == world.tickets["riya_finance"]
    user = world.users[persona]

    if persona in RAW_MAIL_READERS:
        assert raw_message(user, message.pk) == message
    else:
        with pytest.raises(NotFound):
            raw_message(user, message.pk)


@pytest.mark.parametrize("persona", ["tier1", "tier2"])
def test_agents_read_no_raw_source_of_a_quarantined_message(world: World, persona: str) -> None:
    message = quarantined()

    with pytest.raises(NotFound):
        raw_message(world.users[persona], message.pk)
    assert raw_message(world.users["support_manager"], message.pk) == message


@pytest.mark.parametrize("persona", SEES)
def test_a_received_messages_inline_image_reaches_only_who_sees_its_ticket(
    world: World, persona: str
) -> None:
    ticket = world.tickets["riya_finance"]
    raw = (
        f"From: {world.users['requester'].email}\r\nSubject: Re: [{ticket.reference}]\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
        '--b\r\nContent-Type: text/html\r\n\r\n<p>See:</p><img src="cid:shot@x">\r\n'
        "--b\r\nContent-Type: image/png\r\nContent-ID: <shot@x>\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.b64encode(samples.png()).decode()}\r\n--b--\r\n"
    )
    process(store_raw(raw=raw.encode(), mailbox=None).message)
    image = ticket.attachments.get()
    user = world.users[persona]

    if "riya_finance" in SEES[persona]:
        events = with_shown_messages(timeline(user, get_visible_ticket(user, ticket.pk)))
        shown = [
            event.shown_message.images
            for event in events
            if event.kind == MailEventKind.EMAIL_RECEIVED
        ]
        assert shown == [[["shot@x", image.pk]]]
        assert get_visible_attachment(user, image.pk) == image
    else:
        with pytest.raises(NotFound):
            get_visible_ticket(user, ticket.pk)
        with pytest.raises(NotFound):
            get_visible_attachment(user, image.pk)


# Participants and links between tickets --------------------------------------------


@pytest.fixture
def merged_world(world: World) -> World:
    """The colleague's Finance ticket merged into Riya's: the colleague follows it."""
    merge_tickets(
        duplicate=world.tickets["colleague_finance"],
        survivor=world.tickets["riya_finance"],
        actor=world.users["tier1"],
    )
    return world


def _sees_after_merge(persona: str) -> set[str]:
    return SEES[persona] | ({"riya_finance"} if persona == "colleague" else set())


@pytest.mark.parametrize("persona", SEES)
def test_a_participant_sees_and_replies_to_the_ticket_they_follow(
    merged_world: World, persona: str
) -> None:
    user = merged_world.users[persona]
    seen = _names(merged_world, visible_tickets(user).values_list("pk", flat=True))
    assert seen == _sees_after_merge(persona)
    for name, ticket in merged_world.tickets.items():
        assert access.can_reply(user, ticket) is (name in seen), name


def test_a_participant_writes_by_mail_but_does_not_confirm_or_reopen(merged_world: World) -> None:
    colleague = merged_world.users["colleague"]
    followed = Ticket.objects.get(pk=merged_world.tickets["riya_finance"].pk)
    followed.status = Status.RESOLVED
    assert access.can_write_by_mail(colleague, followed)
    assert not access.can_set_status(colleague, followed, Status.CLOSED)
    assert not access.can_write_by_mail(merged_world.users["data_owner"], followed)


def test_following_another_institutions_ticket_grants_nothing(world: World) -> None:
    """A participant row naming someone of another institution (never made by a merge,
    which stays within one) opens nothing: the scope asks for the institution too."""
    stranger = world.users["southbank_requester"]
    ticket = world.tickets["riya_finance"]
    Participant.objects.create(ticket=ticket, user=stranger, added_at=ticket.created_at)
    assert _names(world, visible_tickets(stranger).values_list("pk", flat=True)) == {
        "southbank_finance"
    }
    assert not access.can_reply(stranger, ticket)
    assert not access.can_write_by_mail(stranger, ticket)


# Who each persona may add as a watcher of Riya's Finance ticket: None when the ticket
# is not theirs to see (refused before anyone is named).
MAY_ADD_WATCHERS: dict[str, set[str] | None] = {
    "requester": {"colleague"},
    "colleague": None,
    "key_user": {"colleague"},
    "institution_admin": {"colleague"},
    "module_owner": {"colleague"},
    "data_owner": None,
    "outsider": None,
    "southbank_requester": None,
    "tier1": {"colleague", "tier2"},
    "tier2": {"colleague", "tier2"},
    "support_manager": {"colleague", "tier2"},
}


@pytest.mark.parametrize("persona", MAY_ADD_WATCHERS)
def test_who_may_add_whom_as_a_watcher(world: World, persona: str) -> None:
    """Nobody adds a person of another institution; only support staff add support
    staff; who cannot see the ticket adds nobody."""
    user, ticket = world.users[persona], world.tickets["riya_finance"]
    allowed = MAY_ADD_WATCHERS[persona]
    for name in ("colleague", "tier2", "southbank_requester"):
        watcher = world.users[name]
        if allowed is None:
            with pytest.raises(NotAllowed):
                add_watcher(ticket=ticket, actor=user, watcher=watcher)
        elif name in allowed:
            add_watcher(ticket=ticket, actor=user, watcher=watcher)
        else:
            with pytest.raises(ValidationFailed):
                add_watcher(ticket=ticket, actor=user, watcher=watcher)
    watching = set(ticket.participants.values_list("user__username", flat=True))
    assert watching == {world.users[name].username for name in allowed or ()}


@pytest.mark.parametrize("persona", SEES)
def test_watchers_are_found_only_where_the_ticket_is_visible(world: World, persona: str) -> None:
    """Through the API: another institution's watchers, and the support staff watching
    (the desk's business), never reach an institution user."""
    ticket = world.tickets["riya_finance"]
    add_watcher(ticket=ticket, actor=world.users["tier1"], watcher=world.users["colleague"])
    add_watcher(ticket=ticket, actor=world.users["tier1"], watcher=world.users["tier2"])
    client = ApiClient(world.users[persona])

    answer = client.get(f"/tickets/{ticket.reference}/watchers")

    if "riya_finance" not in _sees_as_watcher(persona):
        assert answer.status_code == 404
        return
    names = {row["user"]["username"] for row in answer.json()}
    staff = persona in ("tier1", "tier2", "support_manager")
    assert names == ({"colleague", "tomas"} if staff else {"colleague"})


def _sees_as_watcher(persona: str) -> set[str]:
    return SEES[persona] | ({"riya_finance"} if persona == "colleague" else set())


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_look_up_whom_to_mention(world: World, persona: str) -> None:
    ticket = world.tickets["riya_finance"]
    answer = ApiClient(world.users[persona]).get(f"/tickets/{ticket.reference}/mentionable")
    if persona in ("tier1", "tier2", "support_manager"):
        assert {row["username"] for row in answer.json()} == {"tara", "tomas", "meera"}
    else:
        assert answer.status_code == (403 if "riya_finance" in SEES[persona] else 404)


def test_a_mention_in_an_internal_note_reaches_support_staff_only(world: World) -> None:
    """Every persona named, every institution persona watching: the note reaches the
    staff it names, and not one institution user."""
    ticket = world.tickets["riya_finance"]
    agent = world.users["tier1"]
    for name in ("colleague", "key_user", "tier2"):
        add_watcher(ticket=ticket, actor=agent, watcher=world.users[name])
    OutboxMessage.objects.all().delete()
    names = " ".join(f"@{user.username}" for user in world.users.values())

    add_internal_note(ticket=ticket, actor=agent, body=f"Please look: {names}")

    reached = set(OutboxMessage.objects.values_list("to_email", flat=True))
    assert reached == {world.users["tier2"].email, world.users["support_manager"].email}


def test_a_watcher_row_of_another_institution_hears_nothing(world: World) -> None:
    """A participant row naming someone of another institution (never made by the
    watcher services) neither opens the ticket nor brings them its news."""
    stranger = world.users["southbank_requester"]
    ticket = world.tickets["riya_finance"]
    Participant.objects.create(ticket=ticket, user=stranger, added_at=ticket.created_at)
    OutboxMessage.objects.all().delete()

    add_public_reply(ticket=ticket, actor=world.users["tier1"], body="Fixed tomorrow.")

    assert not OutboxMessage.objects.filter(to_email=stranger.email).exists()
    assert OutboxMessage.objects.filter(to_email=world.users["requester"].email).exists()


LINKS = {
    ("riya_finance", "colleague_finance"): LinkKind.RELATED,
    ("riya_finance", "southbank_finance"): LinkKind.CAUSED_BY,
    ("owner_hr", "colleague_exams"): LinkKind.PARENT_OF,
}


@pytest.fixture
def linked_world(world: World) -> World:
    for (source, target), kind in LINKS.items():
        link_tickets(
            ticket=world.tickets[source],
            other=world.tickets[target],
            kind=kind,
            actor=world.users["tier2"],
        )
    return world


def _links_seen(persona: str, ticket: str) -> set[str]:
    """The tickets at the other end of ``ticket``'s links that ``persona`` is shown."""
    return {
        target if source == ticket else source
        for source, target in LINKS
        if ticket in (source, target) and {source, target} <= SEES[persona]
    }


@pytest.mark.parametrize("persona", SEES)
def test_a_link_shows_only_where_both_its_tickets_are_visible(
    linked_world: World, persona: str
) -> None:
    user = linked_world.users[persona]
    client = ApiClient(user)
    for name in SEES[persona]:
        ticket = linked_world.tickets[name]
        shown = {view.other.pk for view in ticket_links(user, ticket)}
        assert _names(linked_world, shown) == _links_seen(persona, name), name
        listed = {row["ticket"]["id"] for row in client.get(f"/tickets/{ticket.pk}/links").json()}
        assert _names(linked_world, listed) == _links_seen(persona, name), name


@pytest.mark.parametrize("persona", [*INSTITUTION_SIDE, "outsider", "southbank_requester"])
def test_another_institutions_reference_never_reaches_an_institution_user(
    linked_world: World, persona: str
) -> None:
    """Not on the portal page, not in the API's detail, not on the timeline."""
    user = linked_world.users[persona]
    client, web = ApiClient(user), signed_in(user)
    own = {"southbank_finance"} if user.institution == linked_world.southbank else NORTHFIELD
    foreign = [linked_world.tickets[name].reference for name in EVERYTHING - own]
    for name in SEES[persona]:
        ticket = linked_world.tickets[name]
        answers = [
            web.get(f"/portal/tickets/{ticket.pk}/").content.decode(),
            client.get(f"/tickets/{ticket.pk}").content.decode(),
            client.get(f"/tickets/{ticket.pk}/events").content.decode(),
        ]
        for answer in answers:
            assert not [reference for reference in foreign if reference in answer], name


@pytest.mark.parametrize("persona", sorted(set(SEES) - {"tier1", "tier2", "support_manager"}))
def test_only_support_staff_link_merge_or_split(linked_world: World, persona: str) -> None:
    user = linked_world.users[persona]
    one, two = linked_world.tickets["riya_by_key_user"], linked_world.tickets["colleague_exams"]
    with pytest.raises(NotAllowed):
        link_tickets(ticket=one, other=two, kind=LinkKind.RELATED, actor=user)
    with pytest.raises(NotAllowed):
        merge_tickets(duplicate=one, survivor=two, actor=user)
    assert not TicketLink.objects.filter(source=one).exists()


# Major incidents: one outage spanning Northfield and Southbank, with a child of each, and
# one affecting Southbank only.
INCIDENT_CHILDREN = {"riya_finance", "southbank_finance"}
AGENTS = {"tier1", "tier2", "support_manager"}
SOUTHBANK_SIDE = {"outsider", "southbank_requester"}


def _declare(world: World, *, institutions: list[Institution], title: str) -> MajorIncident:
    return declare_major_incident(
        actor=world.users["support_manager"],
        declaration=Declaration(
            title=title,
            module_code=ModuleCode.FINANCE,
            integration_kind="",
            impact="Nobody can pay online.",
            institutions=institutions,
            started_at=clock.now(),
            update_every_hours=1,
        ),
    )


@pytest.fixture
def outage(world: World) -> MajorIncident:
    incident = _declare(world, institutions=[world.northfield], title="Fee payments failing")
    for name in sorted(INCIDENT_CHILDREN):
        attach_child(
            incident=incident, ticket=world.tickets[name], actor=world.users["support_manager"]
        )
    return incident


@pytest.mark.parametrize("persona", SEES)
def test_major_incidents_show_each_persona_only_their_own_side(
    world: World, outage: MajorIncident, persona: str
) -> None:
    southbank_only = _declare(world, institutions=[world.southbank], title="SMS not sent")
    user = world.users[persona]
    own_side = {world.southbank.name} if persona in SOUTHBANK_SIDE else {world.northfield.name}
    sees_southbank_only = persona in AGENTS | SOUTHBANK_SIDE
    assert set(visible_incidents(user)) == (
        {outage, southbank_only} if sees_southbank_only else {outage}
    )
    children = {ticket.pk for ticket in incident_children(user, outage)}
    assert _names(world, children) == SEES[persona] & INCIDENT_CHILDREN
    institutions = {institution.name for institution in affected_institutions(user, outage)}
    both = {world.northfield.name, world.southbank.name}
    assert institutions == (both if persona in AGENTS else own_side)
    assert access.can_handle_major_incident(user) == (persona in {"tier2", "support_manager"})


def test_an_update_spanning_two_institutions_leaks_nothing_across(
    world: World, outage: MajorIncident
) -> None:
    post_incident_update(
        incident=outage,
        actor=world.users["support_manager"],
        body="The payment provider is restarting its gateway.",
    )
    north, south = world.tickets["riya_finance"], world.tickets["southbank_finance"]
    northfield_people = {world.users["requester"], world.users["institution_admin"]}
    southbank_people = {world.users["southbank_requester"], world.users["outsider"]}
    messages = OutboxMessage.objects.filter(
        event__in=[NotificationEvent.INCIDENT_UPDATE, NotificationEvent.INCIDENT_INSTITUTION_UPDATE]
    ).select_related("recipient")
    assert {message.recipient for message in messages} == northfield_people | southbank_people
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        assert "The payment provider is restarting its gateway." in text
        own, other = (north, south) if message.recipient in northfield_people else (south, north)
        assert own.reference in text
        assert other.reference not in text
        assert other.institution.name not in text
        assert re.search(rf"\b{re.escape(other.requester.display_name)}\b", text) is None
    for persona, own, other in (
        ("requester", north, south),
        ("southbank_requester", south, north),
    ):
        client = signed_in(world.users[persona])
        for address in ("/portal/", f"/portal/tickets/{own.pk}/"):
            page = client.get(address).content.decode()
            assert "Known issue:" in page
            assert "Fee payments failing since" in page
            assert other.reference not in page
            assert other.institution.name not in page
        update = client.get(f"/portal/tickets/{own.pk}/").content.decode()
        assert "The payment provider is restarting its gateway." in update
        assert client.get(f"/portal/tickets/{other.pk}/").status_code == 404


@pytest.mark.parametrize("persona", sorted(set(SEES) - {"tier2", "support_manager"}))
def test_only_managers_and_tier_2_and_3_change_a_major_incident(
    world: World, outage: MajorIncident, persona: str
) -> None:
    user = world.users[persona]
    with pytest.raises(NotAllowed):
        post_incident_update(incident=outage, actor=user, body="Nothing yet.")
    api = ApiClient(user)
    refused = api.post(f"/incidents/{outage.pk}/resolution", {"resolution": "Done."})
    assert refused.status_code == 403
    assert signed_in(user).post(
        f"/desk/incidents/{outage.pk}/update/", {"body": "x"}
    ).status_code in (
        302,
        403,
    )
    assert not outage.events.filter(body="x").exists()


# Release notes ---------------------------------------------------------------------------

# Each item is worded with its institution's name, so a leak shows in any text.
RELEASE_LINES = {
    "riya_finance": "Northfield receipts print again",
    "southbank_finance": "Southbank receipts print again",
}
NORTHFIELD_PEOPLE = {
    "requester", "colleague", "key_user", "module_owner", "institution_admin", "data_owner"
}  # fmt: skip
READS_RELEASE_LINES: dict[str, set[str]] = {
    **{persona: {"riya_finance"} for persona in NORTHFIELD_PEOPLE},
    "outsider": {"southbank_finance"},
    "southbank_requester": {"southbank_finance"},
    **{persona: set(RELEASE_LINES) for persona in ("tier1", "tier2", "support_manager")},
}


@pytest.fixture
def shipped_release(world: World) -> Release:
    manager = world.users["support_manager"]
    release = create_release(actor=manager, version="2025.3", notes="Receipts for everyone.")
    for name in RELEASE_LINES:
        plan_for_release(ticket=world.tickets[name], actor=manager, release=release)
    compile_release_notes(release=release, actor=manager)
    for name, line in RELEASE_LINES.items():
        item = ReleaseNoteItem.objects.get(key=str(world.tickets[name].pk))
        edit_note_item(item=item, actor=manager, text=line)
    return ship_release(release=release, actor=manager)


def _release_lines_in(world: World, text: str) -> set[str]:
    return {
        name
        for name, line in RELEASE_LINES.items()
        if line in text or world.tickets[name].reference in text
    }


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_their_institutions_release_notes(
    world: World, shipped_release: Release, persona: str
) -> None:
    user = world.users[persona]
    expected = READS_RELEASE_LINES[persona]
    side = "desk" if persona in ("tier1", "tier2", "support_manager") else "portal"
    page = signed_in(user).get(f"/{side}/releases/{shipped_release.pk}/")
    export = signed_in(user).get(f"/{side}/releases/{shipped_release.pk}/notes.txt")
    api = ApiClient(user).get(f"/releases/{shipped_release.pk}/notes")
    grouped = notes_for(user, shipped_release)

    assert {item.text for group in grouped for item in group.items} == {
        RELEASE_LINES[name] for name in expected
    }
    for answer in (page, export, api):
        assert answer.status_code == 200
        assert "Receipts for everyone." in answer.content.decode()
        assert _release_lines_in(world, answer.content.decode()) == expected


def test_the_release_announcement_tells_each_institution_only_its_own_items(
    world: World, shipped_release: Release
) -> None:
    mails = {
        mail.to_email: mail.body
        for mail in OutboxMessage.objects.filter(event=NotificationEvent.RELEASE_NOTES)
    }
    northfield_admin, southbank_admin = world.users["institution_admin"], world.users["outsider"]

    assert set(mails) == {northfield_admin.email, southbank_admin.email}
    assert _release_lines_in(world, mails[northfield_admin.email]) == {"riya_finance"}
    assert _release_lines_in(world, mails[southbank_admin.email]) == {"southbank_finance"}
    assert "Northfield" not in mails[southbank_admin.email]
    assert "Southbank" not in mails[northfield_admin.email]


def test_an_inactive_user_reads_no_release_note_items(
    world: World, shipped_release: Release
) -> None:
    user = world.users["institution_admin"]
    user.is_active = False
    user.save()

    assert notes_for(user, shipped_release) == []


# Problems ----------------------------------------------------------------------------------

# A problem gathers tickets of several institutions: support staff only. The requester side
# reads its workaround as a public entry on their own ticket, never the problem.
PROBLEM_READERS = {"tier1", "tier2", "support_manager"}


@pytest.fixture
def problem(world: World) -> Problem:
    agent = world.users["tier1"]
    problem = create_problem(
        actor=agent,
        details=ProblemDetails(
            title="Receipt printing fails at Southbank too", workaround="Print from Fees > Old."
        ),
        tickets=[world.tickets["riya_finance"], world.tickets["southbank_finance"]],
    )
    publish_workaround(problem=problem, actor=agent)
    return problem


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_read_problems_through_any_path(
    world: World, problem: Problem, persona: str
) -> None:
    user = world.users[persona]
    reads = persona in PROBLEM_READERS
    riya_ticket = world.tickets["riya_finance"]

    assert visible_problems(user).count() == int(reads)
    assert problem_list(user, ProblemFilters(text="receipt")).count() == int(reads)
    assert ticket_problems(user, riya_ticket).count() == int(reads)
    api = ApiClient(user)
    listed = api.get("/problems", {"q": "receipt"})
    detail = api.get(f"/problems/{problem.pk}")
    page = signed_in(user).get("/desk/problems/", {"q": "receipt"}, follow=True)
    if reads:
        assert (listed.status_code, listed.json()["count"], detail.status_code) == (200, 1, 200)
        assert problem.reference in page.content.decode()
    else:
        assert (listed.status_code, detail.status_code) == (404, 404)
        assert "count" not in listed.json()
        assert problem.reference not in page.content.decode()
        assert signed_in(user).get(f"/desk/problems/{problem.pk}/").status_code in (302, 404)


@pytest.mark.parametrize("persona", SEES)
def test_a_problems_workaround_reaches_only_the_timelines_of_visible_tickets(
    world: World, problem: Problem, persona: str
) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        if name not in SEES[persona]:
            continue
        events = list(timeline(user, ticket))
        texts = " ".join(f"{event.body} {event.old_value} {event.new_value}" for event in events)
        linked = name in ("riya_finance", "southbank_finance")
        posted = [e for e in events if e.kind == ProblemTicketEventKind.WORKAROUND_POSTED]
        assert [e.body for e in posted] == (["Print from Fees > Old."] if linked else [])
        if persona not in PROBLEM_READERS:
            assert problem.reference not in texts
            assert "Southbank" not in texts or name == "southbank_finance"


@pytest.mark.parametrize("persona", SEES)
def test_the_problem_behind_a_major_incident_shows_only_to_support_staff(
    world: World, problem: Problem, outage: MajorIncident, persona: str
) -> None:
    link_incident(problem=problem, incident=outage, actor=world.users["tier1"])
    user = world.users[persona]
    reads = persona in PROBLEM_READERS

    assert list(incident_problems(user, outage)) == ([problem] if reads else [])
    assert list(problem_incidents(user, problem)) == ([outage] if reads else [])
    page = signed_in(user).get(f"/desk/incidents/{outage.pk}/", follow=True).content.decode()
    assert (problem.reference in page) is reads
    assert (problem.title in page) is reads


# Integration tickets: traces and contact requests are the desk's working notes --------

INTEGRATION_WORKERS = {"tier1", "tier2", "support_manager"}


@pytest.fixture
def integration_world(world: World) -> World:
    agent = world.users["tier1"]
    for name, requester in (("riya", "requester"), ("sam", "southbank_requester")):
        integration = world.integrations["northfield" if name == "riya" else "southbank"]
        ticket = factories.ticket(
            world.users[requester],
            category=Category.INTEGRATION,
            category_details={"integration_id": integration.pk, "transaction_reference": "T-9"},
        )
        contact = IntegrationContact.objects.create(
            integration=integration, name=f"{name} vendor", email=f"{name}@vendor.example"
        )
        record_trace(ticket=ticket, actor=agent, transaction_reference="", finding="Stuck.")
        ask_contact(ticket=ticket, actor=agent, contact=contact, message=f"{name}: please look")
        world.tickets[f"{name}_integration"] = ticket
    return world


@pytest.mark.parametrize("persona", SEES)
def test_an_integration_tickets_work_is_read_and_done_by_support_staff_alone(
    integration_world: World, persona: str
) -> None:
    user = integration_world.users[persona]
    api = ApiClient(user)
    for name in ("riya_integration", "sam_integration"):
        ticket = integration_world.tickets[name]
        sees = visible_tickets(user).filter(pk=ticket.pk).exists()
        expected = 200 if persona in INTEGRATION_WORKERS else 403 if sees else 404
        assert api.get(f"/tickets/{ticket.reference}/integration").status_code == expected
        written = api.post(
            f"/tickets/{ticket.reference}/integration/traces", {"finding": "Mine."}
        ).status_code
        assert written == (201 if persona in INTEGRATION_WORKERS else 403 if sees else 404)
        if persona in INTEGRATION_WORKERS:
            continue
        assert TransactionTrace.objects.filter(ticket=ticket).count() == 1
        events = timeline(user, ticket) if sees else TicketEvent.objects.none()
        kinds = set(events.values_list("kind", flat=True))
        assert not kinds & set(IntegrationTicketEventKind.values)
        page = signed_in(user).get(f"/portal/tickets/{ticket.pk}/")
        assert "vendor.example" not in page.content.decode()


def test_a_contact_of_another_institutions_integration_cannot_be_asked(
    integration_world: World,
) -> None:
    southbank_contact = IntegrationContact.objects.get(name="sam vendor")
    ticket = integration_world.tickets["riya_integration"]
    answer = ApiClient(integration_world.users["tier1"]).post(
        f"/tickets/{ticket.reference}/integration/contact-requests",
        {"contact_id": southbank_contact.pk, "message": "Look at Northfield's payment"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "contact"
    mails = OutboxMessage.objects.filter(event=NotificationEvent.INTEGRATION_CONTACT_ASKED)
    assert sorted(mails.values_list("to_email", flat=True)) == [
        "riya@vendor.example",
        "sam@vendor.example",
    ]
    assert "Northfield" not in mails.get(to_email="sam@vendor.example").body


# Product ideas: every institution reads them and their counts; who voted and which
# tickets ask are for support staff, and each institution sees only its own tickets.


@pytest.fixture
def idea_world(world: World) -> tuple[World, Idea]:
    agent = world.users["tier1"]
    need = {"business_need": "SMS reminders"}
    asks = {
        "riya": factories.ticket(world.users["requester"], category=Category.ENHANCEMENT,
                                 category_details=need),
        "sam": factories.ticket(world.users["southbank_requester"], category=Category.ENHANCEMENT,
                                category_details=need),
    }  # fmt: skip
    idea = create_idea(
        actor=agent, title="SMS reminders", description="By SMS.", module_code="fees",
        ticket=asks["riya"],
    )  # fmt: skip
    link_idea_ticket(idea=idea, ticket=asks["sam"], actor=agent)
    world.tickets.update({f"{name}_idea": ticket for name, ticket in asks.items()})
    return world, idea


@pytest.mark.parametrize("persona", SEES)
def test_an_idea_shows_its_backers_only_to_support_staff(
    idea_world: tuple[World, Idea], persona: str
) -> None:
    world, idea = idea_world
    user = world.users[persona]
    staff = persona in {"tier1", "tier2", "support_manager"}
    sees_own = {
        name
        for name in ("riya_idea", "sam_idea")
        if visible_tickets(user).filter(pk=world.tickets[name].pk).exists()
    }

    assert idea_list(user).filter(pk=idea.pk).exists()
    assert idea_votes(user, idea).count() == (2 if staff else 0)
    assert {t.pk for t in idea_tickets(user, idea)} == {world.tickets[n].pk for n in sees_own}
    detail = ApiClient(user).get(f"/ideas/{idea.pk}").json()
    assert detail["vote_count"] == 2
    assert len(detail["votes"]) == (2 if staff else 0)
    assert {t["reference"] for t in detail["tickets"]} == {
        world.tickets[name].reference for name in sees_own
    }
    if not staff:
        page = signed_in(user).get(f"/portal/ideas/{idea.pk}/").content.decode()
        others = {"riya_idea", "sam_idea"} - sees_own
        assert not any(world.tickets[name].reference in page for name in others)
        other_institution = (
            world.southbank if user.institution == world.northfield else world.northfield
        )
        assert other_institution.name not in page


def test_only_key_users_and_admins_vote_and_only_for_their_own_institution(
    idea_world: tuple[World, Idea],
) -> None:
    world, idea = idea_world
    for persona in SEES:
        answer = ApiClient(world.users[persona]).post(f"/ideas/{idea.pk}/vote")
        voter = persona in ("key_user", "institution_admin", "outsider")
        assert answer.status_code == (200 if voter else 403), persona
    assert set(idea.votes.values_list("institution", flat=True)) == {
        world.northfield.pk,
        world.southbank.pk,
    }


# Training gaps judge what an institution's people know: support staff only.


@pytest.mark.parametrize("persona", SEES)
def test_training_gaps_are_read_and_flagged_by_support_staff_alone(
    world: World, persona: str
) -> None:
    ticket = world.tickets["riya_finance"]
    flag_training_gap(ticket=ticket, actor=world.users["tier1"], topic="Receipts", erp_role="Clerk")
    user = world.users[persona]
    staff = persona in {"tier1", "tier2", "support_manager"}
    sees = "riya_finance" in SEES[persona]
    api = ApiClient(user)

    assert training_gaps(user).count() == int(staff)
    assert api.get("/training-gaps").status_code == (200 if staff else 403)
    answer = {"topic": "Mine", "erp_role": "Clerk"}
    flagged = api.put(f"/tickets/{ticket.reference}/training-gap", answer)
    assert flagged.status_code == (200 if staff else 403 if sees else 404)
    if not staff and sees:
        kinds = set(timeline(user, ticket).values_list("kind", flat=True))
        assert not kinds & set(KnowledgeTicketEventKind.values)
        assert (
            "Receipts" not in signed_in(user).get(f"/portal/tickets/{ticket.pk}/").content.decode()
        )


# Data corrections: the data owner named at intake sees the ticket and signs it off ----


@dataclass
class CorrectionWorld:
    users: dict[str, User]
    tickets: dict[str, Ticket]
    extracts: dict[str, Attachment]


@pytest.fixture
def correction_world(
    institution: Institution,
    other_institution: Institution,
    requester: User,
    colleague: User,
    key_user: User,
    outsider: User,
    agent: User,
) -> CorrectionWorld:
    """A data correction at each institution, each naming its own data owner, with a CSV
    extract and sign-off asked for; and a Northfield data owner who is not named."""
    users = {
        "requester": requester,
        "colleague": colleague,
        "key_user": key_user,
        "named_owner": factories.user(Role.DATA_OWNER, institution=institution, username="dora"),
        "other_owner": factories.user(Role.DATA_OWNER, institution=institution, username="otto"),
        "southbank_owner": factories.user(
            Role.DATA_OWNER, institution=other_institution, username="sol"
        ),
        "outsider": outsider,
        "tier1": agent,
    }
    southbank_requester = factories.requester(other_institution, username="sam")
    tickets, extracts = {}, {}
    for name, asker, owner in (
        ("northfield", requester, users["named_owner"]),
        ("southbank", southbank_requester, users["southbank_owner"]),
    ):
        ticket = factories.data_correction(asker, owner)
        record = write_correction_record(
            ticket=ticket,
            actor=agent,
            content=replace(factories.CORRECTION, records=()),
            extract_file=ExtractFile("rows.csv", BytesIO(b"roll,dob\n2024001,2001-13-01\n")),
        )
        request_sign_off(ticket=ticket, actor=agent)
        assert record.extract is not None
        tickets[name], extracts[name] = ticket, record.extract
    return CorrectionWorld(users, tickets, extracts)


SEES_CORRECTION = {
    "requester": {"northfield"},
    "colleague": set(),
    "key_user": {"northfield"},
    "named_owner": {"northfield"},
    "other_owner": set(),
    "southbank_owner": {"southbank"},
    "outsider": {"southbank"},
    "tier1": {"northfield", "southbank"},
}


@pytest.mark.parametrize("persona", SEES_CORRECTION)
def test_a_correction_is_seen_by_its_side_and_its_named_data_owner_only(
    correction_world: CorrectionWorld, persona: str
) -> None:
    """List, search, count, ticket page, API and the CSV extract's download agree."""
    user = correction_world.users[persona]
    sees = SEES_CORRECTION[persona]
    by_pk = {ticket.pk: name for name, ticket in correction_world.tickets.items()}
    listed = {by_pk[pk] for pk in visible_tickets(user).values_list("pk", flat=True)}
    assert listed == sees
    found = ticket_list(user, TicketFilters(text="dates of birth"))
    assert {by_pk[pk] for pk in found.values_list("pk", flat=True)} == sees
    api = ApiClient(user)
    assert api.get("/tickets").json()["count"] == len(sees)
    page = signed_in(user)
    for name, ticket in correction_world.tickets.items():
        expected = 200 if name in sees else 404
        assert api.get(f"/tickets/{ticket.reference}").status_code == expected, name
        assert api.get(f"/tickets/{ticket.reference}/correction").status_code == expected, name
        extract = correction_world.extracts[name]
        assert api.get(f"/attachments/{extract.pk}/content").status_code == expected, name
        side = "desk" if persona == "tier1" else "portal"
        assert page.get(f"/{side}/tickets/{ticket.pk}/").status_code == expected, name
        assert page.get(f"/attachments/{extract.pk}/").status_code == expected, name


@pytest.mark.parametrize("persona", ["other_owner", "southbank_owner", "requester"])
def test_only_the_named_data_owner_can_sign_off(
    correction_world: CorrectionWorld, persona: str
) -> None:
    """A data owner of another institution, or one not named, finds no ticket (404); the
    requester sees it but may not decide (403); nothing is recorded."""
    ticket = correction_world.tickets["northfield"]
    answer = ApiClient(correction_world.users[persona]).post(
        f"/tickets/{ticket.reference}/correction/decision", {"decision": "signed_off"}
    )
    assert answer.status_code == (403 if persona == "requester" else 404)
    with pytest.raises((NotAllowed, NotFound)):
        decide_sign_off(
            ticket=ticket, actor=correction_world.users[persona], decision=Decision.SIGNED_OFF
        )
    assert not SignOff.objects.exists()


def test_a_requester_can_never_mark_a_correction_applied(
    correction_world: CorrectionWorld,
) -> None:
    ticket = correction_world.tickets["northfield"]
    decide_sign_off(
        ticket=ticket, actor=correction_world.users["named_owner"], decision=Decision.SIGNED_OFF
    )
    requester = correction_world.users["requester"]
    answer = ApiClient(requester).post(f"/tickets/{ticket.reference}/correction/applied")
    assert answer.status_code == 403
    with pytest.raises(NotAllowed):
        record_applied(ticket=ticket, actor=requester)
    assert CorrectionRecord.objects.get(ticket=ticket).applied_at is None


def test_a_data_owner_of_another_institution_is_never_named(
    correction_world: CorrectionWorld,
) -> None:
    """Even a ticket whose details name a foreign data owner (intake refuses it) shows
    them nothing: the scope asks for their own institution too."""
    ticket = correction_world.tickets["northfield"]
    foreign = correction_world.users["southbank_owner"]
    Ticket.objects.filter(pk=ticket.pk).update(
        category_details={**ticket.category_details, "data_owner_id": foreign.pk}
    )
    assert not visible_tickets(foreign).filter(pk=ticket.pk).exists()


# Access requests and the ledger ----------------------------------------------------------

# Each institution has an approval owner; each has one request done (so one ledger line)
# and one waiting. The ledger is read by support staff (every line) and by an institution's
# admins (their own); nobody else has one.
LEDGER_LINES = {
    "institution_admin": {"Priya Nair"},
    "outsider": {"Sol Banks"},
    "tier1": {"Priya Nair", "Sol Banks"},
    "tier2": {"Priya Nair", "Sol Banks"},
    "support_manager": {"Priya Nair", "Sol Banks"},
}


@dataclass
class AccessWorld:
    approvers: dict[str, User]
    done: dict[str, AccessRequest]
    waiting: dict[str, AccessRequest]


@pytest.fixture
def access_world(world: World) -> AccessWorld:
    agent = world.users["tier1"]
    approvers = {
        "northfield": access_builders.approval_owner(world.northfield, username="aoife"),
        "southbank": access_builders.approval_owner(world.southbank, username="sade"),
    }
    requesters = {
        "northfield": world.users["requester"],
        "southbank": world.users["southbank_requester"],
    }
    people = {"northfield": "Priya Nair", "southbank": "Sol Banks"}
    done = {
        side: access_builders.done(
            requesters[side], agent, approvers[side], person_name=people[side]
        )
        for side in approvers
    }
    waiting = {
        side: access_builders.requested(requesters[side], agent, person_name=f"New {people[side]}")
        for side in approvers
    }
    return AccessWorld(approvers, done, waiting)


def _ledger_names(text: str) -> set[str]:
    return {name for name in ("Priya Nair", "Sol Banks") if f"{name}" in text.replace("New ", "")}


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_their_institutions_access_ledger(
    world: World, access_world: AccessWorld, persona: str
) -> None:
    user = world.users[persona]
    expected = LEDGER_LINES.get(persona, set())
    api = ApiClient(user)
    listed = api.get("/access-ledger")
    csv = api.get("/access-ledger/export.csv")
    xlsx = api.get("/access-ledger/export.xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))

    assert {entry.person_name for entry in ledger(user, LedgerFilters())} == expected
    assert listed.json()["count"] == len(expected)
    assert {row["person_name"] for row in listed.json()["results"]} == expected
    assert _ledger_names(csv.content.decode("utf-8-sig")) == expected
    assert {str(row[1]) for row in rows} == expected
    side = "desk" if persona in ("tier1", "tier2", "support_manager") else "portal"
    page = signed_in(user).get(f"/{side}/access-ledger/", follow=True)
    export = signed_in(user).get(f"/{side}/access-ledger/export.csv", follow=True)
    if expected:
        assert _ledger_names(page.content.decode()) == expected
        assert _ledger_names(export.content.decode("utf-8-sig")) == expected
    else:
        assert page.status_code == 404 or "Access ledger" not in page.content.decode()
        assert export.status_code == 404


def test_a_support_manager_filters_the_ledger_by_institution(
    world: World, access_world: AccessWorld
) -> None:
    answer = ApiClient(world.users["support_manager"]).get(
        "/access-ledger", {"institution_id": world.southbank.pk}
    )
    assert {row["person_name"] for row in answer.json()["results"]} == {"Sol Banks"}


def test_an_approval_owner_of_one_institution_cannot_approve_anothers(
    world: World, access_world: AccessWorld
) -> None:
    northfield_approver = access_world.approvers["northfield"]
    southbank_request = access_world.waiting["southbank"]

    with pytest.raises(NotAllowed):
        decide_access_request(request=southbank_request, actor=northfield_approver, approve=True)
    answer = ApiClient(northfield_approver).post(
        f"/access-requests/{southbank_request.pk}/approve", {"comment": ""}
    )
    assert answer.status_code == 404
    assert southbank_request not in awaiting_decision_of(northfield_approver)
    southbank_request.refresh_from_db()
    assert southbank_request.status == RequestStatus.AWAITING_APPROVAL


def test_nobody_approves_a_request_they_asked_for_or_that_changes_their_access(
    world: World, access_world: AccessWorld
) -> None:
    approver = access_world.approvers["northfield"]
    # An admin who is an approval owner too flags a line: the request is theirs.
    admin = world.users["institution_admin"]
    RoleGrant.objects.create(user=admin, role=Role.APPROVAL_OWNER)
    admin = User.objects.get(pk=admin.pk)
    review = open_review(world.northfield, clock.now())
    assert review is not None
    line = answer_review_line(
        line=review.lines.get(), actor=admin, answer="flagged", action="remove"
    )
    own_ask = line.access_request
    assert own_ask is not None
    for_themselves = access_builders.requested(
        world.users["requester"], world.users["tier1"], person_name="Aoife Approver"
    )
    AccessRequest.objects.filter(pk=for_themselves.pk).update(person=approver)

    with pytest.raises(NotAllowed):
        decide_access_request(request=own_ask, actor=admin, approve=True)
    with pytest.raises(NotAllowed):
        decide_access_request(
            request=AccessRequest.objects.get(pk=for_themselves.pk), actor=approver, approve=True
        )
    answer = ApiClient(admin).post(f"/access-requests/{own_ask.pk}/approve", {"comment": ""})
    assert answer.status_code == 403
    assert own_ask not in awaiting_decision_of(admin)
    assert own_ask in awaiting_decision_of(approver)


@pytest.mark.parametrize("persona", ["requester", "key_user", "institution_admin", "tier1"])
def test_only_tier_1_and_2_agents_record_access_done(
    world: World, access_world: AccessWorld, persona: str
) -> None:
    request = access_world.waiting["northfield"]
    decide_access_request(request=request, actor=access_world.approvers["northfield"], approve=True)
    user = world.users[persona]
    answer = ApiClient(user).post(f"/access-requests/{request.pk}/done")
    if persona == "tier1":
        assert answer.status_code == 200
        return
    assert answer.status_code == 403
    with pytest.raises(NotAllowed):
        record_done_in_erp(request=request, actor=user)
    assert signed_in(user).post(f"/desk/access-requests/{request.pk}/done/").status_code == 302


# The periodic reviews' pages: the desk's (every institution's plan, one institution's,
# a review) are support staff's; the portal's is its admins'. How often an institution
# reviews is set by its own admins and by support managers.
REVIEW_DESK_READERS = {"tier1", "tier2", "support_manager"}
REVIEW_PORTAL_READERS = {"institution_admin": "northfield", "outsider": "southbank"}
SETS_NORTHFIELDS_MONTHS = {"institution_admin", "support_manager"}


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reaches_only_their_side_of_the_access_reviews(
    world: World, access_world: AccessWorld, persona: str
) -> None:
    user = world.users[persona]
    review = open_review(world.northfield, clock.now())
    assert review is not None
    client = signed_in(user)
    institution_page = f"/desk/access-reviews/institutions/{world.northfield.pk}/"
    desk = [
        client.get("/desk/access-reviews/"),
        client.get(institution_page),
        client.get(f"/desk/access-reviews/{review.pk}/"),
    ]
    portal = client.get("/portal/access-reviews/")
    if persona in REVIEW_DESK_READERS:
        assert [answer.status_code for answer in desk] == [200, 200, 200]
        listed = desk[0].content.decode()
        assert "Northfield University" in listed
        assert "Southbank College" in listed
        assert portal.status_code == 302
    else:
        assert [answer.status_code for answer in desk] == [302, 302, 302]
        if persona in REVIEW_PORTAL_READERS:
            assert portal.status_code == 200
            other = "Southbank" if persona == "institution_admin" else "Northfield"
            assert other not in portal.content.decode()
        else:
            assert portal.status_code == 404


@pytest.mark.parametrize("persona", SEES)
def test_only_the_institutions_admins_and_support_managers_set_how_often_it_reviews(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    desk = signed_in(user).post(
        f"/desk/access-reviews/institutions/{world.northfield.pk}/",
        {"months_between_reviews": "6"},
    )
    portal = signed_in(user).post("/portal/access-reviews/", {"months_between_reviews": "6"})
    if persona in SETS_NORTHFIELDS_MONTHS:
        set_review_interval(institution=world.northfield, actor=user, months=6)
    else:
        with pytest.raises(NotAllowed):
            set_review_interval(institution=world.northfield, actor=user, months=6)
    if persona == "support_manager":
        assert (desk.status_code, portal.status_code) == (302, 302)
    elif persona in REVIEW_DESK_READERS:
        assert (desk.status_code, portal.status_code) == (403, 302)
    elif persona in REVIEW_PORTAL_READERS:
        assert (desk.status_code, portal.status_code) == (302, 302)
    else:
        assert (desk.status_code, portal.status_code) == (302, 404)
    months = dict(ReviewSchedule.objects.values_list("institution__slug", "months_between_reviews"))
    expected = {"northfield": 6} if persona in SETS_NORTHFIELDS_MONTHS else {}
    if persona == "outsider":
        expected = {"southbank": 6}  # their own institution, on the portal
    assert months == expected


# Who sees which access request: support staff all; an institution's key users, admins
# and approval owners its own; anyone else those of the tickets they see.
ACCESS_REQUESTS_SEEN = {
    "requester": {"northfield"},
    "colleague": set(),
    "key_user": {"northfield"},
    "institution_admin": {"northfield"},
    "module_owner": {"northfield"},
    "data_owner": set(),
    "outsider": {"southbank"},
    "southbank_requester": {"southbank"},
    "tier1": {"northfield", "southbank"},
    "tier2": {"northfield", "southbank"},
    "support_manager": {"northfield", "southbank"},
}


@pytest.mark.parametrize("persona", SEES)
def test_access_requests_show_each_persona_only_their_side(
    world: World, access_world: AccessWorld, persona: str
) -> None:
    user = world.users[persona]
    seen = {
        side
        for side, request in access_world.waiting.items()
        if visible_access_requests(user).filter(pk=request.pk).exists()
    }
    assert seen == ACCESS_REQUESTS_SEEN[persona]
    listed = ApiClient(user).get("/access-requests")
    assert listed.json()["count"] == 2 * len(seen)
    for side, request in access_world.waiting.items():
        detail = ApiClient(user).get(f"/access-requests/{request.pk}")
        assert detail.status_code == (200 if side in seen else 404)


# Change requests: an institution's people see the changes concerning it ----------------

CHANGE_WORKERS = {"tier1", "tier2", "support_manager"}
NORTHFIELD_PEOPLE = {
    "requester",
    "colleague",
    "key_user",
    "institution_admin",
    "module_owner",
    "data_owner",
}
SOUTHBANK_PEOPLE = {"outsider", "southbank_requester"}


def _change_details(institution: Institution, title: str) -> ChangeDetails:
    start = clock.now() + timedelta(days=2)
    return ChangeDetails(
        title=title,
        kind=ChangeKind.CONFIGURATION,
        plan="Add the approval step.",
        rollback_plan="Remove it.",
        window_start=start,
        window_end=start + timedelta(hours=2),
        modules=[factories.module(institution, ModuleCode.FINANCE)],
    )


@pytest.fixture
def changes(world: World) -> dict[str, ChangeRequest]:
    """A tested change at each institution: Northfield's approved by its Finance owner,
    Southbank's (whose Finance nobody owns) by the support manager; each with a file."""
    agent = world.users["tier1"]
    found = {}
    for name, institution, approver in (
        ("north", world.northfield, "module_owner"),
        ("south", world.southbank, "support_manager"),
    ):
        change = create_change(
            actor=agent, details=_change_details(institution, f"{name} refund step")
        )
        submit_change(change=change, actor=agent)
        decide_change(change=change, actor=world.users[approver], decision=ChangeDecision.APPROVED)
        record_evidence(
            change=change, actor=agent, note="Tested.", files=[("run.txt", BytesIO(b"green"))]
        )
        found[name] = change
    return found


def _sees_change(persona: str, name: str) -> bool:
    own = NORTHFIELD_PEOPLE if name == "north" else SOUTHBANK_PEOPLE
    return persona in CHANGE_WORKERS or persona in own


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_finds_only_the_changes_concerning_their_institution(
    world: World, changes: dict[str, ChangeRequest], persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    seen = {name for name in changes if _sees_change(persona, name)}
    assert {c.pk for c in visible_changes(user)} == {changes[name].pk for name in seen}
    assert api.get("/changes").json()["count"] == len(seen)
    month = clock.now() + timedelta(days=2)
    calendar = api.get("/changes/calendar", {"month": month.strftime("%Y-%m")}).json()
    assert {entry["id"] for entry in calendar["changes"]} == {changes[n].pk for n in seen}
    for name, change in changes.items():
        sees = name in seen
        stored = EvidenceFile.objects.get(evidence__change=change)
        assert api.get(f"/changes/{change.pk}").status_code == (200 if sees else 404)
        download = api.get(f"/changes/evidence-files/{stored.pk}/content")
        assert download.status_code == (200 if sees else 404)
        assert web.get(f"/changes/{change.pk}/").status_code == (200 if sees else 404)
        assert web.get(f"/changes/files/{stored.pk}/").status_code == (200 if sees else 404)
        listed = web.get("/changes/calendar/", {"month": month.strftime("%Y-%m")})
        assert (change.reference in listed.content.decode()) is sees
        done = api.post(f"/changes/{change.pk}/implementation", {"outcome": "succeeded"})
        refused = 403 if sees else 404
        assert done.status_code == (200 if persona in CHANGE_WORKERS else refused)


@pytest.mark.parametrize("persona", SEES)
def test_only_the_modules_owner_decides_an_institutions_change(world: World, persona: str) -> None:
    agent = world.users["tier1"]
    change = create_change(actor=agent, details=_change_details(world.northfield, "Refunds"))
    submit_change(change=change, actor=agent)
    user = world.users[persona]
    waiting = {approval.change_id for approval in pending_change_approvals(user)}
    decided = ApiClient(user).post(f"/changes/{change.pk}/approvals", {"decision": "approved"})
    if persona == "module_owner":
        assert (waiting, decided.status_code) == ({change.pk}, 200)
    else:
        assert waiting == set()
        assert decided.status_code == (403 if _sees_change(persona, "north") else 404)


def test_an_approver_cannot_approve_a_change_they_asked_for(world: World) -> None:
    agent, owner = world.users["tier1"], world.users["module_owner"]
    change = create_change(
        actor=agent,
        details=_change_details(world.northfield, "Owner's own request"),
        tickets=[world.tickets["owner_hr"]],
    )
    submit_change(change=change, actor=agent)
    answer = ApiClient(owner).post(f"/changes/{change.pk}/approvals", {"decision": "approved"})
    assert answer.status_code == 403
    manager = world.users["support_manager"]
    high = create_change(
        actor=manager,
        details=replace(_change_details(world.northfield, "Manager's own"), risk=Risk.HIGH),
    )
    submit_change(change=high, actor=manager)
    assert not pending_change_approvals(manager).filter(change=high).exists()
    with pytest.raises(NotAllowed):
        decide_change(change=high, actor=manager, decision=ChangeDecision.APPROVED)


@pytest.mark.parametrize("persona", SEES)
def test_a_change_of_two_institutions_shows_neither_the_others_approver_nor_comment(
    world: World, persona: str
) -> None:
    agent = world.users["tier1"]
    details = _change_details(world.northfield, "Shared refund step")
    details = replace(
        details, modules=[*details.modules, factories.module(world.southbank, ModuleCode.FINANCE)]
    )
    change = create_change(actor=agent, details=details)
    submit_change(change=change, actor=agent)
    decide_change(
        change=change,
        actor=world.users["module_owner"],
        decision=ChangeDecision.REJECTED,
        comment="Northfield auditors object",
    )
    user = world.users[persona]
    if not _sees_change(persona, "north") and not _sees_change(persona, "south"):
        return
    read = " ".join(
        f"{event.value} {event.body} {event.actor}" for event in change_history(user, change)
    )
    detail = ApiClient(user).get(f"/changes/{change.pk}").content.decode()
    page = signed_in(user).get(f"/changes/{change.pk}/").content.decode()
    for text in (read, detail, page):
        if persona in SOUTHBANK_PEOPLE:
            assert "Northfield auditors object" not in text
            assert world.northfield.name not in text
        if persona in NORTHFIELD_PEOPLE:
            assert world.southbank.name not in text
    if persona in CHANGE_WORKERS or persona in NORTHFIELD_PEOPLE:
        assert "Northfield auditors object" in read


@pytest.mark.parametrize("persona", ["requester", "module_owner", "outsider", "tier1"])
def test_a_collision_of_two_institutions_changes_names_only_the_readers_side(
    world: World, persona: str
) -> None:
    agent = world.users["tier1"]
    shared = []
    for title in ("Shared refund step", "Shared fee step"):
        details = _change_details(world.northfield, title)
        modules = [*details.modules, factories.module(world.southbank, ModuleCode.FINANCE)]
        shared.append(create_change(actor=agent, details=replace(details, modules=modules)))
    user = world.users[persona]
    staff = persona in CHANGE_WORKERS
    own = world.southbank if persona == "outsider" else world.northfield
    expected = {world.northfield.pk, world.southbank.pk} if staff else {own.pk}

    found = collisions(user, shared[0])
    calendar = change_calendar(user, month=(clock.now() + timedelta(days=2)).date())
    shown = {c.module.institution_id for clashes in calendar.collisions.values() for c in clashes}

    assert {c.module.institution_id for c in found} == expected
    assert shown == expected
    other = world.northfield if own == world.southbank else world.southbank
    if not staff:
        detail = ApiClient(user).get(f"/changes/{shared[0].pk}").content.decode()
        assert other.name not in detail


# What waits for whose decision: the approvals page, the API and the daily digest -------

# Each institution has an access request, a change of its Finance module and a data
# correction waiting: Northfield's for its approval owner, Finance owner and data owner;
# Southbank's for its approval owner and data owner, and (its Finance has no owner) for
# the support manager. Nobody else is waited on.
WAITS_FOR = {
    "module_owner": {"change:north"},
    "data_owner": {"sign_off:north"},
    "support_manager": {"change:south"},
    "north_approver": {"access:north"},
    "south_approver": {"access:south"},
    "south_data_owner": {"sign_off:south"},
}


@dataclass
class PendingWorld:
    people: dict[str, User]
    references: dict[str, str]


@pytest.fixture
def pending_world(world: World, access_world: AccessWorld) -> PendingWorld:
    agent = world.users["tier1"]
    south_owner = factories.user(Role.DATA_OWNER, institution=world.southbank, username="sol")
    people = {
        **world.users,
        "north_approver": access_world.approvers["northfield"],
        "south_approver": access_world.approvers["southbank"],
        "south_data_owner": south_owner,
    }
    references = {}
    for side, institution, requester, owner in (
        ("north", world.northfield, world.users["requester"], world.users["data_owner"]),
        ("south", world.southbank, world.users["southbank_requester"], south_owner),
    ):
        change = create_change(actor=agent, details=_change_details(institution, f"{side} step"))
        submit_change(change=change, actor=agent)
        ticket = factories.data_correction(requester, owner)
        write_correction_record(ticket=ticket, actor=agent, content=factories.CORRECTION)
        request_sign_off(ticket=ticket, actor=agent)
        references[f"access:{side}"] = access_world.waiting[institution.slug].reference
        references[f"change:{side}"] = change.reference
        references[f"sign_off:{side}"] = ticket.reference
    return PendingWorld(people, references)


def _waiting_in(pending_world: PendingWorld, text: str) -> set[str]:
    return {name for name, reference in pending_world.references.items() if reference in text}


@pytest.mark.parametrize("persona", [*SEES, "north_approver", "south_approver", "south_data_owner"])
def test_each_persona_is_asked_only_for_their_own_institutions_decisions(
    pending_world: PendingWorld, persona: str
) -> None:
    """The selector, `GET /approvals/pending`, the approvals page and the daily digest
    agree: each approver reads what waits for them, of their own institution only."""
    user = pending_world.people[persona]
    expected = WAITS_FOR.get(persona, set())

    waiting = waiting_for(user)
    read = " ".join(
        [
            *(item.reference for item in waiting.access_requests),
            *(item.change.reference for item in waiting.change_approvals),
            *(item.ticket.reference for item in waiting.sign_offs),
        ]
    )
    assert _waiting_in(pending_world, read) == expected
    answer = ApiClient(user).get("/approvals/pending")
    assert _waiting_in(pending_world, answer.content.decode()) == expected
    page = "/changes/approvals/" if access.is_agent(user) else "/portal/approvals/"
    assert _waiting_in(pending_world, signed_in(user).get(page).content.decode()) == expected
    # At the digest's hour of today, so the test does not depend on the hour it runs at.
    send_approval_digests(now=clock.now().replace(hour=settings.HYPERCARE_APPROVAL_DIGEST_HOUR))
    digest = OutboxMessage.objects.filter(event=NotificationEvent.APPROVALS_DIGEST, recipient=user)
    assert _waiting_in(pending_world, " ".join(mail.body for mail in digest)) == expected
    assert digest.count() == (1 if expected else 0)


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_link_a_ticket_to_a_change_and_only_of_its_institution(
    world: World, changes: dict[str, ChangeRequest], persona: str
) -> None:
    user = world.users[persona]
    north = changes["north"]
    ours, theirs = world.tickets["colleague_finance"], world.tickets["southbank_finance"]
    api, web = ApiClient(user), signed_in(user)
    linked = api.post(f"/changes/{north.pk}/tickets", {"ticket": ours.reference})
    page = web.post(f"/changes/{north.pk}/tickets/", {"ticket": ours.reference})
    if persona in CHANGE_WORKERS:
        assert linked.status_code == 200
        assert list(north.tickets.all()) == [ours]
        elsewhere = api.post(f"/changes/{north.pk}/tickets", {"ticket": theirs.reference})
        assert [e["field"] for e in elsewhere.json()["errors"]] == ["ticket"]
        unlinked = web.post(f"/changes/{north.pk}/tickets/{ours.pk}/unlink/")
        assert unlinked.status_code == 302
        assert not north.tickets.exists()
        return
    assert linked.status_code == (403 if _sees_change(persona, "north") else 404)
    assert page.status_code == 302  # the workspace sends them to their own side
    assert not north.tickets.exists()
    assert not TicketEvent.objects.filter(ticket=ours, kind="change_linked").exists()


# Knowledge articles: support reads all; an institution reads what is published for it
# and written for its people (the requester works in accounts; key users and admins read
# every audience). Internal articles, drafts and retired ones never reach institutions.
ARTICLES: dict[str, tuple[ArticleStatus, Visibility, str, Audience]] = {
    # name: (status, visibility, chosen institution, audience)
    "for_everyone": (ArticleStatus.PUBLISHED, Visibility.ALL_INSTITUTIONS, "", Audience.EVERYONE),
    "for_accounts": (ArticleStatus.PUBLISHED, Visibility.ALL_INSTITUTIONS, "", Audience.ACCOUNTS),
    "for_admins": (
        ArticleStatus.PUBLISHED,
        Visibility.ALL_INSTITUTIONS,
        "",
        Audience.INSTITUTION_ADMIN,
    ),
    "northfield_only": (
        ArticleStatus.PUBLISHED,
        Visibility.CHOSEN_INSTITUTIONS,
        "northfield",
        Audience.EVERYONE,
    ),
    "southbank_only": (
        ArticleStatus.PUBLISHED,
        Visibility.CHOSEN_INSTITUTIONS,
        "southbank",
        Audience.EVERYONE,
    ),
    "internal": (ArticleStatus.PUBLISHED, Visibility.INTERNAL, "", Audience.EVERYONE),
    "draft": (ArticleStatus.DRAFT, Visibility.ALL_INSTITUTIONS, "", Audience.EVERYONE),
    "retired": (ArticleStatus.RETIRED, Visibility.ALL_INSTITUTIONS, "", Audience.EVERYONE),
}
ARTICLE_WRITERS = {"tier1", "tier2", "support_manager"}
NORTHFIELD_READS = {"for_everyone", "northfield_only"}
NORTHFIELD_WIDE_READS = NORTHFIELD_READS | {"for_accounts", "for_admins"}
READS_ARTICLES: dict[str, set[str]] = {
    "requester": NORTHFIELD_READS | {"for_accounts"},
    "colleague": NORTHFIELD_READS,
    "key_user": NORTHFIELD_WIDE_READS,
    "institution_admin": NORTHFIELD_WIDE_READS,
    "module_owner": NORTHFIELD_READS,
    "data_owner": NORTHFIELD_READS,
    "outsider": {"for_everyone", "for_accounts", "for_admins", "southbank_only"},
    "southbank_requester": {"for_everyone", "southbank_only"},
    "tier1": set(ARTICLES),
    "tier2": set(ARTICLES),
    "support_manager": set(ARTICLES),
}


@pytest.fixture
def articles(world: World) -> dict[str, Article]:
    writer, editor = world.users["tier1"], world.users["support_manager"]
    User.objects.filter(pk=world.users["requester"].pk).update(work_area=WorkArea.ACCOUNTS)
    world.users["requester"].refresh_from_db()
    chosen = {"northfield": [world.northfield], "southbank": [world.southbank], "": []}
    found = {}
    for name, (status, visibility, institution, audience) in ARTICLES.items():
        content = ArticleContent(
            title=f"Article {name}",
            body=f"How to {name}.",
            module_code=ModuleCode.FEES,
            audiences=[audience],
            visibility=visibility,
            institutions=chosen[institution],
        )
        article = create_article(actor=writer, content=content)
        steps: list[ArticleStatus] = {
            ArticleStatus.DRAFT: [],
            ArticleStatus.PUBLISHED: [ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED],
            ArticleStatus.RETIRED: [
                ArticleStatus.IN_REVIEW,
                ArticleStatus.PUBLISHED,
                ArticleStatus.RETIRED,
            ],
        }[status]
        for step in steps:
            change_article_status(article=article, actor=editor, status=step)
        found[name] = article
    return found


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_the_articles_published_for_them(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    user = world.users[persona]
    api = ApiClient(user)
    expected = {articles[name].pk for name in READS_ARTICLES[persona]}
    assert {article.pk for article in visible_articles(user)} == expected
    listed = api.get("/articles", {"page_size": 100}).json()
    assert listed["count"] == len(expected)
    assert {row["id"] for row in listed["results"]} == expected
    hits = api.get("/articles", {"q": "how", "page_size": 100}).json()
    assert (hits["count"], {row["id"] for row in hits["results"]}) == (len(expected), expected)
    web = signed_in(user)
    side = "desk" if persona in ARTICLE_WRITERS else "portal"
    listed = web.get(f"/{side}/knowledge/").content.decode()
    searched = web.get(f"/{side}/knowledge/", {"q": "how"}).content.decode()
    for name, article in articles.items():
        reads = article.pk in expected
        assert api.get(f"/articles/{article.pk}").status_code == (200 if reads else 404)
        assert web.get(f"/{side}/knowledge/{article.pk}/").status_code == (200 if reads else 404)
        assert (f"Article {name}<" in listed) is reads
        assert (f"Article {name}<" in searched) is reads


@pytest.mark.parametrize("persona", SEES)
def test_filters_never_widen_the_articles_a_persona_reads(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    api = ApiClient(world.users[persona])
    expected = {articles[name].pk for name in READS_ARTICLES[persona]}
    for query in ({"status": "draft"}, {"audience": "everyone"}, {"module": "fees", "q": "How"}):
        found = {row["id"] for row in api.get("/articles", query).json()["results"]}
        assert found <= expected


@pytest.mark.parametrize("persona", SEES)
def test_a_related_article_shows_only_to_who_reads_it(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    shown = articles["for_everyone"]
    set_related_articles(
        article=shown,
        actor=world.users["tier1"],
        related=[articles["internal"], articles["northfield_only"], articles["draft"]],
    )
    answer = ApiClient(world.users[persona]).get(f"/articles/{shown.pk}").json()
    shown_ids = {row["id"] for row in answer["related"]}
    names = {name for name, article in articles.items() if article.pk in shown_ids}
    assert names == {"internal", "northfield_only", "draft"} & READS_ARTICLES[persona]


@pytest.mark.parametrize("persona", sorted(set(SEES) - ARTICLE_WRITERS))
def test_institution_users_write_no_article_and_read_no_history(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    api = ApiClient(world.users[persona])
    shown = articles["for_everyone"]
    body = {"title": "Mine", "body": "text", "module": "fees", "audiences": ["everyone"]}
    assert api.post("/articles", body).status_code == 403
    assert api.put(f"/articles/{shown.pk}", body).status_code == 403
    assert api.post(f"/articles/{shown.pk}/retire").status_code == 403
    assert api.get(f"/articles/{shown.pk}/versions").status_code == 403
    assert api.get(f"/articles/{articles['internal'].pk}/versions").status_code == 404
    assert api.get(f"/articles/{shown.pk}").json()["institutions"] == []


def test_an_inactive_agent_reads_no_article(world: World, articles: dict[str, Article]) -> None:
    agent = world.users["tier1"]
    User.objects.filter(pk=agent.pk).update(is_active=False)
    agent.refresh_from_db()
    assert not visible_articles(agent).exists()


@pytest.mark.parametrize("persona", SEES)
def test_an_articles_files_reach_only_who_reads_the_article(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    expected = READS_ARTICLES[persona]
    for name, article in articles.items():
        # Each file is added while its article is a draft (who adds files is tested in
        # tests/knowledge); here only who reads them counts.
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.DRAFT)
        stored = add_article_file(
            article=article, actor=world.users["tier1"], name=f"{name}.txt", content=BytesIO(b"ok")
        )
        Article.objects.filter(pk=article.pk).update(status=ARTICLES[name][0])
        status = 200 if name in expected else 404
        assert api.get(f"/articles/files/{stored.pk}/content").status_code == status
        assert web.get(f"/knowledge/files/{stored.pk}/").status_code == status


# Answered by: a link shows only where its ticket is seen and its article read --------
ANSWERING = ("for_everyone", "internal", "northfield_only", "southbank_only", "draft")


@pytest.mark.parametrize("persona", SEES)
def test_answering_articles_show_only_where_ticket_and_article_are_visible(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    for answered in ("riya_finance", "southbank_finance"):
        for name in ANSWERING:
            link_answer(
                ticket=world.tickets[answered], article=articles[name], actor=world.users["tier1"]
            )
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    side = "desk" if persona in ARTICLE_WRITERS else "portal"
    for ticket_name in ("riya_finance", "southbank_finance"):
        ticket = world.tickets[ticket_name]
        listed = api.get(f"/tickets/{ticket.reference}/answers")
        if ticket_name not in SEES[persona]:
            assert listed.status_code == 404
            continue
        expected = set(ANSWERING) & READS_ARTICLES[persona]
        names = {row["article"]["title"].removeprefix("Article ") for row in listed.json()}
        assert names == expected
        assert len(ticket_answers(user, ticket)) == len(expected)
        page = web.get(f"/{side}/tickets/{ticket.pk}/").content.decode()
        for name in ANSWERING:
            assert (f"Article {name}<" in page) is (name in expected)
    ours = world.tickets["riya_finance"]
    linked = api.post(f"/tickets/{ours.reference}/answers", {"article_id": articles["draft"].pk})
    unlinked = api.delete(f"/tickets/{ours.reference}/answers/{articles['draft'].pk}")
    if persona in ARTICLE_WRITERS:
        assert (linked.status_code, unlinked.status_code) == (201, 204)
    else:
        # An institution user reads no draft: the article does not exist for them.
        assert (linked.status_code, unlinked.status_code) == (404, 404)
        public = articles["for_everyone"].pk
        refused = api.post(f"/tickets/{ours.reference}/answers", {"article_id": public})
        assert refused.status_code == (403 if "riya_finance" in SEES[persona] else 404)
        assert TicketAnswer.objects.filter(ticket=ours).count() == len(ANSWERING)


# The knowledge report spans every institution: support managers only ----------------


@pytest.mark.parametrize("persona", SEES)
def test_the_knowledge_report_is_read_by_support_managers_alone(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    agent = world.users["tier1"]
    link_answer(
        ticket=world.tickets["southbank_finance"], article=articles["internal"], actor=agent
    )
    flag_training_gap(
        ticket=world.tickets["southbank_finance"], actor=agent, topic="Refunds", erp_role="Clerk"
    )
    user = world.users[persona]
    manager = persona == "support_manager"
    assert access.can_read_knowledge_report(user) is manager
    answer = ApiClient(user).get("/knowledge/report")
    assert answer.status_code == (200 if manager else 403)
    page = signed_in(user).get("/desk/knowledge/report/")
    assert page.status_code == (200 if manager else 403 if persona in ARTICLE_WRITERS else 302)
    if manager:
        assert answer.json()["training_gaps"][0]["institutions"] == {world.southbank.name: 1}
        assert answer.json()["most_used"][0]["uses"] == 1
    else:
        assert "Refunds" not in page.content.decode()


# Training notes: each recipient knows only that they got one; institution-wide people
# read the notes chosen for their institution (they train the others) ---------------
NOTE_READERS = {"requester", "key_user", "institution_admin", "outsider", "southbank_requester"}


@pytest.fixture
def sent_note(world: World) -> Article:
    writer, manager = world.users["tier1"], world.users["support_manager"]
    for name in ("requester", "southbank_requester"):
        User.objects.filter(pk=world.users[name].pk).update(erp_role="Fee clerk")
        world.users[name].refresh_from_db()
    for flagged in ("riya_finance", "southbank_finance"):
        flag_training_gap(
            ticket=world.tickets[flagged], actor=writer, topic="Receipts", erp_role="Fee clerk"
        )
    note = write_training_note(actor=writer, module_code=ModuleCode.FINANCE, erp_role="Fee clerk")
    change_article_status(article=note, actor=writer, status=ArticleStatus.IN_REVIEW)
    change_article_status(article=note, actor=manager, status=ArticleStatus.PUBLISHED)
    for place in (world.northfield, world.southbank):
        send_training_note(article=note, institution=place, erp_role="Fee clerk", actor=manager)
    return note


@pytest.mark.parametrize("persona", SEES)
def test_a_training_notes_recipients_stay_with_the_desk_and_each_recipient(
    world: World, sent_note: Article, persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    staff = persona in ARTICLE_WRITERS
    reads = staff or persona in NOTE_READERS
    assert visible_articles(user).filter(pk=sent_note.pk).exists() is reads
    deliveries = api.get(f"/articles/{sent_note.pk}/deliveries")
    if not reads:
        assert deliveries.status_code == 404
    else:
        got = {row["recipient"]["username"] for row in deliveries.json()}
        everyone = {world.users["requester"].username, world.users["southbank_requester"].username}
        assert got == (everyone if staff else everyone & {user.username})
    assert {delivery.recipient_id for delivery in training_note_deliveries(user, sent_note)} <= (
        {
            world.users["requester"].pk,
            world.users["southbank_requester"].pk,
        }
        if staff
        else {user.pk}
    )
    recipients = web.get(f"/desk/knowledge/{sent_note.pk}/recipients/")
    assert recipients.status_code == (200 if staff else 302)
    mails = OutboxMessage.objects.filter(event=NotificationEvent.TRAINING_NOTE, recipient=user)
    assert mails.count() == int(persona in {"requester", "southbank_requester"})
    for mail in mails:
        other = world.southbank if user.institution_id == world.northfield.pk else world.northfield
        assert other.name not in mail.body
    if not staff:
        body = {"institution_id": world.northfield.pk, "erp_role": "Fee clerk"}
        sent = api.post(f"/articles/{sent_note.pk}/deliveries", body)
        assert sent.status_code == (403 if reads else 404)


# An article drafted from Riya's resolved Finance ticket, then published for every
# institution: everyone reads it, only who sees the ticket learns which ticket it was.
@pytest.fixture
def drafted(world: World) -> Article:
    agent, manager = world.users["tier1"], world.users["support_manager"]
    ticket = world.tickets["riya_finance"]
    add_public_reply(ticket=ticket, actor=agent, body="Riya, regenerate it at Northfield.")
    change_status(
        ticket=ticket,
        actor=agent,
        status=Status.RESOLVED,
        reason="Northfield University's template (northfield) was wrong.",
    )
    article = draft_article_from_ticket(ticket=ticket, actor=agent)
    content = ArticleContent(
        title=article.title,
        body=article.body,
        module_code=article.module_code,
        audiences=[Audience.EVERYONE],
        visibility=Visibility.ALL_INSTITUTIONS,
    )
    revise_article(article=article, actor=agent, content=content)
    change_article_status(article=article, actor=agent, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)


def test_a_drafted_article_names_no_institution_nor_person(world: World, drafted: Article) -> None:
    text = f"{drafted.title} {drafted.body}".lower()
    for name in ("northfield", "southbank", "riya", world.users["tier1"].username):
        assert name not in text


@pytest.mark.parametrize("persona", SEES)
def test_an_articles_source_ticket_shows_only_to_who_sees_the_ticket(
    world: World, drafted: Article, persona: str
) -> None:
    user = world.users[persona]
    ticket = world.tickets["riya_finance"]
    sees = "riya_finance" in SEES[persona]
    assert (article_source_ticket(user, drafted) == ticket) is sees
    answer = ApiClient(user).get(f"/articles/{drafted.pk}").json()
    assert answer["source_ticket"] == (ticket.reference if sees else None)
    side = "desk" if persona in ARTICLE_WRITERS else "portal"
    page = signed_in(user).get(f"/{side}/knowledge/{drafted.pk}/").content.decode()
    assert ("Written from ticket" in page) is sees
    assert (ticket.reference in page) is sees


@pytest.mark.parametrize("persona", sorted(set(SEES) - ARTICLE_WRITERS))
def test_institution_users_draft_no_article_nor_see_the_draft_event(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        change_status(ticket=ticket, actor=world.users["tier1"], status=Status.RESOLVED)
        answer = ApiClient(user).post(f"/tickets/{ticket.reference}/article-draft")
        assert answer.status_code == (403 if name in SEES[persona] else 404)
        page = signed_in(user).post(f"/desk/tickets/{ticket.pk}/article-draft/")
        assert page.status_code == 302  # the workspace sends them to their own side
        search = signed_in(user).get(f"/desk/tickets/{ticket.pk}/knowledge/", {"q": "how"})
        assert search.status_code == 302
    assert not ArticleSource.objects.exists()
    ours = world.tickets["riya_finance"]
    draft_article_from_ticket(ticket=ours, actor=world.users["tier1"])
    if "riya_finance" in SEES[persona]:
        kinds = {event.kind for event in timeline(user, ours)}
        assert KnowledgeTicketEventKind.ARTICLE_DRAFTED not in kinds


@pytest.mark.parametrize("persona", sorted(ARTICLE_WRITERS))
def test_the_ticket_pages_article_search_finds_what_the_agent_reads(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    web = signed_in(world.users[persona])
    ticket = world.tickets["southbank_finance"]
    hits = web.get(f"/desk/tickets/{ticket.pk}/knowledge/", {"q": "how"}).content.decode()
    for name in ARTICLES:
        assert f"Article {name}</a>" in hits
    # A public reply links only what Southbank's requester reads (everyone's, Southbank's).
    linked = {
        name
        for name, article in articles.items()
        if web.get(f"/desk/tickets/{ticket.pk}/knowledge/{article.pk}/link/").status_code == 200
    }
    assert linked == READS_ARTICLES["southbank_requester"]


# Satisfaction surveys: a ticket's survey goes with the ticket (whoever sees the ticket
# reads its rating); the results across tickets are support managers' (every team) and
# a team lead's (only the teams they lead: a lead of another team counts none of them);
# institutions read no results, not even their own.
READS_SURVEY_RESULTS = {"support_manager": 2, "tier2": 1}


@pytest.fixture
def surveys(world: World) -> dict[str, Survey]:
    """Riya's ticket resolved by the service desk (led by Tier 2), Southbank's by no team."""
    agent = world.users["tier1"]
    desk = factories.team("Service desk", lead=world.users["tier2"])
    found = {}
    for name in ("riya_finance", "southbank_finance"):
        ticket = world.tickets[name]
        if name == "riya_finance":
            Ticket.objects.filter(pk=ticket.pk).update(team=desk)
            ticket.refresh_from_db()
        change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
        found[name] = Survey.objects.get(ticket=ticket)
    return found


@pytest.mark.parametrize("persona", SEES)
def test_a_survey_is_read_only_by_who_sees_its_ticket(
    world: World, surveys: dict[str, Survey], persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    for name, survey in surveys.items():
        answer_by_link(token=token_for(survey), rating=4, comment=f"Said of {name}")
    for name, survey in surveys.items():
        sees = name in SEES[persona]
        assert (survey_of_ticket(user, survey.ticket) is not None) == sees
        answer = api.get(f"/tickets/{survey.ticket.reference}/survey")
        assert answer.status_code == (200 if sees else 404)
        page = web.get(f"/tickets/{survey.ticket_id}/", follow=True).content.decode()
        assert (f"Said of {name}" in page) == sees


@pytest.mark.parametrize("persona", SEES)
def test_survey_results_are_for_managers_and_their_own_teams_leads(
    world: World, surveys: dict[str, Survey], persona: str
) -> None:
    user = world.users[persona]
    api_answer = ApiClient(user).get("/surveys/results")
    page = signed_in(user).get("/desk/surveys/")
    if persona in READS_SURVEY_RESULTS:
        assert api_answer.json()["total"]["sent"] == READS_SURVEY_RESULTS[persona]
        assert page.status_code == 200
    else:
        assert api_answer.status_code == 403
        assert page.status_code in (302, 403)
        assert "Southbank" not in page.content.decode()


def test_survey_mails_reach_only_the_requester_and_the_teams_lead(
    world: World, surveys: dict[str, Survey]
) -> None:
    asked = OutboxMessage.objects.filter(event=NotificationEvent.SURVEY_REQUEST)
    assert {mail.recipient for mail in asked} == {
        world.users["requester"],
        world.users["southbank_requester"],
    }
    answer_by_link(token=token_for(surveys["riya_finance"]), rating=1, comment="Slow")
    low = OutboxMessage.objects.filter(event=NotificationEvent.SURVEY_LOW_RATING)
    assert {mail.recipient for mail in low} == {world.users["tier2"]}
    assert "Southbank" not in low.get().body


# What readers do with articles (deflections, views, votes) and the suggestions made as a
# report is written: only published, non-internal articles the persona reads are
# suggested; counting needs an article the persona reads; counts are support's alone.
SUGGESTED = {"for_everyone", "for_accounts", "for_admins", "northfield_only", "southbank_only"}


@pytest.mark.parametrize("persona", SEES)
def test_suggestions_offer_only_published_articles_a_persona_reads(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    user = world.users[persona]
    expected = {articles[name].pk for name in READS_ARTICLES[persona] & SUGGESTED}
    found = suggested_articles(user, ModuleCode.FEES, "how article", 10)
    assert {article.pk for article in found} == expected
    answer = ApiClient(user).get("/articles/suggestions", {"text": "how article", "limit": 10})
    assert {row["id"] for row in answer.json()} == expected
    if persona in ARTICLE_WRITERS:
        return
    page = signed_in(user).get("/portal/knowledge/suggestions/", {"title": "how article"})
    text = page.content.decode()
    shown = {article.pk for article in articles.values() if f"/knowledge/{article.pk}/" in text}
    assert shown <= expected
    assert len(shown) == min(len(expected), 3)  # the form shows the best three


@pytest.mark.parametrize("persona", SEES)
def test_deflections_votes_and_views_count_only_articles_a_persona_reads(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    for name, article in articles.items():
        reads = name in READS_ARTICLES[persona]
        deflected = api.post(f"/articles/{article.pk}/deflections", {"query": "how"})
        published = ARTICLES[name][0] == ArticleStatus.PUBLISHED
        assert deflected.status_code == (404 if not reads else 201 if published else 422)
        voted = api.post(f"/articles/{article.pk}/votes", {"helpful": True})
        assert voted.status_code == (200 if reads else 404)
        if persona not in ARTICLE_WRITERS:
            solved = web.post(f"/portal/knowledge/{article.pk}/solved/", {"title": "how"})
            assert solved.status_code == (302 if reads else 404)
            voted_page = web.post(f"/portal/knowledge/{article.pk}/vote/", {"helpful": "no"})
            assert voted_page.status_code == (302 if reads else 404)
            web.get(f"/portal/knowledge/{article.pk}/")
    read = {articles[name].pk for name in READS_ARTICLES[persona]}
    assert set(Deflection.objects.values_list("article_id", flat=True)) <= read
    assert set(ArticleVote.objects.values_list("article_id", flat=True)) == read
    assert set(ArticleView.objects.values_list("article_id", flat=True)) <= read


@pytest.mark.parametrize("persona", SEES)
def test_only_support_sees_how_often_an_article_was_read_voted_on_and_deflected(
    world: World, articles: dict[str, Article], persona: str
) -> None:
    shown = articles["for_everyone"]
    record_deflection(article=shown, actor=world.users["southbank_requester"])
    user = world.users[persona]
    counts = ApiClient(user).get(f"/articles/{shown.pk}").json()["counts"]
    if persona in ARTICLE_WRITERS:
        assert counts == {"views": 0, "helpful": 0, "not_helpful": 0, "deflections": 1}
        page = signed_in(user).get(f"/desk/knowledge/{shown.pk}/").content.decode()
        assert "<dt>Deflections</dt><dd>1</dd>" in page
    else:
        assert counts is None
        page = signed_in(user).get(f"/portal/knowledge/{shown.pk}/").content.decode()
        assert "Deflections" not in page


# Dashboards: support managers count every ticket, an institution's admin their own ------

REPORT_READERS: dict[str, set[str]] = {
    "support_manager": EVERYTHING,
    "institution_admin": NORTHFIELD,
    # Southbank's admin (and key user): their own institution's alone.
    "outsider": {"southbank_finance"},
}


@pytest.mark.parametrize("persona", SEES)
def test_dashboards_count_only_the_tickets_the_persona_may_report_on(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    page = web.get("/reports/")
    answer = api.get("/reports/dashboard")
    listed = web.get("/reports/tickets/", {"status": "all"})
    if persona not in REPORT_READERS:
        with pytest.raises(NotAllowed):
            dashboard(user, report_filters(user))
        assert (page.status_code, answer.status_code, listed.status_code) == (403, 403, 403)
        return
    counted = REPORT_READERS[persona]
    board = dashboard(user, report_filters(user))
    institutions = {world.tickets[name].institution.name for name in counted}
    assert sum(bucket.opened.value for bucket in board.flow) == len(counted)
    assert {figure.label for figure in board.breakdowns["institution"]} == institutions
    body = answer.json()
    assert sum(row["opened"] for row in body["flow"]) == len(counted)
    assert {row["label"] for row in body["breakdowns"]["institution"]} == institutions
    assert sum(row["value"] for row in body["backlog"]) == len(counted)
    assert ("Southbank" in page.content.decode()) == ("southbank_finance" in counted)
    assert listed.content.decode().count('class="ticketcard"') == len(counted)


@pytest.mark.parametrize("persona", REPORT_READERS)
def test_days_counted_ahead_add_up_only_what_the_persona_may_report_on(
    world: World, persona: str
) -> None:
    # The tickets were opened two days ago, so their days are counted ahead by the job.
    two_days = timedelta(days=2)
    # Each first answered five minutes after its opening.
    Ticket.objects.update(
        created_at=F("created_at") - two_days,
        updated_at=F("updated_at") - two_days,
        first_responded_at=F("created_at") - two_days + timedelta(minutes=5),
    )
    assert JOBS["day_counts"].function()["days"] >= 2
    assert DayCounts.objects.exists()
    user = world.users[persona]
    counted = REPORT_READERS[persona]

    board = dashboard(user, report_filters(user))

    institutions = {world.tickets[name].institution.name for name in counted}
    assert sum(bucket.opened.value for bucket in board.flow) == len(counted)
    assert {figure.label for figure in board.breakdowns["institution"]} == institutions
    assert DayCounts.objects.filter(access.report_counts_scope(user), category="").aggregate(
        opened=Sum("opened")
    )["opened"] == len(counted)
    # The times' bins: a reader adds up their institutions' alone, and their times count
    # their tickets alone, however the bins of all institutions were counted.
    bins = TimeBins.objects.filter(access.report_counts_scope(user), slice__in=["", "institution"])
    institutions_counted = {world.tickets[name].institution_id for name in counted}
    assert set(bins.values_list("institution_id", flat=True)) - {None} == institutions_counted
    answered, _ = dashboard(user, report_filters(user, period="52w")).times
    assert (answered.count, answered.median) == (len(counted), 5.0)


def test_an_institution_admin_never_narrows_a_dashboard_to_another_institution(
    world: World,
) -> None:
    admin = world.users["institution_admin"]
    southbank = str(world.southbank.pk)

    with pytest.raises(ValidationFailed):
        report_filters(admin, institution=southbank)
    assert ApiClient(admin).get("/reports/dashboard", {"institution": southbank}).status_code == 422
    assert signed_in(admin).get("/reports/", {"institution": southbank}).status_code == 422
    listed = signed_in(admin).get("/reports/tickets/", {"institution": southbank, "status": "all"})
    assert "Southbank" not in listed.content.decode()


@pytest.mark.parametrize("persona", SEES)
def test_recurring_issues_group_only_the_tickets_the_persona_may_report_on(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    page = signed_in(user).get("/reports/recurring/")
    answer = ApiClient(user).get("/reports/recurring")
    if persona not in REPORT_READERS:
        with pytest.raises(NotAllowed):
            recurring(user, report_filters(user))
        assert (page.status_code, answer.status_code) == (403, 403)
        return
    counted = REPORT_READERS[persona]
    found = recurring(user, report_filters(user))
    institutions = {world.tickets[name].institution.name for name in counted}
    grouped = {pk for group in found.groups for pk in group.tickets}
    assert grouped <= {world.tickets[name].pk for name in counted}
    assert {name for group in found.groups for name in group.institution_names} <= institutions
    body = answer.json()
    assert {name for row in body["groups"] for name in row["institutions"]} <= institutions
    assert sum(row["count"] for row in body["groups"]) == len(grouped)
    # The world's tickets share one title: those of one module and institution recur.
    assert bool(grouped) == (len(counted) > 1)
    assert ("Southbank" in page.content.decode()) == ("southbank_finance" in counted)


@pytest.mark.parametrize("persona", REPORT_READERS)
def test_title_groups_counted_ahead_bound_only_what_the_persona_may_report_on(
    world: World, persona: str
) -> None:
    assert JOBS["title_counts"].function()["rows"] > 0
    user = world.users[persona]
    counted = REPORT_READERS[persona]
    institutions = {world.tickets[name].institution_id for name in counted}
    filters = report_filters(user, period="52w")

    rows = readable_counts(user, filters)

    if persona == "support_manager":
        assert set(rows.values_list("overall", flat=True)) == {True}
        assert not rows.filter(institution__isnull=False).exists()
    else:
        assert set(rows.values_list("institution_id", flat=True)) == institutions
    assert rows.aggregate(count=Sum("count"))["count"] == len(counted)
    found = recurring(user, filters)
    grouped = {pk for group in found.groups for pk in group.tickets}
    assert grouped <= {world.tickets[name].pk for name in counted}
    assert bool(grouped) == (len(counted) > 1)


def test_an_institution_admin_never_narrows_recurring_issues_to_another_institution(
    world: World,
) -> None:
    admin = world.users["institution_admin"]
    southbank = str(world.southbank.pk)

    answer = ApiClient(admin).get("/reports/recurring", {"institution": southbank})
    assert answer.status_code == 422
    assert (
        signed_in(admin).get("/reports/recurring/", {"institution": southbank}).status_code == 422
    )


# Handover records ---------------------------------------------------------------------

READS_HANDOVER: dict[str, set[str]] = {
    "requester": set(),
    "colleague": set(),
    "key_user": {"northfield"},
    "institution_admin": {"northfield"},
    "module_owner": set(),
    "data_owner": set(),
    "outsider": {"southbank"},
    "southbank_requester": set(),
    "tier1": {"northfield", "southbank"},
    "tier2": {"northfield", "southbank"},
    "support_manager": {"northfield", "southbank"},
}


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_their_institutions_handover(world: World, persona: str) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    institutions = {"northfield": world.northfield, "southbank": world.southbank}
    for institution in institutions.values():
        save_handover(
            institution=institution,
            actor=world.users["support_manager"],
            text=HandoverText(notes="Confidential risk"),
            read_version=0,
        )
    reads = READS_HANDOVER[persona]
    assert set(handover_overview(user).values_list("slug", flat=True)) == reads
    side = "desk" if persona in {"tier1", "tier2", "support_manager"} else "portal"
    for name, institution in institutions.items():
        status = 200 if name in reads else 404
        base = f"/institutions/{institution.pk}/handover"
        assert api.get(base).status_code == status
        assert api.get(f"{base}/versions").status_code == status
        assert web.get(f"/{side}{base}/").status_code == status
        assert web.get(f"{base}/versions/", {"version": "1"}).status_code == status
        if name not in reads:
            signing = {"side": "institution", "version": 1}
            assert api.post(f"{base}/sign-off", signing).status_code == 404
            assert api.put(f"{base}", {"read_version": 1}).status_code == 404
            assert web.post(f"{base}/sign/", signing).status_code == 404
            assert web.post(f"{base}/save/", {"read_version": "1"}).status_code == 404
    if side == "desk":
        listed = web.get("/desk/handover/").content.decode()
        assert (world.southbank.name in listed) is ("southbank" in reads)


@pytest.mark.parametrize("persona", SEES)
def test_only_the_institutions_admin_and_a_support_manager_sign_its_handover(
    world: World, persona: str
) -> None:
    save_handover(
        institution=world.northfield,
        actor=world.users["support_manager"],
        text=HandoverText(),
        read_version=0,
    )
    api = ApiClient(world.users[persona])
    base = f"/institutions/{world.northfield.pk}/handover"
    signs = {
        Side.INSTITUTION: persona == "institution_admin",
        Side.DESK: persona == "support_manager",
    }
    for side, allowed in signs.items():
        answer = api.post(f"{base}/sign-off", {"side": side.value, "version": 1})
        reads = "northfield" in READS_HANDOVER[persona]
        assert answer.status_code == (200 if allowed else 403 if reads else 404)
    writes = persona in {"institution_admin", "tier1", "tier2", "support_manager"}
    answer = api.put(base, {"read_version": 1, "notes": "Mine"})
    reads = "northfield" in READS_HANDOVER[persona]
    assert answer.status_code == (200 if writes else 403 if reads else 404)


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_their_institutions_exit_scorecard(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    side = "desk" if persona in {"tier1", "tier2", "support_manager"} else "portal"
    reads = READS_HANDOVER[persona]
    for name, institution in {"northfield": world.northfield, "southbank": world.southbank}.items():
        status = 200 if name in reads else 404
        path = f"/institutions/{institution.pk}"
        assert api.get(f"{path}/exit-scorecard").status_code == status
        assert web.get(f"/{side}{path}/exit/").status_code == status
        moved = api.post(f"{path}/phase", {"phase": "steady_state", "override_reason": "x"})
        allowed = persona == "support_manager"
        assert moved.status_code == (200 if allowed else 403 if name in reads else 404)


@pytest.mark.parametrize("persona", SEES)
def test_reading_one_institutions_handover_is_the_scopes_rule(world: World, persona: str) -> None:
    user = world.users[persona]
    for name, institution in {"northfield": world.northfield, "southbank": world.southbank}.items():
        assert access.reads_handover_of(user, institution.pk) is (name in READS_HANDOVER[persona])


# Module usage and adoption blockers -------------------------------------------------------

READS_USAGE: dict[str, set[str]] = {
    **{persona: set() for persona in SEES},
    "institution_admin": {"northfield"},
    "outsider": {"southbank"},
    "tier1": {"northfield", "southbank"},
    "tier2": {"northfield", "southbank"},
    "support_manager": {"northfield", "southbank"},
}
READS_ADOPTION = {
    **READS_USAGE,
    "tier1": set(),
    "tier2": set(),
}
SENDS_USAGE = {"tier1", "tier2", "support_manager"}


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_and_sends_only_their_institutions_module_usage(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    institutions = {"northfield": world.northfield, "southbank": world.southbank}
    day = desk_day(clock.now())
    for institution in institutions.values():
        Module.objects.filter(institution=institution).update(went_live_on=day)
        record_module_usage(
            institution=institution,
            rows=[UsageRow("finance", day, 1)],
            actor=world.users["tier1"],
        )
    scoped = ModuleUsage.objects.filter(access.module_usage_scope(user))
    assert set(scoped.values_list("module__institution__slug", flat=True)) == READS_USAGE[persona]
    reads = READS_ADOPTION[persona]
    answer = api.get("/reports/adoption")
    page = web.get("/reports/adoption/")
    assert answer.status_code == page.status_code == (200 if reads else 403)
    if reads:
        assert {row["institution"] for row in answer.json()["modules"]} == {
            institutions[name].name for name in reads
        }
        assert (world.southbank.name in page.content.decode()) is ("southbank" in reads)
    row = [{"module": "finance", "day": day.isoformat(), "active_users": 2}]
    for name, institution in institutions.items():
        sent = api.post(f"/institutions/{institution.pk}/module-usage", row)
        visible = name in READS_USAGE[persona]
        allowed = persona in SENDS_USAGE
        assert sent.status_code == (200 if allowed else 403 if visible else 404)
        upload = web.get(f"/desk/institutions/{institution.pk}/module-usage/")
        assert upload.status_code == (200 if allowed else 302)


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_their_institutions_gates_and_only_managers_change_them(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    reads = READS_HANDOVER[persona]
    desk = persona in {"tier1", "tier2", "support_manager"}
    changes = persona == "support_manager"
    for name, institution in {"northfield": world.northfield, "southbank": world.southbank}.items():
        path = f"/institutions/{institution.pk}/exit-gates"
        assert api.get(path).status_code == (200 if name in reads else 404)
        put = api.put(path, {"gates": {"backlog": 3}})
        assert put.status_code == (200 if changes else 403 if name in reads else 404)
        page = web.get(f"/desk{path.replace('exit-gates', 'exit/gates')}/")
        assert page.status_code == (200 if desk else 302)
        posted = web.post(f"/desk{path.replace('exit-gates', 'exit/gates')}/defaults/")
        assert posted.status_code == (302 if changes else 403 if desk else 302)
        if not changes:
            assert not ExitGateEvent.objects.filter(institution=institution).exists()
    assert api.get("/exit-gates/default").status_code == (200 if desk else 403)
    default_put = api.put("/exit-gates/default", {"gates": {"backlog": 3}})
    assert default_put.status_code == (200 if changes else 403)


# Review packs -------------------------------------------------------------------------

READS_PACKS: dict[str, set[str]] = {
    "requester": {"mailed"},
    "colleague": set(),
    "key_user": set(),
    "institution_admin": {"northfield", "mailed"},
    "module_owner": set(),
    "data_owner": set(),
    "outsider": {"southbank"},
    "southbank_requester": set(),
    "tier1": set(),
    "tier2": set(),
    "support_manager": {"northfield", "southbank", "all", "mailed"},
}
# The institutions each persona builds and schedules packs for ("all": every one).
BUILDS_PACKS: dict[str, set[str]] = {
    "institution_admin": {"northfield"},
    "outsider": {"southbank"},
    "support_manager": {"northfield", "southbank", "all"},
}


def _ready_pack(world: World, institution: Institution | None) -> ReviewPack:
    """A pack as the build leaves it, with small files: the access rules are the point."""
    pack = request_pack(
        actor=world.users["support_manager"], kind=PackKind.WEEKLY, institution=institution
    )
    names = {"html_name": "a1" * 8 + ".html", "pdf_name": "b2" * 8 + ".pdf"}
    names["xlsx_name"] = "c3" * 8 + ".xlsx"
    for field, name in names.items():
        unique = f"{pack.pk}{name}"
        path = attachment_path(unique)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.7 pack")
        setattr(pack, field, unique)
    pack.status = PackStatus.READY
    pack.save()
    return pack


@pytest.fixture
def packs_world(world: World) -> dict[str, ReviewPack]:
    found = {
        "northfield": _ready_pack(world, world.northfield),
        "southbank": _ready_pack(world, world.southbank),
        "all": _ready_pack(world, None),
        "mailed": _ready_pack(world, world.northfield),
    }
    found["mailed"].sent_to.add(world.users["requester"])
    return found


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_the_review_packs_and_files_of_their_scope(
    world: World, packs_world: dict[str, ReviewPack], persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    reads = READS_PACKS[persona]
    visible = set(visible_packs(user).values_list("pk", flat=True))
    assert visible == {packs_world[name].pk for name in reads}
    listed = {row["id"] for row in api.get("/reports/packs").json()["results"]}
    assert listed == visible
    for name, pack in packs_world.items():
        status = 200 if name in reads else 404
        assert api.get(f"/reports/packs/{pack.pk}").status_code == status
        assert api.get(f"/reports/packs/{pack.pk}/files/pdf").status_code == status
        assert web.get(f"/reports/packs/{pack.pk}/").status_code == status
        status_part = web.get(f"/reports/packs/{pack.pk}/status/", HTTP_HX_REQUEST="true")
        assert status_part.status_code == status
        assert web.get(f"/reports/packs/{pack.pk}/xlsx/").status_code == status
        notes = api.put(f"/reports/packs/{pack.pk}/notes", {"notes": "Theirs"})
        writes = persona == "support_manager"
        assert notes.status_code == (200 if writes else 403 if name in reads else 404)


@pytest.mark.parametrize("persona", SEES)
def test_only_managers_and_an_institutions_admin_build_and_schedule_its_packs(
    world: World, persona: str
) -> None:
    api = ApiClient(world.users[persona])
    builds = BUILDS_PACKS.get(persona, set())
    staff = world.users["tier1"].pk
    for name, institution in {
        "northfield": world.northfield,
        "southbank": world.southbank,
        "all": None,
    }.items():
        scope = {"institution_id": institution.pk} if institution else {}
        expected = 201 if name in builds else 403 if institution is None else 404
        asked = api.post("/reports/packs", {"kind": "weekly", **scope})
        assert asked.status_code == expected, name
        body = {"kind": "weekly", "weekday": 0, "at": "08:00", "recipients": [staff], **scope}
        assert api.post("/reports/pack-schedules", body).status_code == expected, name
    schedules = {row["institution_id"] for row in api.get("/reports/pack-schedules").json()}
    named = {world.northfield.pk: "northfield", world.southbank.pk: "southbank", None: "all"}
    assert {named[pk] for pk in schedules} == builds


@pytest.mark.parametrize("persona", SEES)
def test_a_pack_mail_goes_only_to_the_institutions_people_or_support_staff(
    world: World, persona: str
) -> None:
    person = world.users[persona]
    allowed = persona not in {"outsider", "southbank_requester"}
    arguments: dict[str, Any] = {
        "actor": world.users["support_manager"],
        "kind": PackKind.WEEKLY,
        "institution": world.northfield,
        "weekday": 0,
        "at": time(8),
        "recipients": [person],
    }
    if not allowed:
        with pytest.raises(ValidationFailed) as refused:
            create_pack_schedule(**arguments)
        assert set(refused.value.errors) == {"recipients"}
        return
    schedule = create_pack_schedule(**arguments)
    with time_machine.travel(schedule.next_run_at + timedelta(minutes=1), tick=False):
        run_due_schedules()
        build_queued_packs()
    pack = ReviewPack.objects.get(schedule=schedule)
    mails = OutboxMessage.objects.filter(event=NotificationEvent.REVIEW_PACK)
    assert list(mails.values_list("to_email", flat=True)) == [person.email]
    assert visible_packs(person).filter(pk=pack.pk).exists()


@pytest.mark.parametrize("persona", SEES)
def test_no_personas_session_opens_the_metrics(world: World, persona: str) -> None:
    """Metrics count every institution's tickets: only the operator's token opens them."""
    client = Client()
    client.force_login(world.users[persona])
    with override_settings(HYPERCARE_METRICS_TOKEN="operator-token"):
        answer = client.get("/metrics")
    assert answer.status_code == 401
    assert b"hypercare_" not in answer.content


def _signed_in_everyone(world: World) -> dict[str, Client]:
    browsers = {}
    for name, person in world.users.items():
        browsers[name] = Client()
        browsers[name].force_login(person)
    return browsers


ENDS_ANYONES_SESSIONS = {"support_manager"}


@pytest.mark.parametrize("persona", SEES)
def test_a_person_sees_and_ends_only_their_own_sessions(world: World, persona: str) -> None:
    """Support managers may end anyone's session (a lost laptop) but list only their own."""
    browsers = _signed_in_everyone(world)
    person = world.users[persona]
    sessions = {s.user_id: s for s in SignedInSession.objects.all()}
    assert [s.user_id for s in open_sessions(person)] == [person.pk]
    api = ApiClient(person)
    assert [row["id"] for row in api.get("/security/sessions").json()] == [sessions[person.pk].id]
    victim = "southbank_requester" if persona != "southbank_requester" else "requester"
    theirs = sessions[world.users[victim].pk]
    expected = 200 if persona in ENDS_ANYONES_SESSIONS else 404
    assert api.delete(f"/security/sessions/{theirs.pk}").status_code == expected
    colleagues = sessions[world.users["colleague"].pk]
    page = browsers[persona].post(f"/account/security/sessions/{colleagues.pk}/end/")
    if persona in ENDS_ANYONES_SESSIONS or persona == "colleague":
        assert page.status_code == 302
    else:
        assert page.status_code == 404
    still_in = browsers[victim].get("/account/security/").status_code == 200
    assert still_in is (persona not in ENDS_ANYONES_SESSIONS)


@pytest.mark.parametrize("persona", SEES)
def test_only_a_manager_resets_someone_elses_second_factor(world: World, persona: str) -> None:
    other = world.users["requester" if persona != "requester" else "colleague"]
    device = begin_enrolment(user=other)
    confirm_enrolment(user=other, code=pyotp.TOTP(device.secret).now())
    answer = ApiClient(world.users[persona]).post(f"/security/people/{other.pk}/reset-two-factor")
    assert answer.status_code == (204 if persona in ENDS_ANYONES_SESSIONS else 404)
    kept = TwoFactorDevice.objects.filter(user=other).exists()
    assert kept is (persona not in ENDS_ANYONES_SESSIONS)


SETS_TWO_FACTOR_RULE = {
    "institution_admin": {"northfield"},
    "outsider": {"southbank"},
    "support_manager": {"northfield", "southbank"},
}


@pytest.mark.parametrize("persona", SEES)
def test_an_institutions_two_factor_rule_is_set_only_by_its_admin_or_a_manager(
    world: World, persona: str
) -> None:
    person = world.users[persona]
    places = {"northfield": world.northfield, "southbank": world.southbank}
    allowed = SETS_TWO_FACTOR_RULE.get(persona, set())
    assert {i.name for i in policy_institutions(person)} == {places[n].name for n in allowed}
    browser = Client()
    browser.force_login(person)
    for name, place in places.items():
        answer = browser.post(
            f"/account/security/policies/{place.pk}/", {f"i{place.pk}-required": "on"}
        )
        sees = Institution.objects.filter(access.institution_scope(person), pk=place.pk).exists()
        assert answer.status_code == (302 if name in allowed else 403 if sees else 404), name
    required = TwoFactorPolicy.objects.filter(required=True).values_list("institution", flat=True)
    assert set(required) == {places[n].pk for n in allowed}


@pytest.mark.parametrize("persona", SEES)
def test_nobody_reads_another_persons_two_factor_state(world: World, persona: str) -> None:
    other = world.users["requester" if persona != "requester" else "colleague"]
    device = begin_enrolment(user=other)
    confirm_enrolment(user=other, code=pyotp.TOTP(device.secret).now())
    state = ApiClient(world.users[persona]).get("/security/two-factor").json()
    assert state == {"enabled": False, "required": False, "recovery_codes_left": 0}


# Data protection -----------------------------------------------------------------------

# Whose data each persona exports and anonymises, and whose retention they set: managers
# everyone's, an institution's admin (the outsider is Southbank's) their own people's.
HANDLES_DATA_OF: dict[str, set[str]] = {
    "institution_admin": {"northfield"},
    "outsider": {"southbank"},
    "support_manager": {"northfield", "southbank"},
}


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_exports_and_anonymises_only_the_people_of_their_scope(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    api, web = ApiClient(user), signed_in(user)
    handles = HANDLES_DATA_OF.get(persona, set())
    subjects = {
        "northfield": world.users["colleague"],
        "southbank": world.users["southbank_requester"],
    }
    for name, subject in subjects.items():
        allowed = name in handles
        exported = api.post(f"/privacy/people/{subject.pk}/export")
        assert exported.status_code == (200 if allowed else 404), name
        # A wrong confirmation: allowed personas reach the check (422), nothing changes.
        anonymised = api.post(f"/privacy/people/{subject.pk}/anonymise", {"confirmation": "x"})
        assert anonymised.status_code == (422 if allowed else 404), name
        assert web.get(f"/privacy/people/{subject.pk}/").status_code == (200 if allowed else 404)
        posted = web.post(f"/privacy/people/{subject.pk}/export/")
        assert posted.status_code == (200 if allowed else 404), name
        institution = subject.institution
        assert institution is not None
        retention = api.get(f"/privacy/retention/{institution.pk}")
        assert retention.status_code == (200 if allowed else 404), name
        put = api.put(f"/privacy/retention/{institution.pk}", {"months": 12})
        assert put.status_code == (200 if allowed else 404), name
    listed = {row["institution_id"] for row in api.get("/privacy/people").json()["results"]}
    named = {world.northfield.pk: "northfield", world.southbank.pk: "southbank"}
    assert {named[pk] for pk in listed if pk is not None} == handles
    assert web.get("/privacy/").status_code == (200 if handles else 403)
    assert api.get("/privacy/register").status_code == 403
    assert web.get("/privacy/register/").status_code == 403
    assert subjects["northfield"].username == "colleague"


# Single sign-on ----------------------------------------------------------------------

READS_SSO: dict[str, set[str]] = {
    "requester": set(),
    "colleague": set(),
    "key_user": set(),
    "institution_admin": {"northfield"},
    "module_owner": set(),
    "data_owner": set(),
    "outsider": {"southbank"},
    "southbank_requester": set(),
    "tier1": set(),
    "tier2": set(),
    "support_manager": {"northfield", "southbank"},
}
SSO_SECRET = "the-client-secret-nobody-reads"  # noqa: S105 (a test's stored secret)


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_only_their_institutions_sign_in_settings_and_never_the_secret(
    world: World, persona: str
) -> None:
    institutions = {"northfield": world.northfield, "southbank": world.southbank}
    for name, institution in institutions.items():
        settings = ProviderSettings(
            name=f"{name} login",
            issuer=f"https://login.{name}.example",
            client_id="desk",
            client_secret=SSO_SECRET,
            email_domains=(f"{name}.example",),
        )
        configure_provider(
            actor=world.users["support_manager"], institution=institution, settings=settings
        )
    user = world.users[persona]
    reads = READS_SSO[persona]
    assert {p.institution.slug for p in visible_providers(user)} == reads
    api, web = ApiClient(user), signed_in(user)
    for name, institution in institutions.items():
        status = 200 if name in reads else 404
        base = f"/institutions/{institution.pk}/sso"
        answers = [api.get(base), web.get(f"{base}/")]
        assert [answer.status_code for answer in answers] == [status, status]
        assert all(SSO_SECRET not in answer.content.decode() for answer in answers)
        change = {
            "name": "Taken over",
            "issuer": "https://evil.example",
            "client_id": "x",
            "scopes": "openid",
        }
        sees = access.is_agent(user) or user.institution_id == institution.pk
        expected = 200 if persona == "support_manager" else 403 if sees else 404
        assert api.put(base, change).status_code == expected
        assert web.post(f"{base}/", change).status_code == (
            302 if persona == "support_manager" else 403 if name in reads else 404
        )
    if persona != "support_manager":
        assert not IdentityProvider.objects.filter(name="Taken over").exists()


# Institution self-administration: an institution's admin manages its people and
# invitations; nobody else, and no admin another institution's.


@pytest.fixture
def northfield_invitation(world: World) -> Invitation:
    details = InvitationDetails(email="nia@northfield.edu", roles=[Role.REQUESTER])
    return invite_person(actor=world.users["institution_admin"], details=details)


def _refusals(user: User, invitation: Invitation, person: User) -> list[type[Exception] | None]:
    """What each people and invitation service answers ``user`` about Northfield's."""
    attempts: list[Callable[[], object]] = [
        partial(resend_invitation, invitation_id=invitation.pk, actor=user),
        partial(set_institution_roles, person_id=person.pk, roles=[Role.KEY_USER], actor=user),
        partial(set_person_active, person_id=person.pk, active=False, actor=user),
        partial(set_person_active, person_id=person.pk, active=True, actor=user),
        partial(revoke_invitation, invitation_id=invitation.pk, actor=user),
    ]
    answers: list[type[Exception] | None] = []
    for attempt in attempts:
        try:
            attempt()
        except (NotAllowed, NotFound) as refused:
            answers.append(type(refused))
        else:
            answers.append(None)
    return answers


@pytest.mark.parametrize("persona", SEES)
def test_only_an_institutions_admin_sees_and_changes_its_people_and_invitations(
    world: World, northfield_invitation: Invitation, persona: str
) -> None:
    user = world.users[persona]
    people = set(administered_people(user).values_list("username", flat=True))
    invitations = set(pending_invitations(user).values_list("email", flat=True))
    northfield = set(
        User.objects.filter(institution=world.northfield).values_list("username", flat=True)
    )
    requester = world.users["requester"]
    if persona == "institution_admin":
        assert (people, invitations) == (northfield, {"nia@northfield.edu"})
        assert _refusals(user, northfield_invitation, requester) == [None] * 5
    else:
        expected = {"outsider", "sam"} if persona == "outsider" else set()
        assert (people, invitations) == (expected, set())
        refusal = NotFound if persona == "outsider" else NotAllowed
        assert _refusals(user, northfield_invitation, requester) == [refusal] * 5
        northfield_invitation.refresh_from_db()
        requester.refresh_from_db()
        assert northfield_invitation.is_open
        assert northfield_invitation.sent_at == (northfield_invitation.created_at)
        assert requester.is_active
        assert requester.roles == {Role.REQUESTER}


@pytest.mark.parametrize("persona", SEES)
def test_the_people_pages_and_endpoints_show_northfields_people_to_its_admin_alone(
    world: World, northfield_invitation: Invitation, persona: str
) -> None:
    user = world.users[persona]
    requester = world.users["requester"]
    client = signed_in(user)
    pages = [
        client.get("/portal/people/"),
        client.get(f"/portal/people/{requester.pk}/"),
        client.post(f"/portal/people/{requester.pk}/active/", {"active": "no"}),
        client.post(f"/portal/invitations/{northfield_invitation.pk}/revoke/"),
    ]
    api = ApiClient(user)
    endpoints = [
        api.get("/people"),
        api.get("/invitations"),
        api.put(f"/people/{requester.pk}/roles", {"roles": ["key_user"]}),
        api.delete(f"/invitations/{northfield_invitation.pk}"),
    ]
    codes = ([page.status_code for page in pages], [answer.status_code for answer in endpoints])
    if persona == "institution_admin":
        # The page revoked the invitation already: revoking it again is a conflict.
        assert codes == ([200, 200, 302, 302], [200, 200, 200, 409])
        return
    if persona == "outsider":
        assert codes == ([200, 404, 404, 404], [200, 200, 404, 404])
        shown = pages[0].content.decode() + str(endpoints[0].json()) + str(endpoints[1].json())
        assert "riya" not in shown
        assert "nia@northfield.edu" not in shown
    elif persona in {"tier1", "tier2", "support_manager"}:
        assert codes == ([302, 302, 302, 302], [403, 403, 403, 403])
    else:
        assert codes == ([404, 404, 404, 404], [403, 403, 403, 403])
    requester.refresh_from_db()
    northfield_invitation.refresh_from_db()
    assert requester.is_active
    assert requester.roles == {Role.REQUESTER}
    assert northfield_invitation.is_open


def test_an_invitation_link_is_held_by_its_mail_alone(
    world: World, northfield_invitation: Invitation
) -> None:
    """No page, endpoint or stored row hands anyone the link: it is used only by who
    reads the mail, and it always makes an account of the inviting institution."""
    outsider = world.users["outsider"]
    stored = str(list(Invitation.objects.values()))
    listed = signed_in(world.users["institution_admin"]).get("/portal/people/").content.decode()
    answered = str(ApiClient(world.users["institution_admin"]).get("/invitations").json())
    for shown in (stored, listed, answered):
        assert "/invitations/" not in shown.replace("/portal/invitations/", "")
    assert invitation_for_token(northfield_invitation.digest) is None
    refused = signed_in(outsider).get(f"/invitations/{northfield_invitation.prefix}_x/")
    assert "not valid" in refused.content.decode()


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_reads_and_marks_only_their_own_notifications_and_titles_they_may_see(
    world: World, persona: str
) -> None:
    """The list, the count, the bell, marking read (one, all) in the API and the pages;
    a notification about a ticket the person may not see tells neither its title nor its
    address."""
    InAppNotification.objects.all().delete()
    everyone = list(world.users.values())
    for name, ticket in world.tickets.items():
        notify(
            event=NotificationEvent.STATUS_CHANGED,
            ticket=ticket,
            recipients=everyone,
            cause=f"matrix:{name}",
        )
    person = world.users[persona]
    references = {name: ticket.reference for name, ticket in world.tickets.items()}
    api, browser = ApiClient(person), _signed_in_everyone(world)[persona]

    listed = api.get("/notifications", {"page_size": 100}).json()
    rows = listed["results"]
    own = set(InAppNotification.objects.filter(recipient=person).values_list("pk", flat=True))
    assert {row["id"] for row in rows} == own
    assert listed["count"] == len(world.tickets)
    assert _names(world, {row["ticket_id"] for row in rows} - {None}) == SEES[persona]
    told = {name for name, ref in references.items() if any(ref in row["subject"] for row in rows)}
    assert told == SEES[persona]
    assert api.get("/notifications/unread-count").json() == {"unread": len(world.tickets)}
    page = browser.get("/notifications/").content.decode()
    assert {name for name, ref in references.items() if ref in page} == SEES[persona]
    bell = browser.get("/notifications/bell/", headers={"HX-Request": "true"}).content.decode()
    assert f"data-unread-count>{len(world.tickets)}<" in bell

    victim = world.users["southbank_requester" if persona != "southbank_requester" else "requester"]
    theirs = InAppNotification.objects.filter(recipient=victim).first()
    assert theirs is not None
    assert api.post(f"/notifications/{theirs.pk}/read").status_code == 404
    assert browser.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert browser.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post("/notifications/read-all").json() == {"marked_read": len(world.tickets)}
    others_read = InAppNotification.objects.exclude(recipient=person).filter(read_at__isnull=False)
    assert not others_read.exists()


# Tags ---------------------------------------------------------------------------------------

# Tags are the support side's own labels: every agent sees and sets them, support managers
# rename and merge them, and nobody of an institution sees one, filters by one or changes
# one, on any page, endpoint, search or timeline.
STAFF = ("tier1", "tier2", "support_manager")
TAG = "angry customer"


@pytest.fixture
def tagged_world(world: World) -> World:
    for ticket in world.tickets.values():
        add_tag(ticket=ticket, actor=world.users["tier1"], name=TAG)
    return world


# Time spent ------------------------------------------------------------------------------

# The minutes support entered on a Northfield ticket and on a Southbank one: the time
# report's readers see their own institution's (a manager both); the portal, the
# portal's timeline and every other role see none.
TIME_READERS = {
    "institution_admin": 20,
    "outsider": 50,
    "support_manager": 70,
}


@pytest.fixture
def timed_world(world: World) -> World:
    agent = world.users["tier1"]
    add_public_reply(ticket=world.tickets["riya_finance"], actor=agent, body="On it.", minutes=20)
    add_internal_note(
        ticket=world.tickets["southbank_finance"], actor=agent, body="Logs.", minutes=50
    )
    return world


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_see_tags_or_filter_by_them(tagged_world: World, persona: str) -> None:
    user = tagged_world.users[persona]
    staff = persona in STAFF
    client = ApiClient(user)
    shown = [TAG] if staff else []

    assert [tag.name for tag in visible_tags(user)] == shown
    assert [row["name"] for row in client.get("/tags").json()] == shown
    filtered = ticket_list(user, TicketFilters(tag=(TAG,))).values_list("pk", flat=True)
    assert _names(tagged_world, filtered) == (SEES[persona] if staff else set())
    listed = client.get("/tickets", {"tag": TAG}).json()["results"]
    assert _names(tagged_world, [row["id"] for row in listed]) == (
        SEES[persona] if staff else set()
    )
    for name in SEES[persona]:
        ticket = tagged_world.tickets[name]
        assert [tag.name for tag in ticket_tags(user, ticket)] == shown
        assert [row["name"] for row in client.get(f"/tickets/{ticket.pk}/tags").json()] == shown
        events = timeline(user, ticket).filter(kind__in=TagEventKind.values)
        assert events.count() == (1 if staff else 0)
        side = "desk" if staff else "portal"
        page = signed_in(user).get(f"/{side}/tickets/{ticket.pk}/")
        assert page.status_code == 200
        assert (TAG in page.content.decode()) == staff, name


@pytest.mark.parametrize("persona", [persona for persona in SEES if persona not in STAFF])
def test_nobody_of_an_institution_tags_or_untags_a_ticket(
    tagged_world: World, persona: str
) -> None:
    user = tagged_world.users[persona]
    client, tag = ApiClient(user), Tag.objects.get(name=TAG)
    for name, ticket in tagged_world.tickets.items():
        seen = name in SEES[persona]
        added = client.post(f"/tickets/{ticket.pk}/tags", {"name": "calm"})
        assert added.status_code == (403 if seen else 404), name
        assert client.delete(f"/tickets/{ticket.pk}/tags/{tag.pk}").status_code == 404
        web = signed_in(user).post(f"/desk/tickets/{ticket.pk}/tags/", {"name": "calm"})
        assert web.status_code == 302
        with pytest.raises(NotAllowed):
            add_tag(ticket=ticket, actor=user, name="calm")
    assert list(Tag.objects.values_list("name", flat=True)) == [TAG]
    assert Tagging.objects.count() == len(tagged_world.tickets)


@pytest.mark.parametrize("persona", SEES)
def test_only_support_managers_rename_and_merge_tags(tagged_world: World, persona: str) -> None:
    user = tagged_world.users[persona]
    client = ApiClient(user)
    tag = Tag.objects.get(name=TAG)
    other = add_tag(
        ticket=tagged_world.tickets["riya_finance"], actor=tagged_world.users["tier1"], name="calm"
    )
    renamed = client.patch(f"/tags/{tag.pk}", {"name": "upset"})
    merged = client.post(f"/tags/{other.pk}/merge", {"into": tag.pk})
    page = signed_in(user).post(f"/desk/tags/{tag.pk}/rename/", {"name": "cross"})

    if persona == "support_manager":
        assert (renamed.status_code, merged.status_code, page.status_code) == (200, 200, 302)
        assert list(Tag.objects.values_list("name", flat=True)) == ["cross"]
        return
    expected = 403 if persona in STAFF else 404
    assert (renamed.status_code, merged.status_code) == (expected, expected)
    # The workspace sends the institution's people to their own side.
    assert page.status_code == (403 if persona in STAFF else 302)
    assert sorted(Tag.objects.values_list("name", flat=True)) == sorted([TAG, "calm"])


# Saved views ---------------------------------------------------------------------------


@pytest.fixture
def saved_views(world: World) -> tuple[SavedView, SavedView]:
    """Tara's personal view, and one she shares with her team (Tomas is in another)."""
    tier1 = world.users["tier1"]
    desk = factories.team("Service desk")
    desk.members.add(tier1)
    factories.team("Finance tier 2").members.add(world.users["tier2"])
    personal = create_saved_view(
        actor=tier1, name="Tara's finance", query="module=finance", sort="due",
        columns=["ticket", "due"], team=None,
    )  # fmt: skip
    shared = create_saved_view(
        actor=tier1, name="Desk's exams", query="module=exams&status=all", sort="priority",
        columns=["ticket", "status"], team=desk,
    )  # fmt: skip
    return personal, shared


@pytest.mark.parametrize("persona", SEES)
def test_a_saved_view_reaches_only_its_owner_or_its_teams_people(
    world: World, saved_views: tuple[SavedView, SavedView], persona: str
) -> None:
    """Another person's personal view and another team's view are not found on any page
    or endpoint, nor counted, nor changed; institution people keep no views at all."""
    user = world.users[persona]
    owner = persona == "tier1"
    assert [view.name for view in usable_saved_views(user)] == (
        ["Tara's finance", "Desk's exams"] if owner else []
    )
    api, browser = ApiClient(user), signed_in(user)
    listed = api.get("/views").json()
    shown = str(listed) + browser.get("/desk/").content.decode()
    for view in saved_views:
        reads = [
            api.get(f"/views/{view.pk}").status_code,
            api.get(f"/views/{view.pk}/tickets").status_code,
            browser.get(f"/desk/views/{view.pk}/").status_code,
            browser.get(f"/desk/?view={view.pk}").status_code,
        ]
        if owner:
            assert reads == [200, 200, 200, 200]
            continue
        assert 200 not in reads
        changes = [
            api.put(f"/views/{view.pk}", {"name": "Taken", "query": ""}).status_code,
            api.delete(f"/views/{view.pk}").status_code,
        ]
        assert set(changes) <= {403, 404}
        assert browser.post(f"/desk/views/{view.pk}/delete/").status_code in {302, 403, 404}
        assert browser.post(f"/desk/views/{view.pk}/move/").status_code in {302, 403, 404}
        assert SavedView.objects.filter(pk=view.pk, name=view.name).exists()
    if owner:
        assert [view["count"] for view in listed] == [3, 2]
    else:
        assert listed == []
        assert "Tara's finance" not in shown
        assert "Desk's exams" not in shown


def test_a_view_shows_an_agent_only_what_they_may_see_and_counts_the_same(
    world: World, saved_views: tuple[SavedView, SavedView]
) -> None:
    """A view's filters narrow what its reader may see; they never widen it."""
    tier1 = world.users["tier1"]
    personal, _ = saved_views
    finance = {"riya_finance", "colleague_finance", "southbank_finance"}
    assert _names(world, view_tickets(tier1, personal).values_list("pk", flat=True)) == finance
    assert saved_view_counts(tier1, [personal]) == {personal.pk: len(finance)}


# Presence on a ticket ------------------------------------------------------------------


@pytest.mark.parametrize("persona", SEES)
def test_who_has_a_ticket_open_is_shown_to_support_staff_alone(world: World, persona: str) -> None:
    """Staff on a ticket see each other; nobody else is shown who reads it, on any page,
    nor may they beat on it (which would show them to staff)."""
    ticket = world.tickets["riya_finance"]
    record_presence(ticket=ticket, actor=world.users["tier2"], replying=True)
    user = world.users[persona]
    staff = persona in {"tier1", "tier2", "support_manager"}
    shown = [present.person.username for present in others_present(user, ticket)]
    beat = signed_in(user).post(f"/desk/tickets/{ticket.pk}/presence/")
    if staff:
        assert shown == ([] if persona == "tier2" else ["tomas"])
        assert beat.status_code == 200
        return
    assert shown == []
    assert beat.status_code in {302, 403, 404}
    page = signed_in(user).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "is replying" not in page
    assert not Presence.objects.filter(user=user).exists()


@pytest.mark.parametrize("persona", SEES)
def test_time_spent_is_read_only_by_its_institutions_admin_and_managers(
    timed_world: World, persona: str
) -> None:
    user = timed_world.users[persona]
    api = ApiClient(user).get("/reports/time")
    page = signed_in(user).get("/reports/time/")
    if persona in TIME_READERS:
        minutes = TIME_READERS[persona]
        assert sum(entry.minutes for entry in time_entries(user, ReportFilters())) == minutes
        assert api.json()["total"]["minutes"] == minutes
        assert f'<p id="time-total">{minutes} min' in page.content.decode()
    else:
        with pytest.raises(NotAllowed):
            time_entries(user, ReportFilters())
        assert (api.status_code, page.status_code) == (403, 403)


def test_an_institution_admin_cannot_narrow_the_time_report_to_another(timed_world: World) -> None:
    southbank = timed_world.southbank.pk
    response = ApiClient(timed_world.users["institution_admin"]).get(
        "/reports/time", {"institution": str(southbank)}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "institution"


@pytest.mark.parametrize("persona", SEES)
def test_time_on_a_ticket_reaches_support_staff_only(timed_world: World, persona: str) -> None:
    user = timed_world.users[persona]
    ticket = timed_world.tickets["riya_finance"]
    staff = persona in {"tier1", "tier2", "support_manager"}
    assert (time_on_ticket(user, ticket) is not None) is staff
    if persona in SEES and "riya_finance" in SEES[persona]:
        minutes = [getattr(event, "minutes_spent", None) for event in timeline(user, ticket)]
        assert (20 in minutes) is staff
        shown = signed_in(user).get(
            f"/desk/tickets/{ticket.pk}/" if staff else f"/portal/tickets/{ticket.pk}/"
        )
        assert ("Time spent" in shown.content.decode()) is staff


def test_an_institution_admins_pack_holds_only_their_institutions_time(
    timed_world: World,
) -> None:
    admin = timed_world.users["institution_admin"]
    pack = request_pack(actor=admin, kind=PackKind.WEEKLY, institution=timed_world.northfield)
    build_queued_packs()
    pack.refresh_from_db()

    sections = {section["key"]: section for section in pack.content["sections"]}
    rows = sections["time_entries"]["rows"]
    assert [row[1] for row in rows] == [timed_world.tickets["riya_finance"].reference]
    assert sections["time_spent"]["rows"][-1] == ["Total", "", 20, 1]
    assert "Southbank" not in str(pack.content)


# Macros -------------------------------------------------------------------------------------

# Macros are the support side's own shortcuts: support managers keep them, support staff
# apply them, and nobody of an institution lists, applies or changes one, through any
# endpoint or page; a macro's internal note and summary never reach an institution.


@pytest.fixture
def macro(world: World) -> Macro:
    return create_macro(
        actor=world.users["support_manager"],
        steps=MacroSteps(name="Chase vendor", note="Chased the vendor.", tags_to_add=["vendor"]),
    )


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_list_or_apply_macros(world: World, macro: Macro, persona: str) -> None:
    user = world.users[persona]
    staff = persona in STAFF
    client = ApiClient(user)

    assert list(visible_macros(user)) == ([macro] if staff else [])
    assert [row["name"] for row in client.get("/macros").json()] == (
        ["Chase vendor"] if staff else []
    )
    for name, ticket in world.tickets.items():
        applied = client.post(f"/tickets/{ticket.pk}/macros/{macro.pk}/apply")
        # Not even a ticket they see: the macro itself is unknown to them.
        assert applied.status_code == (200 if staff else 404), name
        if not staff:
            with pytest.raises(NotAllowed):
                apply_macro(ticket=ticket, actor=user, macro=macro)
        applied_here = ticket.events.filter(kind=MacroEventKind.MACRO_APPLIED).exists()
        assert applied_here == staff, name


@pytest.mark.parametrize("persona", SEES)
def test_only_support_managers_keep_macros(world: World, macro: Macro, persona: str) -> None:
    user = world.users[persona]
    client = ApiClient(user)
    made = client.post("/macros", {"name": "Mine", "note": "x"})
    gone = client.delete(f"/macros/{macro.pk}")

    if persona == "support_manager":
        assert (made.status_code, gone.status_code) == (201, 204)
        assert list(Macro.objects.values_list("name", flat=True)) == ["Mine"]
        return
    assert (made.status_code, gone.status_code) == (403, 403 if persona in STAFF else 404)
    assert list(Macro.objects.all()) == [macro]


@pytest.mark.parametrize("persona", [persona for persona in SEES if persona not in STAFF])
def test_nobody_of_an_institution_reaches_a_macro_page(
    world: World, macro: Macro, persona: str
) -> None:
    client = signed_in(world.users[persona])
    ticket = world.tickets["riya_finance"]

    # The workspace sends the institution's people to their own side, doing nothing.
    assert client.get("/desk/macros/").status_code == 302
    assert client.post("/desk/macros/", {"name": "Mine", "note": "x"}).status_code == 302
    assert client.post(f"/desk/macros/{macro.pk}/delete/").status_code == 302
    applied = client.post(f"/desk/tickets/{ticket.pk}/macros/apply/", {"macro": macro.pk})
    bulk = client.post("/desk/macros/apply/", {"ticket": [ticket.pk], "macro": macro.pk})
    assert (applied.status_code, bulk.status_code) == (302, 302)
    assert list(Macro.objects.all()) == [macro]
    assert not TicketEvent.objects.filter(kind=MacroEventKind.MACRO_APPLIED).exists()
    for name in SEES[persona]:
        page = client.get(f"/portal/tickets/{world.tickets[name].pk}/").content.decode()
        assert "Chase vendor" not in page, name


@pytest.mark.parametrize("persona", [persona for persona in SEES if persona not in STAFF])
def test_a_macro_applied_never_shows_its_note_to_an_institution(
    world: World, macro: Macro, persona: str
) -> None:
    user = world.users[persona]
    for name in SEES[persona]:
        ticket = world.tickets[name]
        apply_macro(ticket=ticket, actor=world.users["tier1"], macro=macro)
        kinds = set(timeline(user, ticket).values_list("kind", flat=True))
        assert not kinds & {MacroEventKind.MACRO_APPLIED, EventKind.INTERNAL_NOTE}, name
        page = signed_in(user).get(f"/portal/tickets/{ticket.pk}/").content.decode()
        assert "Chased the vendor." not in page
        assert "Chase vendor" not in page
        events = ApiClient(user).get(f"/tickets/{ticket.pk}/events").json()
        assert "Chased the vendor." not in str(events)
