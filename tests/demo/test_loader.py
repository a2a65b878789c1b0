import io
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase, override_settings

from hypercare.access_requests.choices import RequestStatus
from hypercare.access_requests.models import AccessRequest, AccessReview, LedgerEntry
from hypercare.accounts.choices import INSTITUTION_ROLES, SUPPORT_ROLES, Role, WorkArea
from hypercare.accounts.models import RoleGrant, User
from hypercare.adoption.selectors import adoption
from hypercare.changes.models import ChangeRequest
from hypercare.changes.selectors import collisions, pending_change_approvals
from hypercare.corrections.models import CorrectionRecord, SignOff
from hypercare.demo import cast
from hypercare.demo.loader import DemoRefused, load_demo
from hypercare.feedback.choices import IdeaStatus
from hypercare.feedback.models import Idea
from hypercare.handover.gate_settings import gate_history, gate_set
from hypercare.handover.models import HandoverVersion, Scorecard
from hypercare.incidents.choices import IncidentTicketEventKind
from hypercare.incidents.models import MajorIncident
from hypercare.integrations.models import ContactRequest
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import (
    Article,
    ArticleView,
    ArticleVote,
    Deflection,
    TicketAnswer,
    TrainingGap,
    TrainingNoteDelivery,
)
from hypercare.knowledge.selectors import ArticleFilters, article_list, visible_articles
from hypercare.lib import clock
from hypercare.links.choices import LinkKind
from hypercare.links.models import TicketLink
from hypercare.links.selectors import reply_destination
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import IntegrationKind, ModuleCode, Phase, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team
from hypercare.problems.choices import ProblemStatus, ProblemTicketEventKind
from hypercare.problems.models import Problem
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.reports.selectors import ReportFilters
from hypercare.sla.choices import ClockState
from hypercare.sla.models import SlaPolicy
from hypercare.sla.selectors import business_calendar, clock_explanation
from hypercare.surveys.models import Survey
from hypercare.tickets import workflows
from hypercare.tickets.category_details import validate_category_details
from hypercare.tickets.choices import Category, EventKind, Priority, Status
from hypercare.tickets.models import Participant, RoutingRule, SavedReply, Ticket, TicketEvent
from hypercare.tickets.services.handover import teams_at_tiers
from tests import factories

# The back-dated history, the two reports of the major incident's outage, and the access
# tickets behind the access ledgers (ten at the first institution, two at each other).
DEMO_TICKETS = 302 + 14


