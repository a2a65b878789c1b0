"""Every form of the web desk against the service it feeds: a field is marked required
exactly when the service refuses it empty, and "(needed when ...)" exactly when the
service wants it only in that case. So a label never says "optional" for an answer
the service then refuses as empty."""

import dataclasses
import importlib
import itertools
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django import forms
from django.utils import timezone

import hypercare.web
from hypercare.access_requests.models import AccessReview, ReviewLine
from hypercare.access_requests.services.requests import (
    RequestDetails,
    decide_access_request,
    open_access_request,
)
from hypercare.access_requests.services.reviews import answer_review_line, set_review_interval
from hypercare.accounts.choices import Role
from hypercare.accounts.invitations import InvitationDetails, invite_person
from hypercare.accounts.models import User
from hypercare.accounts.people import set_institution_roles
from hypercare.changes.services.common import RiskAnswers
from hypercare.changes.services.records import ChangeDetails, create_change
from hypercare.errors import ValidationFailed
from hypercare.escalations.choices import (
    AgreementChannel,
    CommunicationMode,
    EscalationReason,
    Workaround,
)
from hypercare.escalations.models import Escalation
from hypercare.escalations.services import handling
from hypercare.escalations.services.handling import DeEscalationChecklist
from hypercare.escalations.services.intake import ReviewChecklist, request_escalation
from hypercare.feedback.choices import IdeaStatus
from hypercare.feedback.services import change_idea_status, create_idea
from hypercare.handover.services import save_handover
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import (
    Declaration,
    change_resolve_by,
    declare_major_incident,
    post_incident_update,
    resolve_major_incident,
)
from hypercare.knowledge.models import Article
from hypercare.knowledge.services import ArticleContent, create_article, set_related_articles
from hypercare.links.services import split_ticket
from hypercare.macros.models import Macro
from hypercare.macros.services import MacroSteps, create_macro
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team
from hypercare.privacy.services.anonymise import anonymise_person
from hypercare.privacy.services.retention import set_retention
from hypercare.problems.models import Problem
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    edit_note_item,
    edit_release_notes,
    plan_for_release,
)
from hypercare.reports.services import create_pack_schedule, request_pack, write_pack_notes
from hypercare.tags.services import add_tag, rename_tag
from hypercare.tickets.choices import AffectedWorkflow, Category, Channel, Level, Priority, Status
from hypercare.tickets.models import SavedReply, Ticket
from hypercare.tickets.services import conversation, saved_replies, saved_views, workflow
from hypercare.tickets.services.handover import HandOverNote
from hypercare.tickets.services.intake import open_ticket
from hypercare.web.access_requests import forms as access_forms
from hypercare.web.accounts import forms as account_forms
from hypercare.web.changes import forms as change_forms
from hypercare.web.escalations import forms as escalation_forms
from hypercare.web.feedback import forms as feedback_forms
from hypercare.web.forms import ServiceErrors, named_ticket
from hypercare.web.handover.forms import HandoverForm
from hypercare.web.incidents import forms as incident_forms
from hypercare.web.knowledge import forms as knowledge_forms
from hypercare.web.links import forms as link_forms
from hypercare.web.macros import forms as macro_forms
from hypercare.web.macros.forms import tag_names
from hypercare.web.privacy import forms as privacy_forms
from hypercare.web.problems import forms as problem_forms
from hypercare.web.releases import forms as release_forms
from hypercare.web.reports import pack_forms
from hypercare.web.tags import forms as tag_forms
from hypercare.web.tickets import desk_forms, desk_new_forms
from hypercare.web.tickets import forms as ticket_forms
from tests import factories
from tests.access_requests import builders as access_builders
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in


@dataclasses.dataclass
class World:
    requester: User
    agent: User
    manager: User
    ticket: Ticket
    escalation: Escalation
    tier2: Team
    desk: Team


@pytest.fixture
def world(requester: User) -> World:
    agent = factories.agent(Role.TIER1, first_name="Tia", last_name="One")
    manager = factories.agent(Role.ESCALATION_MANAGER, first_name="Esme", last_name="Lee")
    ticket = factories.ticket(requester)
    escalation = request_escalation(
        ticket=ticket,
        actor=requester,
        reason=EscalationReason.BUSINESS_IMPACT,
        checklist=ReviewChecklist(
            problem_statement_confirmed=True,
            business_impact="Nobody can pay fees.",
            workaround=Workaround.NONE,
        ),
    )
    handling.assign_escalation_manager(escalation=escalation, actor=manager, manager=manager)
    handling.record_action_plan(escalation=escalation, actor=manager, action_plan="Renew it.")
    tier2 = factories.team("Finance tier 2", tier=Tier.FUNCTIONAL, lead=manager)
    desk = factories.team("Service desk")
    return World(requester, agent, manager, ticket, escalation, tier2, desk)


_invitees = itertools.count()


def _departed(world: World) -> User:
    """A person to anonymise, made once per world (each case's calls share it)."""
    person = User.objects.filter(username="departed").first()
    return person or factories.requester(_institution(world), username="departed")


def _institution(world: World) -> Institution:
    return Institution.objects.get(users=world.requester)


