"""Change requests on the web desk: raised from a ticket on the desk, decided in the
portal by the module owner, tested and implemented, and the calendar's warnings."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from hypercare.accounts.models import User
from hypercare.changes.choices import ChangeStatus, Decision
from hypercare.changes.models import ChangeRequest, EvidenceFile
from hypercare.changes.services.approvals import decide_change
from hypercare.changes.services.records import create_change, submit_change
from hypercare.changes.services.testing import record_evidence
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.changes.conftest import details
from tests.web.conftest import PNG, signed_in


def test_an_agent_raises_a_change_from_a_configuration_ticket(
    agent: User, institution: Institution, config_ticket: Ticket
) -> None:
    desk = signed_in(agent)
    form = desk.get("/changes/new/", {"ticket": config_ticket.pk})
    assert config_ticket.title in form.content.decode()
    answer = desk.post(
        "/changes/new/",
        {
            "ticket": config_ticket.pk,
            "title": "Refund approval step",
            "kind": "configuration",
            "plan": "Add the step.",
            "rollback_plan": "Remove it.",
            "window_start": "2025-03-07T18:00",
            "window_end": "2025-03-07T20:00",
            "reversible_in_minutes": "on",
            "modules": [factories.module(institution, ModuleCode.FINANCE).pk],
        },
    )
    change = ChangeRequest.objects.get()
    assert answer.status_code == 302
    assert list(change.tickets.all()) == [config_ticket]
    assert change.risk == "low"
    page = desk.get(f"/changes/{change.pk}/").content.decode()
    assert "Submit for approval" in page


def test_a_window_without_its_end_is_refused_on_its_field(agent: User) -> None:
    answer = signed_in(agent).post(
        "/changes/new/",
        {"title": "Fee step", "kind": "patch", "window_start": "2025-03-07T18:00"},
    )
    assert answer.status_code == 422
    assert "give both ends of the window" in answer.content.decode()


def test_the_module_owner_approves_in_the_portal(
    change: ChangeRequest, agent: User, finance_owner: User
) -> None:
    submit_change(change=change, actor=agent)
    portal = signed_in(finance_owner)
    waiting = portal.get("/changes/approvals/").content.decode()
    assert change.reference in waiting
    refused = portal.post(f"/changes/{change.pk}/decide/", {"decision": "rejected"})
    assert refused.status_code == 422
    assert "must not be empty" in refused.content.decode()
    portal.post(f"/changes/{change.pk}/decide/", {"decision": "approved", "comment": "Go."})
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert "Record my decision" not in portal.get(f"/changes/{change.pk}/").content.decode()


def test_evidence_then_implementation_on_the_desk(
    change: ChangeRequest, agent: User, finance_owner: User
) -> None:
    submit_change(change=change, actor=agent)
    decide_change(change=change, actor=finance_owner, decision=Decision.APPROVED)
    desk = signed_in(agent)
    early = desk.post(f"/changes/{change.pk}/implementation/", {"outcome": "succeeded"})
    assert early.status_code == 409
    desk.post(
        f"/changes/{change.pk}/evidence/",
        {"note": "Tested in staging.", "attachments": SimpleUploadedFile("staging.png", PNG)},
    )
    stored = EvidenceFile.objects.get()
    download = desk.get(f"/changes/files/{stored.pk}/")
    assert (download.status_code, download["Content-Type"]) == (200, "image/png")
    missing = desk.post(f"/changes/{change.pk}/implementation/", {"outcome": "rolled_back"})
    assert missing.status_code == 422
    desk.post(
        f"/changes/{change.pk}/implementation/",
        {"outcome": "rolled_back", "note": "Refunds stuck."},
    )
    change.refresh_from_db()
    assert (change.status, change.implemented_by) == (ChangeStatus.ROLLED_BACK, agent)


def test_the_calendar_and_both_changes_warn_of_a_collision(
    change: ChangeRequest, agent: User, institution: Institution, requester: User
) -> None:
    other = create_change(actor=agent, details=details(institution, title="Fee rounding"))
    calendar = signed_in(requester).get("/changes/calendar/", {"month": "2025-03"})
    text = calendar.content.decode()
    assert f"Collides with {other.reference}" in text
    assert f"Collides with {change.reference}" in text
    page = signed_in(agent).get(f"/changes/{other.pk}/").content.decode()
    assert f"{change.reference} {change.title}" in page
    filtered = signed_in(agent).get("/changes/calendar/", {"month": "2025-03", "module": "hr"})
    assert change.reference not in filtered.content.decode()


def test_another_institutions_change_is_not_found_on_any_page(
    change: ChangeRequest, agent: User, finance_owner: User, outsider: User
) -> None:
    submit_change(change=change, actor=agent)
    decide_change(change=change, actor=finance_owner, decision=Decision.APPROVED)
    record_evidence(
        change=change, actor=agent, note="Tested.", files=[("log.txt", io.BytesIO(b"All green."))]
    )
    stored = EvidenceFile.objects.get()
    theirs = signed_in(outsider)
    assert theirs.get(f"/changes/{change.pk}/").status_code == 404
    assert theirs.get(f"/changes/files/{stored.pk}/").status_code == 404
    assert theirs.post(f"/changes/{change.pk}/decide/", {"decision": "approved"}).status_code == 404
    for listing in ("/changes/", "/changes/calendar/?month=2025-03", "/changes/approvals/"):
        assert change.reference not in theirs.get(listing).content.decode()


def test_the_ticket_pages_show_its_change_requests(
    change: ChangeRequest, agent: User, requester: User, config_ticket: Ticket
) -> None:
    desk = signed_in(agent).get(f"/desk/tickets/{config_ticket.pk}/").content.decode()
    assert change.reference in desk
    assert f"/changes/new/?ticket={config_ticket.pk}" in desk
    portal = signed_in(requester).get(f"/portal/tickets/{config_ticket.pk}/").content.decode()
    assert change.reference in portal
    assert "/changes/new/" not in portal


def test_a_module_owner_finds_the_change_on_the_approvals_page_with_a_count_in_the_menu(
    change: ChangeRequest, agent: User, finance_owner: User
) -> None:
    submit_change(change=change, actor=agent)
    page = signed_in(finance_owner).get("/portal/approvals/").content.decode()
    assert "Change requests" in page
    assert change.reference in page
    assert "1 waiting for your decision." in page
    assert 'Approvals <span class="count">1</span>' in page