# The conftest's fast hasher is a per-test fixture; the shared load happens before it.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class LoadedDemoTests(TestCase):
    """Loading takes seconds, so the tests of its result share one load, rolled back after."""

    loaded_at: datetime
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        out = io.StringIO()
        cls.loaded_at = clock.now()
        call_command("demo", stdout=out)
        cls.output = out.getvalue()

    def test_institutions_are_in_hypercare_with_owned_modules_and_integrations(self) -> None:
        institutions = Institution.objects.all()

        assert {i.time_zone for i in institutions} == {
            "Asia/Kolkata",
            "Europe/London",
            "America/Chicago",
        }
        for institution in institutions:
            assert institution.phase == Phase.HYPERCARE
            assert institution.go_live_date is not None
            assert institution.go_live_date.year == 2026
            kinds = set(institution.integrations.values_list("kind", flat=True))
            assert kinds == set(IntegrationKind.values)
        assert not Module.objects.filter(owners=None).exists()
        assert not Integration.objects.filter(contacts=None).exists()

    def test_every_role_is_held_and_support_staff_belong_to_no_institution(self) -> None:
        assert set(RoleGrant.objects.values_list("role", flat=True)) == set(Role.values)
        support = User.objects.filter(role_grants__role__in=SUPPORT_ROLES)
        assert not support.filter(institution__isnull=False).exists()
        institution_side = User.objects.filter(role_grants__role__in=INSTITUTION_ROLES)
        assert not institution_side.filter(institution__isnull=True).exists()

    def test_teams_of_every_tier_have_leads_and_a_catch_all_rule(self) -> None:
        tiers = set(Team.objects.values_list("tier", flat=True))
        assert tiers == {Tier.SERVICE_DESK, Tier.FUNCTIONAL, Tier.TECHNICAL}
        assert not Team.objects.filter(lead=None).exists()
        catch_all = RoutingRule.objects.filter(category="", module_code="")
        assert catch_all.filter(for_new_tickets=True).count() == 1
        assert set(catch_all.values_list("tier", flat=True)) == {Tier.SERVICE_DESK, Tier.TECHNICAL}
        assert not Ticket.objects.filter(team=None).exists()

    def test_a_ticket_moved_up_reaches_its_modules_team(self) -> None:
        ticket = Ticket.objects.filter(
            module__code=ModuleCode.PAYROLL, tier=Tier.SERVICE_DESK
        ).first()
        assert ticket is not None
        routes = teams_at_tiers(ticket, (Tier.FUNCTIONAL, Tier.TECHNICAL))
        assert {tier: team.slug for tier, team in routes.items() if team} == {
            Tier.FUNCTIONAL: "hr-payroll",
            Tier.TECHNICAL: "platform-engineering",
        }

    def test_every_account_signs_in_with_the_printed_password(self) -> None:
        for account in cast.accounts():
            user = authenticate(username=account.username, password=account.password)
            assert user is not None, account.username
        admin = User.objects.get(username=cast.ADMIN_USERNAME)
        assert admin.is_superuser
        assert admin.is_staff

    def test_tickets_cover_every_category_status_and_priority(self) -> None:
        tickets = Ticket.objects.all()

        assert tickets.count() == DEMO_TICKETS
        assert set(tickets.values_list("category", flat=True)) == set(Category.values)
        assert set(tickets.values_list("status", flat=True)) == set(Status.values)
        assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
        assert not tickets.exclude(status=Status.NEW).filter(assignee=None).exists()

    def test_every_ticket_answers_its_category_questions(self) -> None:
        for ticket in Ticket.objects.select_related("institution"):
            stored = validate_category_details(
                category=ticket.category,
                details=ticket.category_details,
                institution=ticket.institution,
            )
            assert stored == ticket.category_details, ticket.reference

    def test_timelines_have_replies_notes_and_hand_overs_in_the_past_sixty_days(self) -> None:
        events = TicketEvent.objects.all()

        for kind in (EventKind.PUBLIC_REPLY, EventKind.INTERNAL_NOTE, EventKind.TIER_CHANGED):
            assert events.filter(kind=kind).exists(), kind
        oldest = Ticket.objects.order_by("created_at").first()
        assert oldest is not None
        assert oldest.created_at >= self.loaded_at - timedelta(days=61)
        assert not events.filter(created_at__gt=clock.now()).exists()

    def test_open_low_priority_fixes_wait_for_the_next_release(self) -> None:
        release = Release.objects.get(shipped_at__isnull=True)
        planned = Ticket.objects.filter(release=release)

        assert release.shipped_at is None
        assert release.planned_date is not None
        assert release.planned_date > self.loaded_at.date()
        assert planned.count() == 6
        assert set(planned.values_list("priority", flat=True)) == {Priority.LOW}
        assert set(planned.values_list("resolution_state", flat=True)) == {ClockState.NEXT_RELEASE}
        planning = TicketEvent.objects.filter(kind=ReleaseEventKind.RELEASE_PLANNED)
        assert planning.filter(new_value=release.version).count() == 6

    def test_a_release_shipped_with_notes_for_each_institution(self) -> None:
        release = Release.objects.get(shipped_at__isnull=False)
        items = ReleaseNoteItem.objects.filter(release=release)

        assert release.shipped_at is not None
        assert release.shipped_at < self.loaded_at
        assert release.notes.startswith("Maintenance release")
        assert items.count() == 2 * Institution.objects.count()
        assert set(items.values_list("institutions", flat=True)) == set(
            Institution.objects.values_list("pk", flat=True)
        )
        assert items.filter(edited=True).count() == 1
        shipped = TicketEvent.objects.filter(kind=ReleaseEventKind.SHIPPED)
        assert shipped.count() == items.count()

    def test_a_duplicate_is_merged_and_tickets_are_linked(self) -> None:
        merged = TicketLink.objects.get(merged_at__isnull=False)
        duplicate, survivor = merged.source, merged.target

        assert duplicate.status == Status.CLOSED
        assert duplicate.institution == survivor.institution
        assert Participant.objects.filter(ticket=survivor, user=duplicate.requester).exists()
        assert {link.kind for link in TicketLink.objects.filter(merged_at__isnull=True)} == {
            LinkKind.PARENT_OF,
            LinkKind.CAUSED_BY,
        }
        assert reply_destination(duplicate) == survivor

    def test_a_major_incident_has_children_from_two_institutions(self) -> None:
        incident = MajorIncident.objects.get()
        children = Ticket.objects.filter(incident_child__incident=incident)

        assert incident.is_active
        assert incident.institutions.count() == 2
        assert {ticket.institution_id for ticket in children} == set(
            incident.institutions.values_list("pk", flat=True)
        )
        updates = TicketEvent.objects.filter(kind=IncidentTicketEventKind.INCIDENT_UPDATE)
        assert {event.ticket_id for event in updates} == {ticket.pk for ticket in children}

    def test_a_known_error_with_its_workaround_explains_two_institutions_tickets(self) -> None:
        problem = Problem.objects.get()
        linked = Ticket.objects.filter(problem_links__problem=problem)

        assert problem.status == ProblemStatus.KNOWN_ERROR
        assert problem.workaround_published_at is not None
        assert linked.count() == 2
        assert linked.values("institution").distinct().count() == 2
        posted = TicketEvent.objects.filter(kind=ProblemTicketEventKind.WORKAROUND_POSTED)
        assert set(posted.values_list("ticket_id", flat=True)) == set(
            linked.values_list("pk", flat=True)
        )

    def test_integration_tickets_show_a_trace_and_a_vendor_hand_off(self) -> None:
        traced = Ticket.objects.filter(traces__isnull=False).distinct()
        asked = ContactRequest.objects.select_related("ticket", "contact").get()

        assert traced.count() == 2
        assert asked.ticket in traced
        assert asked.contact.integration_id == asked.ticket.category_details["integration_id"]
        assert workflows.progress(asked.ticket).waiting_for.startswith("Waiting for ")

    def test_enhancement_requests_are_gathered_into_ideas_with_votes(self) -> None:
        asked = Ticket.objects.filter(category=Category.ENHANCEMENT)
        ideas = Idea.objects.annotate(count=Count("votes"))

        assert asked.count() == asked.filter(idea_link__isnull=False).count() > 0
        assert ideas.filter(status=IdeaStatus.PLANNED, release__shipped_at__isnull=True).exists()
        assert ideas.filter(status=IdeaStatus.DECLINED).exclude(decline_reason="").exists()
        assert max(idea.count for idea in ideas) >= 2

    def test_answered_questions_are_flagged_as_training_gaps(self) -> None:
        gaps = TrainingGap.objects.select_related("ticket")

        assert gaps.count() == 3
        assert all(gap.ticket.category == Category.QUESTION for gap in gaps)
        assert all(gap.erp_role == gap.ticket.requester_erp_role for gap in gaps)

    def test_articles_cover_the_modules_and_every_step_of_their_life_cycle(self) -> None:
        articles = Article.objects.all()

        assert articles.count() >= 40
        published = articles.filter(status=ArticleStatus.PUBLISHED)
        assert set(published.values_list("module_code", flat=True)) == set(ModuleCode.values)
        assert set(articles.values_list("status", flat=True)) == set(ArticleStatus.values)
        assert published.filter(visibility=Visibility.INTERNAL).count() >= 3
        chosen = published.exclude(audiences__audience=Audience.TRAINING).get(
            visibility=Visibility.CHOSEN_INSTITUTIONS
        )
        assert [i.slug for i in chosen.institutions.all()] == ["sahyadri"]
        assert published.filter(related__isnull=False).exists()

    def test_readers_deflect_vote_and_rate_and_a_training_note_is_sent(self) -> None:
        institutions = Institution.objects.count()
        assert Deflection.objects.count() == institutions
        assert ArticleVote.objects.filter(helpful=False).exclude(comment="").exists()
        assert ArticleView.objects.count() >= institutions
        answered = Survey.objects.filter(answered_at__isnull=False)
        assert answered.count() >= 10
        assert answered.filter(rating__lte=2).exists()
        assert answered.filter(rating=5).exists()
        assert Survey.objects.filter(answered_at__isnull=True).exists()
        assert TicketAnswer.objects.values("article").distinct().count() >= 5
        delivery = TrainingNoteDelivery.objects.select_related("article").first()
        assert delivery is not None
        assert delivery.article.status == ArticleStatus.PUBLISHED

    def test_a_fees_clerk_finds_the_receipt_article_an_exams_clerk_reads_their_own(self) -> None:
        fees, exams = (
            User.objects.get(username="ananya.iyer"),
            User.objects.get(username="rohit.verma"),
        )
        assert (fees.work_area, exams.work_area) == (WorkArea.ACCOUNTS, WorkArea.EXAM_CELL)
        wanted = "Fee receipt not generated after an online payment"

        found = article_list(fees, ArticleFilters(text="fee receipt not generated"))
        assert found.first().title == wanted  # type: ignore[union-attr]
        grace_marks = Article.objects.get(title="Grace marks rules for the semester")
        assert visible_articles(exams).filter(pk=grace_marks.pk).exists()
        assert not visible_articles(fees).filter(pk=grace_marks.pk).exists()

    def test_data_corrections_wait_for_sign_off_are_signed_off_and_verified(self) -> None:
        steps = {
            workflows.progress(record.ticket).step
            for record in CorrectionRecord.objects.select_related("ticket")
        }
        assert steps == {"sign_off", "applied", ""}
        assert SignOff.objects.filter(voided_at__isnull=True).count() == 2

    def test_access_requests_at_every_step_a_ledger_and_an_open_review(self) -> None:
        statuses = set(AccessRequest.objects.values_list("status", flat=True))
        review = AccessReview.objects.get()
        held = {(line.person_name, line.role) for line in review.lines.all()}
        temporary = AccessRequest.objects.get(ends_on__isnull=False)

        assert statuses == set(RequestStatus.values)
        assert LedgerEntry.objects.filter(institution=review.institution).count() == 7
        assert review.is_open
        assert ("Tomas Reyes", "Exam supervisor") in held
        assert ("Grace Mensah", "Receipt reprint") not in held
        assert temporary.status == RequestStatus.DONE
        assert temporary.ends_on is not None
        assert (temporary.ends_on - clock.now().date()).days <= 3

    def test_change_requests_show_each_step_an_approval_waiting_and_a_collision(self) -> None:
        changes = ChangeRequest.objects.order_by("pk")
        statuses = [change.status for change in changes]
        waiting, done, patch = changes[1], changes[2], changes[3]

        assert statuses == ["draft", "awaiting_approval", "implemented", "awaiting_approval"]
        assert [c.other for c in collisions(waiting.raised_by, waiting)] == [patch]
        assert patch.risk == "high"
        assert (done.release is not None, patch.release) == (True, None)
        owners = User.objects.filter(owned_modules__in=waiting.modules.all())
        assert any(
            pending_change_approvals(owner).filter(change=waiting).exists() for owner in owners
        )
        ticket = waiting.tickets.get()
        assert workflows.progress(ticket).waiting_for.startswith("Waiting for approval from ")

    def test_each_institution_has_a_handover_record_and_one_is_signed(self) -> None:
        versions = HandoverVersion.objects.select_related("record__institution")
        assert versions.count() == Institution.objects.count()
        signed = [version.record.institution.slug for version in versions if version.is_signed]
        assert signed == ["sahyadri"]
        assert all(version.content["backup"]["restore_time"] for version in versions)
        cards = Scorecard.objects.all()
        assert cards.count() == Institution.objects.count()
        signed_gate = {"kind": "handover_signed", "threshold": 1, "figure": 1, "met": True}
        assert signed_gate in cards.get(institution__slug="sahyadri").lines

    def test_module_usage_is_fed_and_kingsbridge_payroll_blocks_adoption(self) -> None:
        manager = User.objects.get(username="meera.nair")
        with clock.frozen_at(self.loaded_at):
            found = adoption(manager, ReportFilters())
        assert len(found.modules) == Institution.objects.count() * len(ModuleCode)
        assert [(row.institution, row.code) for row in found.usage_blockers] == [
            ("Kingsbridge College", ModuleCode.PAYROLL)
        ]

    def test_kingsbridge_is_held_to_exit_gates_of_its_own(self) -> None:
        kingsbridge = Institution.objects.get(slug="kingsbridge")
        held = gate_set(kingsbridge)
        assert held.own
        assert (held.gates["backlog"], held.defaults["backlog"]) == (20, 10)
        assert gate_history(kingsbridge).count() == 1

    def test_each_institution_counts_in_its_own_office_hours_and_holidays(self) -> None:
        # A public holiday of each country (and, for Lakeshore, of its state) in 2026.
        holidays = {
            "sahyadri": ("IN", "MH", date(2026, 10, 2)),  # Gandhi Jayanti
            "kingsbridge": ("GB", "ENG", date(2026, 12, 28)),  # Boxing Day, substitute
            "lakeshore": ("US", "IL", date(2026, 11, 3)),  # Election Day, Illinois only
        }
        for slug, (country, subdivision, holiday) in holidays.items():
            institution = Institution.objects.get(slug=slug)
            calendar = SlaPolicy.objects.get(institution=institution).calendar
            assert calendar is not None, slug
            assert (calendar.holiday_country, calendar.holiday_subdivision) == (
                country,
                subdivision,
            )
            assert calendar.time_zone == institution.time_zone
            assert holiday in business_calendar(calendar, 2026, 2026).closed_dates, slug

    def test_everyday_tickets_explain_their_calendar(self) -> None:
        agent = User.objects.get(username="tara.singh")
        for institution in Institution.objects.all():
            ticket = Ticket.objects.filter(
                institution=institution, priority=Priority.MEDIUM
            ).first()
            assert ticket is not None, institution.slug
            policy = SlaPolicy.objects.get(institution=institution)
            assert ticket.sla_policy == policy
            steps = " ".join(clock_explanation(agent, ticket))
            assert f"count in the calendar {policy.calendar.name!r}" in steps  # type: ignore[union-attr]
            assert "in business hours" in steps

    def test_every_team_has_saved_replies_that_fill_in(self) -> None:
        for team in Team.objects.all():
            replies = SavedReply.objects.filter(team=team)
            assert replies.count() >= 2, team.slug
            assert all("{{requester_name}}" in reply.body for reply in replies), team.slug
            assert {reply.created_by for reply in replies} == {team.lead}

    def test_back_dated_history_leaves_no_mail_to_send(self) -> None:
        assert Ticket.objects.count() == DEMO_TICKETS
        assert not OutboxMessage.objects.exists()

    def test_first_run_prints_the_accounts_and_the_admin_line(self) -> None:
        assert "Loaded the demo" in self.output
        for account in cast.accounts():
            assert account.username in self.output
        assert f"user admin / password {cast.DEMO_PASSWORD}" in self.output

    def test_running_again_changes_nothing_and_prints_the_accounts_again(self) -> None:
        counts = (User.objects.count(), Ticket.objects.count(), TicketEvent.objects.count())
        out = io.StringIO()

        call_command("demo", stdout=out)

        assert (User.objects.count(), Ticket.objects.count(), TicketEvent.objects.count()) == counts
        assert "already loaded; nothing changed" in out.getvalue()
        assert "ananya.iyer" in out.getvalue()
        assert f"user admin / password {cast.DEMO_PASSWORD}" in out.getvalue()


def test_demo_refuses_a_database_holding_other_data(db: None) -> None:
    factories.institution("Northfield University", slug="northfield")

    with pytest.raises(DemoRefused):
        load_demo()

    assert not User.objects.exists()