def _data_protection_officer() -> User:
    found = User.objects.filter(username="dpo").first()
    return found or factories.agent(Role.SUPPORT_MANAGER, username="dpo")


def _people_admin(world: World) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=world.requester.institution)


def _release_manager() -> User:
    """One support manager for every call (releases are theirs to plan)."""
    found = User.objects.filter(username="release-manager").first()
    return found or factories.agent(Role.SUPPORT_MANAGER, username="release-manager")


def _note_item(world: World) -> ReleaseNoteItem:
    """An item of a new release's notes: the world's ticket, planned for it."""
    manager = _release_manager()
    release = create_release(actor=manager, version=f"2026.{Release.objects.count() + 6}")
    plan_for_release(ticket=factories.ticket(world.requester), actor=manager, release=release)
    compile_release_notes(release=release, actor=manager)
    return ReleaseNoteItem.objects.get(release=release)


def _decide(world: World, data: dict[str, Any]) -> object:
    """A decision on a new request of the world's requester; "decision" is the button."""
    approver = User.objects.filter(username="aoife").first() or access_builders.approval_owner(
        world.ticket.institution
    )
    return decide_access_request(
        request=access_builders.requested(world.requester, world.agent),
        actor=approver,
        approve=data.get("decision") != "reject",
        comment=data["comment"],
    )


def _answer_review_line(**data: Any) -> object:
    """An answer to the one line of a new institution's open review, by its admin."""
    institution = factories.institution()
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    review = AccessReview.objects.create(institution=institution, opened_at=timezone.now())
    line = ReviewLine.objects.create(review=review, person_name="Priya Nair", role="Fee clerk")
    return answer_review_line(line=line, actor=admin, **data)


# A form, the answers a person would give it, and the service call they feed.
Call = Callable[[World, dict[str, Any]], object]


@dataclasses.dataclass
class Case:
    form: type[forms.Form]
    answers: Callable[[World], dict[str, Any]]
    call: Call
    # Each "needed when" field: the answers that need it, and answers that do not.
    cases: Callable[[World], dict[str, tuple[dict[str, Any], dict[str, Any]]]] = lambda world: {}


def _request(world: World, data: dict[str, Any]) -> object:
    checklist = ReviewChecklist(**{k: v for k, v in data.items() if k not in ("reason", "details")})
    ticket = factories.ticket(world.requester)
    return request_escalation(
        ticket=ticket,
        actor=world.requester,
        reason=data["reason"],
        checklist=checklist,
        details=data["details"],
    )


def _request_answers(world: World) -> dict[str, Any]:
    return {
        "reason": EscalationReason.PRODUCTION_DOWN,
        "problem_statement_confirmed": True,
        "business_impact": "Nobody can pay fees.",
        "workaround": Workaround.NONE,
        "workaround_impractical_because": "",
        "milestone_date": None,
        "milestone": "",
        "details": "",
    }


def _tier_answers(world: World) -> dict[str, Any]:
    return {"tier": Tier.FUNCTIONAL, "team": None, "tried": "Restarted the gateway.",
            "findings": "The token expired.", "needed": "Renew the token.", "note": "",
            "note_public": False}  # fmt: skip


DOWN = {"tier": Tier.SERVICE_DESK, "from_tier": Tier.FUNCTIONAL}


def _change_tier(world: World, data: dict[str, Any]) -> object:
    ticket = factories.ticket(world.requester)
    if data.get("from_tier") == Tier.FUNCTIONAL:
        workflow.change_tier(
            ticket=ticket,
            actor=world.agent,
            tier=Tier.FUNCTIONAL,
            handover=HandOverNote("Restarted it.", "Token expired.", "Renew it."),
            team=world.tier2,
        )
    return workflow.change_tier(
        ticket=ticket,
        actor=world.agent,
        tier=data["tier"],
        handover=HandOverNote(data["tried"], data["findings"], data["needed"]),
        note=data["note"],
        note_is_public=data["note_public"],
        team=world.tier2 if data["tier"] == Tier.FUNCTIONAL else world.desk,
    )


def _de_escalate(world: World, data: dict[str, Any]) -> object:
    return handling.de_escalate(
        escalation=world.escalation, actor=world.manager, checklist=DeEscalationChecklist(**data)
    )


def _report(world: World, data: dict[str, Any]) -> object:
    requester = world.requester
    assert requester.institution is not None
    fields = {key: value for key, value in data.items() if key not in ("requester", "screenshots")}
    return open_ticket(
        actor=requester,
        institution=requester.institution,
        requester=data["requester"],
        module=factories.module(requester.institution),
        category=Category.QUESTION,
        category_details={"screen_or_report": "Fee receipt"},
        channel=Channel.PORTAL,
        **fields,
    )


def _desk_report(world: World, data: dict[str, Any]) -> object:
    requester = world.requester
    assert requester.institution is not None
    fields = {key: value for key, value in data.items() if key not in ("requester", "screenshots")}
    return open_ticket(
        actor=world.agent,
        institution=requester.institution,
        requester=data["requester"],
        module=factories.module(requester.institution),
        category=Category.QUESTION,
        category_details={"screen_or_report": "Fee receipt"},
        **fields,
    )


def _report_answers(world: World) -> dict[str, Any]:
    return {"requester": world.requester, "title": "Receipts are blank",
            "action_attempted": "", "error_seen": "", "description": "Print shows nothing.",
            "affected_workflow": AffectedWorkflow.OTHER, "urgency": Level.MEDIUM,
            "impact": Level.MEDIUM, "operational_impact": "", "screenshots": None}  # fmt: skip


def _incident_manager() -> User:
    """One support manager for every call (major incidents are theirs to handle)."""
    found = User.objects.filter(username="incident-manager").first()
    return found or factories.agent(Role.SUPPORT_MANAGER, username="incident-manager")


def _declaration_answers(world: World) -> dict[str, Any]:
    return {"title": "Fee payments failing", "module_code": ModuleCode.FEES,
            "integration_kind": "", "impact": "Nobody can pay online.",
            "institutions": [world.requester.institution],
            "started_at": timezone.now() - timedelta(hours=1), "update_every_hours": 1,
            "resolve_by": None}  # fmt: skip


def _declare(world: World, data: dict[str, Any]) -> MajorIncident:
    return declare_major_incident(actor=_incident_manager(), declaration=Declaration(**data))


def _article_content(data: dict[str, Any]) -> ArticleContent:
    return ArticleContent(**{name: value for name, value in data.items() if name != "note"})


ARTICLE_ANSWERS = {
    "title": "Fee receipt not generated",
    "body": "Open Fees, then Receipts.",
    "module_code": "fees",
    "audiences": ["accounts"],
    "visibility": "all",
    "institutions": [],
    "note": "",
}


def _pack_manager() -> User:
    """One support manager for every call (review packs and their notes are theirs)."""
    found = User.objects.filter(username="pack-manager").first()
    return found or factories.agent(Role.SUPPORT_MANAGER, username="pack-manager")


CASES = [
    Case(
        pack_forms.PackForm,
        lambda world: {"kind": "weekly", "institution": None, "notes": ""},
        lambda world, data: request_pack(actor=_pack_manager(), **data),
    ),
    Case(
        pack_forms.NotesForm,
        lambda world: {"notes": "Calm month."},
        lambda world, data: write_pack_notes(
            pack=request_pack(actor=_pack_manager(), kind="weekly", institution=None),
            actor=_pack_manager(),
            notes=data["notes"],
        ),
    ),
    Case(
        pack_forms.ScheduleForm,
        lambda world: {
            "kind": "weekly",
            "institution": None,
            "weekday": 0,
            "at": time(8),
            "recipients": [world.agent],
        },
        lambda world, data: create_pack_schedule(actor=_pack_manager(), **data),
    ),  # fmt: skip
    Case(
        HandoverForm,
        lambda world: {
            "read_version": 0,
            "backup_what": "Database",
            "backup_frequency": "Nightly",
            "restore_time": "4 hours",
            "open_risks": "Payroll",
            "notes": "",
        },
        lambda world, data: save_handover(
            institution=factories.institution(),
            actor=world.agent,
            text=HandoverForm.text_of(data),
            read_version=data["read_version"],
        ),
    ),  # fmt: skip
    Case(
        knowledge_forms.ArticleForm,
        lambda world: dict(ARTICLE_ANSWERS),
        lambda world, data: create_article(
            actor=world.agent, content=_article_content(data), note=data["note"]
        ),
        lambda world: {"institutions": ({"visibility": "chosen"}, {})},
    ),
    Case(
        knowledge_forms.RelatedForm,
        lambda world: {"related": []},
        lambda world, data: set_related_articles(
            article=create_article(
                actor=world.agent, content=_article_content(dict(ARTICLE_ANSWERS))
            ),
            actor=world.agent,
            related=data["related"],
        ),
    ),
    Case(ticket_forms.ReportForm, _report_answers, _report),
    Case(
        desk_new_forms.DeskReportForm,
        lambda world: {**_report_answers(world), "channel": Channel.PHONE},
        _desk_report,
    ),
    Case(incident_forms.DeclareForm, _declaration_answers, _declare),
    Case(
        incident_forms.IncidentUpdateForm,
        lambda world: {"body": "The provider is restarting the gateway."},
        lambda world, data: post_incident_update(
            incident=_declare(world, _declaration_answers(world)),
            actor=_incident_manager(),
            **data,
        ),
    ),
    Case(
        incident_forms.ResolveByForm,
        lambda world: {
            "resolve_by": timezone.now() + timedelta(hours=6),
            "reason": "The vendor ships a patch tonight.",
        },
        lambda world, data: change_resolve_by(
            incident=_declare(world, _declaration_answers(world)),
            actor=_incident_manager(),
            **data,
        ),
    ),
    Case(
        incident_forms.ResolutionForm,
        lambda world: {"resolution": "The certificate was renewed."},
        lambda world, data: resolve_major_incident(
            incident=_declare(world, _declaration_answers(world)),
            actor=_incident_manager(),
            **data,
        ),
    ),
    Case(
        escalation_forms.EscalationRequestForm,
        _request_answers,
        _request,
        lambda world: {
            "workaround_impractical_because": ({"workaround": Workaround.IMPRACTICAL}, {}),
            "milestone": ({"milestone_date": timezone.localdate() + timedelta(days=3)}, {}),
        },
    ),
    Case(
        escalation_forms.ManagerForm,
        lambda world: {"manager": world.manager, "reason": ""},
        lambda world, data: handling.assign_escalation_manager(
            escalation=world.escalation, actor=world.manager, **data
        ),
    ),
    Case(
        escalation_forms.ActionPlanForm,
        lambda world: {"action_plan": "Renew the token today."},
        lambda world, data: handling.record_action_plan(
            escalation=world.escalation, actor=world.manager, **data
        ),
    ),
    Case(
        escalation_forms.CommunicationPlanForm,
        lambda world: {
            "mode": CommunicationMode.EMAIL,
            "update_every_hours": 4,
            "attendees": "The registrar.",
        },  # fmt: skip
        lambda world, data: handling.record_communication_plan(
            escalation=world.escalation, actor=world.manager, **data
        ),
    ),
    Case(
        escalation_forms.UpdateForm,
        lambda world: {"body": "The token is renewed."},
        lambda world, data: handling.post_escalation_update(
            escalation=world.escalation, actor=world.manager, **data
        ),
    ),
    Case(
        escalation_forms.LevelForm,
        lambda world: {"level": 2, "reason": "No progress in a day."},
        lambda world, data: handling.raise_escalation_level(
            escalation=world.escalation, actor=world.manager, **data
        ),
    ),
    Case(
        escalation_forms.DeEscalationForm,
        lambda world: {
            "action_plan_accepted": True,
            "root_cause_on_track": True,
            "agreed_by": "The registrar",
            "agreement_channel": AgreementChannel.EMAIL,
            "agreed_at": timezone.now(),
        },  # fmt: skip
        _de_escalate,
    ),
    Case(
        desk_forms.StatusForm,
        lambda world: {"status": Status.TRIAGED, "reason": ""},
        lambda world, data: workflow.change_status(
            ticket=factories.ticket(world.requester), actor=world.agent, **data
        ),
    ),
    Case(
        desk_forms.PriorityForm,
        lambda world: {
            "priority": Priority.CRITICAL,
            "reason": "The whole faculty is down.",
            "reason_internal": False,
        },
        lambda world, data: workflow.change_priority(
            ticket=world.ticket,
            actor=world.agent,
            priority=data["priority"],
            reason=data["reason"],
            reason_is_public=not data["reason_internal"],
        ),
    ),
    Case(
        desk_forms.CategoryForm,
        lambda world: {"category": Category.QUESTION, "reason": "", "confirm": False},
        lambda world, data: workflow.change_category(
            ticket=world.ticket,
            actor=world.agent,
            category=data["category"],
            reason=data["reason"],
            confirmed=data["confirm"],
            category_details={"screen_or_report": "Fee receipt"},
        ),
    ),
    Case(
        desk_forms.AssigneeForm,
        lambda world: {"assignee": world.agent, "reason": ""},
        lambda world, data: workflow.assign_ticket(ticket=world.ticket, actor=world.agent, **data),
    ),
    Case(
        desk_forms.TierForm,
        _tier_answers,
        _change_tier,
        lambda world: {
            "tried": ({}, DOWN),
            "findings": ({}, DOWN),
            "needed": ({}, DOWN),
            "note": (DOWN, {}),
        },
    ),
    Case(
        desk_forms.SavedReplyForm,
        lambda world: {"team": world.tier2, "title": "Token", "body": "We renewed it."},
        lambda world, data: saved_replies.create_saved_reply(actor=world.manager, **data),
    ),
    Case(
        macro_forms.MacroForm,
        lambda world: {
            "name": "Chase",
            "description": "",
            "status": Status.WAITING_ON_REQUESTER,
            "priority": Priority.HIGH,
            "team": world.tier2,
            "tags_to_add": "chased",
            "tags_to_remove": "new",
            "saved_reply": None,
            "note": "Chased.",
        },
        lambda world, data: create_macro(
            actor=_release_manager(),
            steps=MacroSteps(
                **{
                    **data,
                    # Each call its own name, so no call is refused for an earlier one's.
                    "name": data["name"] and f"{data['name']} {Macro.objects.count()}",
                    "tags_to_add": tag_names(data["tags_to_add"]),
                    "tags_to_remove": tag_names(data["tags_to_remove"]),
                }
            ),
        ),
    ),
    Case(
        tag_forms.TagForm,
        lambda world: {"name": "fee receipts"},
        lambda world, data: add_tag(ticket=world.ticket, actor=world.agent, **data),
    ),
    Case(
        tag_forms.RenameTagForm,
        lambda world: {"name": "fees"},
        lambda world, data: rename_tag(
            tag=add_tag(ticket=world.ticket, actor=world.agent, name="feez"),
            actor=_release_manager(),
            **data,
        ),
    ),
    Case(
        desk_forms.SavedViewForm,
        lambda world: {
            "name": "Finance, breached",
            "query": "module=finance&sla=breached",
            "sort": "due",
            "columns": ["ticket", "due"],
            "team": world.tier2,
        },
        lambda world, data: saved_views.create_saved_view(actor=world.manager, **data),
    ),
    Case(
        release_forms.NewReleaseForm,
        lambda world: {"version": "2026.4", "planned_date": None, "notes": "Fee receipts."},
        lambda world, data: create_release(actor=_release_manager(), **data),
    ),
    Case(
        link_forms.SplitForm,
        lambda world: {"title": "Exam marks vanish"},
        lambda world, data: split_ticket(
            ticket=world.ticket,
            event=conversation.add_public_reply(
                ticket=world.ticket, actor=world.requester, body="Exam marks vanish too."
            ),
            actor=world.agent,
            **data,
        ),
    ),
    Case(
        release_forms.ReleaseNotesForm,
        lambda world: {"notes": "Faster fee pages."},
        lambda world, data: edit_release_notes(
            release=create_release(actor=_release_manager(), version="2026.5"),
            actor=_release_manager(),
            **data,
        ),
    ),
    Case(
        release_forms.NoteItemForm,
        lambda world: {"text": "Fee receipts print again."},
        lambda world, data: edit_note_item(
            item=_note_item(world), actor=_release_manager(), **data
        ),
    ),
    Case(
        feedback_forms.IdeaForm,
        lambda world: {"title": "SMS reminders", "description": "By SMS.", "module_code": "fees"},
        lambda world, data: create_idea(actor=world.agent, **data),
    ),
    Case(
        feedback_forms.IdeaStatusForm,
        lambda world: {"status": IdeaStatus.UNDER_REVIEW, "release": None, "reason": ""},
        lambda world, data: change_idea_status(
            idea=create_idea(
                actor=world.agent, title="SMS", description="By SMS.", module_code="fees"
            ),
            actor=_incident_manager(),
            **data,
        ),
        lambda world: {
            "release": ({"status": IdeaStatus.PLANNED}, {}),
            "reason": ({"status": IdeaStatus.DECLINED}, {}),
        },
    ),
    Case(
        problem_forms.ProblemForm,
        lambda world: {
            "title": "Gateway drops callbacks",
            "modules": [],
            "integrations": [],
            "root_cause": "",
            "workaround": "",
            "owner": None,
            "vendor_contact_name": "",
            "vendor_contact_email": "",
        },  # fmt: skip
        lambda world, data: create_problem(actor=world.agent, details=ProblemDetails(**data)),
        lambda world: {
            "vendor_contact_name": ({"vendor_contact_email": "ops@pay.example"}, {}),
            "vendor_contact_email": ({"vendor_contact_name": "Pay Co"}, {}),
        },
    ),
    Case(
        access_forms.AccessRequestForm,
        lambda world: {
            "action": "add",
            "person": None,
            "person_name": "Priya Nair",
            "erp_login": "",
            "role": "Fee clerk",
            "old_role": "",
            "effective_on": date(2026, 12, 7),
            "ends_on": None,
        },  # fmt: skip
        lambda world, data: open_access_request(
            ticket=access_builders.access_ticket(world.requester),
            actor=world.agent,
            details=RequestDetails(**data),
        ),
        lambda world: {
            "person_name": ({}, {"person": world.requester}),
            "old_role": ({"action": "change"}, {}),
        },
    ),
    Case(
        access_forms.DecisionForm,
        lambda world: {"comment": "Not needed any more."},
        _decide,
        lambda world: {"comment": ({"decision": "reject"}, {})},
    ),
    Case(
        access_forms.ReviewAnswerForm,
        lambda world: {
            "answer": "flagged",
            "action": "change",
            "new_role": "Fee supervisor",
            "comment": "",
        },  # fmt: skip
        lambda world, data: _answer_review_line(**data),
        lambda world: {
            "action": ({}, {"answer": "confirmed"}),
            "new_role": ({}, {"action": "remove"}),
        },
    ),
    Case(
        access_forms.ReviewIntervalForm,
        lambda world: {"months_between_reviews": 6},
        lambda world, data: set_review_interval(
            institution=world.ticket.institution,
            actor=_release_manager(),
            months=data["months_between_reviews"],
        ),
    ),
    Case(
        change_forms.ChangeForm,
        lambda world: {
            "title": "Refund approval step",
            "kind": "configuration",
            "plan": "",
            "rollback_plan": "",
            "window_start": None,
            "window_end": None,
            "touches_finance_or_exam_data": False,
            "reversible_in_minutes": True,
            "affects_several_institutions": False,
            "in_production_hours": False,
            "risk": "",
            "modules": [],
            "institutions": [],
            "problems": [],
        },  # fmt: skip
        lambda world, data: create_change(actor=world.agent, details=_change_details(data)),
        lambda world: {
            "window_start": ({"window_end": datetime(2025, 3, 7, 20, tzinfo=UTC)}, {}),
            "window_end": ({"window_start": datetime(2025, 3, 7, 18, tzinfo=UTC)}, {}),
        },
    ),
    Case(
        account_forms.InviteForm,
        lambda world: {
            "email": f"invitee{next(_invitees)}@northfield.edu",
            "first_name": "",
            "last_name": "",
            "roles": [Role.REQUESTER],
        },
        lambda world, data: invite_person(
            actor=_people_admin(world), details=InvitationDetails(**data)
        ),
    ),
    Case(
        account_forms.RolesForm,
        lambda world: {"roles": [Role.REQUESTER, Role.KEY_USER]},
        lambda world, data: set_institution_roles(
            person_id=world.requester.pk, actor=_people_admin(world), **data
        ),
    ),
    Case(
        privacy_forms.AnonymiseForm,
        lambda world: {"confirmation": _departed(world).display_name},
        lambda world, data: anonymise_person(
            subject=_departed(world), actor=_data_protection_officer(), **data
        ),
    ),
    Case(
        privacy_forms.RetentionForm,
        lambda world: {"months": 24},
        lambda world, data: set_retention(
            institution=_institution(world), actor=_data_protection_officer(), **data
        ),
    ),
    Case(
        ticket_forms.MessageForm,
        lambda world: {"body": "It works again."},
        lambda world, data: conversation.add_public_reply(
            ticket=world.ticket, actor=world.requester, **data
        ),
    ),
]

# Forms that feed no service with fields of their own: filters and sign-in parse what
# is typed; the report's forms and the per-ticket forms not listed here are held to
# their services by the page tests named beside them.
NOT_HELD_HERE = {
    forms_class.__name__
    for forms_class in (
        desk_forms.BulkForm,  # checks its own combinations in clean()
        desk_forms.ModuleForm,  # a select with no empty choice; reason as CategoryForm
        ticket_forms.ReportStartForm,  # tests/web/test_portal.py
        desk_new_forms.DeskStartForm,  # tests/web/test_desk_new_ticket.py
        ticket_forms.CategoryQuestionsForm,  # built from the same questions the service checks
        ticket_forms.FilesForm,  # tests/web/test_attachments.py
        ticket_forms.DeskFilesForm,  # tests/web/test_attachments.py
    )
} | {
    "ServiceErrors",
    "SignInForm",
    "AvailabilityForm",
    "ReleaseForm",
    "PasswordResetMailForm",  # Django's own reset form
    "ProfileForm",  # every field optional: blank keeps the institution's zone
    "NotificationsForm",  # one channel per notification: tests/web/test_profile.py
    "ReplyForm",  # a message, files or both: tests/web/test_portal.py, test_desk_ticket_work.py
    "ReplyFilesForm",  # the files of ReplyForm
    # The desk's note: a message (as MessageForm) and minutes needed only when the
    # ticket's team requires time: tests/web/test_time_spent.py posts it without them.
    "NoteForm",
    "QuarantineFilterForm",  # a filter of the quarantine list
    "DashboardFilterForm",  # only draws the filters; report_filters checks them
    "AuditFilterForm",  # a filter of the audit list; audit_entries checks it
    "RegisterFilterForm",  # a filter of the data-protection register
    # The secret is needed only when an institution's provider is first set up, which the
    # form says; tests/sso/test_configuration.py posts it left out both times.
    "ProviderForm",
    "PolicyForm",  # one checkbox: unticked is an answer (not required)
    # A code or a password is checked against what is stored, not validated:
    # tests/security/test_two_factor.py posts wrong and empty ones.
    "CodeForm",
    "ProofForm",
    # The quarantine's actions take records the view looks up (a ticket by reference, an
    # institution and a requester) or a required reason: tests/web/test_mail_quarantine.py
    # posts each empty and checks the field named in the refusal.
    "AttachForm",
    "OpenTicketForm",
    "DiscardForm",
    # A link names a ticket the view looks up by reference (a merge's reason is
    # optional): tests/web/test_links.py posts each empty and checks the fields named.
    "LinkForm",
    "MergeForm",
    # A watcher is named by username or address, looked up by the view among who may be
    # added: tests/web/test_watchers.py posts it empty and unknown and checks the field.
    "WatcherForm",
    # The tag to merge into is chosen among those listed (never empty), and the service
    # takes a tag, not a name: tests/web/test_tags.py posts it left out.
    "MergeTagForm",
    # A macro to apply is chosen among those listed, and the queue's names tickets by id:
    # tests/macros/test_web.py posts each left out and checks the refusal.
    "ApplyMacroForm",
    "BulkMacroForm",
    # A major incident's child is a ticket the view looks up by reference, and the queue's
    # attach names tickets and an incident by id: tests/incidents/test_web.py.
    "ChildForm",
    "AttachTicketsForm",
    # A problem's status is a select with no empty choice; the fix's release is chosen like
    # ReleaseForm's; a ticket to link is looked up by the view: tests/web/test_problems.py.
    "ProblemStatusForm",
    "FixReleaseForm",
    "LinkTicketForm",
    # The major incident a problem caused is chosen among those listed (never empty):
    # tests/web/test_problems.py posts one already linked and checks the field named.
    "IncidentLinkForm",
    # A trace and a question to a contact need an integration ticket and its contacts:
    # tests/integrations/test_integration_tickets.py posts them empty and checks the field.
    "TraceForm",
    "ContactRequestForm",
    # The idea a duplicate merges into is chosen among those listed (never empty); an
    # enhancement ticket's idea left empty means a new one: tests/feedback/test_ideas.py.
    "MergeIdeaForm",
    "RecordIdeaForm",
    # Whether the ERP role is needed depends on the requester's profile:
    # tests/knowledge/test_training_gaps.py refuses it empty for a requester without one.
    "TrainingGapForm",
    # A correction record's changes are typed one per line and split by the form, and the
    # decision and the verification need a correction waiting for them:
    # tests/corrections/test_web.py posts each empty and checks the fields named.
    "CorrectionForm",
    "DecisionForm",
    "VerificationForm",
    "LedgerFilterForm",  # a filter of the access ledger: every field optional by design
    # A change's decision, evidence, implementation and cancellation need a change at
    # that step: tests/changes/test_web.py posts them without what they need and checks
    # the field named. The calendar's filters are every one optional.
    "_OwnIds",
    "EvidenceForm",
    "ImplementationForm",
    "CancelForm",
    "CalendarFilterForm",
    # A ticket to link to a change is looked up by the view by its reference, a problem
    # chosen among those listed (never empty): tests/changes/test_linking.py posts each
    # empty and checks the field named.
    "TicketLinkForm",
    "ProblemLinkForm",
    # Helped or not is a yes/no the service takes as a boolean, so the form alone refuses
    # it left out: tests/knowledge/test_reading_pages.py posts it empty.
    "VoteForm",
    # The answering article is looked up by the view among those the agent reads:
    # tests/knowledge/test_answers.py posts an unknown number and checks the 422.
    "TicketAnswerForm",
    # A training note's gaps and its recipients are hidden fields the report page fills
    # from its own rows, the note chosen among those listed (never empty):
    # tests/knowledge/test_training_notes.py posts each.
    "TrainingNoteForm",
    "SendNoteForm",
    # A survey's rating is a choice of five the service takes as a number, so the form
    # alone refuses it left out (tests/surveys/test_web.py posts it empty); the results'
    # period is every field optional by design.
    "AnswerForm",
    "PeriodForm",
    # The reason to leave hypercare is needed only while a gate is unmet, which the
    # service answers with a conflict: tests/handover/test_pages.py posts it empty.
    "SteadyStateForm",
    # The usage file is read before the service sees its rows; a left-out file is the
    # form's own refusal: tests/adoption/test_pages.py posts it empty.
    "UsageUploadForm",
    # The file is read before the service sees its rows; a left-out file is the form's
    # own refusal: tests/web/test_people.py posts one without the columns.
    "BulkInviteForm",
    # The password typed twice is the form's own check; the rest is held to
    # accept_invitation by tests/web/test_people.py and tests/accounts/test_invitations.py.
    "AcceptInvitationForm",
    # The gates' fields come in pairs, a threshold needed only for a ticked gate, which
    # the gates service refuses empty: tests/handover/test_gate_settings.py posts them.
    "ExitGatesForm",
}


def _web_form_classes() -> set[type[forms.Form]]:
    for module in pkgutil.walk_packages(hypercare.web.__path__, "hypercare.web."):
        importlib.import_module(module.name)
    found: set[type[forms.Form]] = set()
    pending: list[type[forms.Form]] = [forms.Form]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("hypercare.web."):
                found.add(sub)
    return found


def test_every_web_form_is_held_to_its_service() -> None:
    held = {case.form.__name__ for case in CASES}
    assert {form.__name__ for form in _web_form_classes()} - held - NOT_HELD_HERE == set()


def _blank(value: Any) -> Any:
    if isinstance(value, bool):
        return False
    if isinstance(value, list):
        return []
    return "" if isinstance(value, str) else None


def _refused(case: Case, world: World, field: str, given: dict[str, Any]) -> bool:
    data = {**case.answers(world), **given}
    data[field] = _blank(data[field])
    try:
        case.call(world, data)
    except TypeError:
        return True  # the service's signature takes no empty value here
    except ValidationFailed as refused:
        form = _bare(case.form, world)
        return any(form.field_for(key) == field for key in refused.errors)
    return False


FORM_ARGUMENTS: dict[str, dict[str, Any]] = {
    "PackForm": {"institutions": Institution.objects},
    "ScheduleForm": {"institutions": Institution.objects, "people": User.objects},
    "ManagerForm": {"managers": User.objects},
    "IdeaStatusForm": {"releases": Release.objects},
    "AssigneeForm": {"agents": User.objects},
    "TierForm": {"teams": Team.objects, "routes": {}},
    "SavedReplyForm": {"teams": Team.objects},
    "SavedViewForm": {"teams": Team.objects},
    "MacroForm": {"teams": Team.objects, "replies": SavedReply.objects},
    "LevelForm": {"above": 1},
    "StatusForm": {"allowed": frozenset(Status.values)},
    "ReportForm": {"colleagues": User.objects},
    "DeskReportForm": {"people": User.objects},
    "DeclareForm": {"institutions": Institution.objects},
    "AccessRequestForm": {"people": User.objects},
    "ArticleForm": {"institutions": Institution.objects},
    "RelatedForm": {"articles": Article.objects},
    "ProblemForm": {
        "modules": Module.objects,
        "integrations": Integration.objects,
        "owners": User.objects,
    },  # fmt: skip
    "ChangeForm": {
        "modules": Module.objects,
        "institutions": Institution.objects,
        "problems": Problem.objects,
    },  # fmt: skip
}


def _change_details(data: dict[str, Any]) -> ChangeDetails:
    """The change form's answers as the service takes them: the questions together."""
    questions = {name: data.pop(name) for name in RiskAnswers.__dataclass_fields__}
    return ChangeDetails(**data, answers=RiskAnswers(**questions))


def _bare(form_class: type[forms.Form], world: World) -> ServiceErrors:
    arguments = {
        key: value.all() if hasattr(value, "all") else value
        for key, value in FORM_ARGUMENTS.get(form_class.__name__, {}).items()
    }
    form = form_class(**arguments)
    assert isinstance(form, ServiceErrors)
    return form


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.form.__name__)
def test_a_field_is_required_exactly_when_its_service_refuses_it_empty(
    world: World, case: Case
) -> None:
    form = _bare(case.form, world)
    needed_when: dict[str, str] = form.needed_when
    cases = case.cases(world)
    assert set(needed_when) == set(cases)
    for name, field in form.fields.items():
        # A multiple choice left with nothing ticked is an empty answer, not a missing one.
        single_choice = not isinstance(field, forms.ModelMultipleChoiceField)
        if (
            single_choice
            and isinstance(field, forms.ModelChoiceField)
            and field.empty_label is None
        ):
            assert field.required, f"{name} offers no empty choice, so it is required"
        elif name in needed_when:
            needed, not_needed = cases[name]
            assert not field.required, name
            assert _refused(case, world, name, needed), f"{name} is never needed"
            assert not _refused(case, world, name, not_needed), f"{name} is always needed"
        else:
            assert field.required == _refused(case, world, name, {}), name


def test_no_label_on_the_escalation_form_says_optional_for_a_required_answer(
    world: World, requester: User
) -> None:
    ticket = factories.ticket(requester)
    page = signed_in(requester).get(f"/portal/tickets/{ticket.pk}/escalate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("(optional)") == 2  # the milestone date and "anything else"
    assert "(needed when the workaround is impractical)" in html
    assert "(needed when there is a milestone date)" in html


def test_a_left_out_choice_says_choose_on_the_page_and_in_the_api(requester: User) -> None:
    ticket = factories.ticket(requester)
    page = signed_in(requester).post(f"/portal/tickets/{ticket.pk}/escalate/", {})
    assert page.status_code == 422
    html = page.content.decode()
    assert "Choose a reason" in html
    assert "must be one of" not in html
    assert "production_down," not in html
    answer = ApiClient(requester).post(
        f"/tickets/{ticket.pk}/escalations",
        {
            "reason": "bored",
            "problem_statement_confirmed": True,
            "business_impact": "x",
            "workaround": "none",
        },  # fmt: skip
    )
    assert answer.status_code == 422
    assert {"field": "reason", "message": "Choose a reason"} in answer.json()["errors"]


def test_left_out_answers_go_to_the_service_unless_the_form_refuses_something() -> None:
    left_out = escalation_forms.EscalationRequestForm(data={"workaround": "none"})
    assert left_out.is_valid()  # the service judges them all at once
    assert left_out.cleaned_data["reason"] == ""
    form = escalation_forms.EscalationRequestForm(data={"reason": "bored", "workaround": "none"})
    assert not form.is_valid()
    assert form.errors == {
        "reason": ["Choose a reason"],
        "problem_statement_confirmed": ["tick this to confirm"],
        "business_impact": ["must not be empty"],
    }


class _NamesATicket(forms.Form):
    ticket = forms.CharField(required=False)


def _named(user: User, typed: str) -> Ticket:
    form = _NamesATicket(data={"ticket": typed})
    assert form.is_valid()
    return named_ticket(user, form, "ticket")


def test_a_typed_reference_or_id_names_a_ticket_the_user_may_see(requester: User) -> None:
    ticket = factories.ticket(requester)
    assert _named(requester, f" {ticket.reference} ") == ticket
    assert _named(factories.agent(), str(ticket.pk)) == ticket


def test_an_unknown_reference_is_refused_on_its_field(requester: User) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        _named(requester, "HC-999999")
    with pytest.raises(ValidationFailed) as malformed:
        _named(requester, "yesterday's ticket")
    with pytest.raises(ValidationFailed) as blank:
        _named(requester, "  ")
    assert unknown.value.errors == {"ticket": "No such ticket, or you may not see it."}
    assert malformed.value.errors == unknown.value.errors
    assert blank.value.errors == {"ticket": "must not be empty"}


def test_another_institutions_ticket_reads_like_an_unknown_one(
    requester: User, outsider: User
) -> None:
    theirs = factories.ticket(requester)
    with pytest.raises(ValidationFailed) as hidden:
        _named(outsider, theirs.reference)
    with pytest.raises(ValidationFailed) as unknown:
        _named(outsider, "HC-999999")
    assert hidden.value.errors == unknown.value.errors
    assert theirs.reference not in str(hidden.value)
