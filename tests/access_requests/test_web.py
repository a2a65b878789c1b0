"""Access requests on the web desk: recorded from the ticket, decided in the portal,
done on the workspace; the ledger's pages and exports; the review answered line by line."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from hypercare.access_requests.choices import RequestStatus, ReviewAnswer
from hypercare.access_requests.models import AccessRequest, AccessReview, ReviewSchedule
from hypercare.access_requests.services.requests import decide_access_request, record_done_in_erp
from hypercare.access_requests.services.reviews import (
    answer_review_line,
    open_review,
    set_review_interval,
)
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.validation import EMPTY
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from tests import factories
from tests.access_requests import builders
from tests.web.conftest import signed_in


def test_an_agent_records_the_request_from_the_tickets_answers(
    requester: User, agent: User, approver: User
) -> None:
    ticket = builders.access_ticket(requester)
    client = signed_in(agent)

    ticket_page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    form = client.get(f"/desk/tickets/{ticket.pk}/access-request/").content.decode()
    empty = client.post(f"/desk/tickets/{ticket.pk}/access-request/", {})
    answer = client.post(
        f"/desk/tickets/{ticket.pk}/access-request/",
        {
            "action": "add",
            "person_name": "Priya Nair",
            "role": "Fee clerk",
            "effective_on": "2026-12-07",
            "ends_on": "2026-12-31",
        },  # fmt: skip
    )

    assert "Record the access request" in ticket_page
    assert 'value="Fee clerk"' in form
    assert 'value="Priya Nair"' in form
    assert empty.status_code == 422
    request = AccessRequest.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/access-requests/{request.pk}/"
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Waiting for approval from Aoife Approver." in page
    assert request.reference in page


def test_the_approval_owner_approves_from_the_approvals_page(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent)
    client = signed_in(approver)

    waiting = client.get("/portal/approvals/").content.decode()
    approved = client.post(
        f"/portal/access-requests/{request.pk}/decide/", {"decision": "approve", "comment": ""}
    )

    assert request.reference in waiting
    assert approved.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (RequestStatus.APPROVED, approver)
    link = f'href="/portal/access-requests/{request.pk}/"'
    assert link not in client.get("/portal/approvals/").content.decode()


def test_a_rejection_without_a_comment_is_refused_on_the_page(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent)
    answer = signed_in(approver).post(
        f"/portal/access-requests/{request.pk}/decide/", {"decision": "reject", "comment": ""}
    )
    assert answer.status_code == 422
    assert "must not be empty" in answer.content.decode()


def test_an_approver_is_offered_no_decision_on_their_own_access(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent, person_name="Someone")
    request.person = approver
    request.save()
    client = signed_in(approver)

    page = client.get(f"/portal/access-requests/{request.pk}/").content.decode()
    answer = client.post(
        f"/portal/access-requests/{request.pk}/decide/", {"decision": "approve", "comment": ""}
    )

    assert "Your decision" not in page
    assert answer.status_code == 403
    assert request.reference not in client.get("/portal/approvals/").content.decode()


def test_an_agent_records_it_done_and_the_ledger_exports_it(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent, person_name="=HYPERLINK(evil) Nair")
    decide_access_request(request=request, actor=approver, approve=True)
    client = signed_in(agent)

    done = client.post(f"/desk/access-requests/{request.pk}/done/")
    ledger = client.get("/desk/access-ledger/", {"role": "fee"}).content.decode()
    csv = client.get("/desk/access-ledger/export.csv", {"role": "fee"})
    xlsx = client.get("/desk/access-ledger/export.xlsx")

    assert done.status_code == 302
    assert "HYPERLINK(evil) Nair" in ledger
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK(evil) Nair" in text
    assert ",=HYPERLINK" not in text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "'=HYPERLINK(evil) Nair"


def test_the_ledger_pages_and_exports_name_who_asked_not_who_keyed_it_in(
    requester: User, agent: User, approver: User, admin: User
) -> None:
    ticket = builders.access_ticket(requester, actor=agent)
    client = signed_in(agent)
    client.post(
        f"/desk/tickets/{ticket.pk}/access-request/",
        {"action": "add", "person_name": "Priya Nair", "role": "Fee clerk",
         "effective_on": "2026-12-07"},
    )  # fmt: skip
    request = AccessRequest.objects.get()
    decide_access_request(request=request, actor=approver, approve=True)
    client.post(f"/desk/access-requests/{request.pk}/done/")

    desk = client.get("/desk/access-ledger/").content.decode()
    portal = signed_in(admin).get("/portal/access-ledger/").content.decode()
    xlsx = client.get("/desk/access-ledger/export.xlsx")

    for page in (desk, portal):
        assert '<td>Riya<br><span class="muted small">recorded by tara</span></td>' in page
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))
    assert (row[header.index("Asked by")], row[header.index("Recorded by")]) == ("Riya", "tara")


def test_done_before_approval_is_refused_on_the_page(requester: User, agent: User) -> None:
    request = builders.requested(requester, agent)
    assert signed_in(agent).post(f"/desk/access-requests/{request.pk}/done/").status_code == 409


def test_the_admin_flags_a_review_line_and_it_becomes_a_request(
    requester: User, agent: User, approver: User, admin: User, institution: Institution
) -> None:
    builders.done(requester, agent, approver)
    review = open_review(institution, clock.now())
    assert review is not None
    line = review.lines.get()
    client = signed_in(admin)

    page = client.get(f"/portal/access-reviews/{review.pk}/").content.decode()
    missing = client.post(
        f"/portal/access-reviews/{review.pk}/lines/{line.pk}/",
        {f"line-{line.pk}-answer": ReviewAnswer.FLAGGED},
    )
    flagged = client.post(
        f"/portal/access-reviews/{review.pk}/lines/{line.pk}/",
        {
            f"line-{line.pk}-answer": ReviewAnswer.FLAGGED,
            f"line-{line.pk}-action": "remove",
            f"line-{line.pk}-comment": "Left the bursary.",
        },  # fmt: skip
    )

    assert "Priya Nair (priya): Fee clerk" in page
    assert missing.status_code == 422
    assert "Choose an action" in missing.content.decode()
    assert flagged.status_code == 302
    removal = AccessRequest.objects.get(action="remove")
    assert (removal.role, removal.requested_by) == ("Fee clerk", admin)
    assert AccessReview.objects.get().closed_at is not None


def test_the_portal_navigation_offers_what_each_person_may_use(
    requester: User, approver: User, admin: User
) -> None:
    def nav(user: User) -> str:
        return signed_in(user).get("/portal/").content.decode()

    assert "Approvals" in nav(approver)
    assert "Access ledger" not in nav(approver)
    assert "Access ledger" in nav(admin)
    assert "Approvals" not in nav(requester)
    assert signed_in(requester).get("/portal/access-ledger/").status_code == 404


def test_the_ledger_filters_by_person_action_and_dates(
    requester: User, agent: User, approver: User
) -> None:
    builders.done(requester, agent, approver)
    builders.done(requester, agent, approver, person_name="Sam Okafor")
    client = signed_in(agent)
    today = clock.now().date().isoformat()

    by_person = client.get("/desk/access-ledger/", {"person": "okafor"}).content.decode()
    by_action = client.get("/desk/access-ledger/", {"action": "remove"}).content.decode()
    by_date = client.get("/desk/access-ledger/", {"done_from": today, "done_to": today})
    before = client.get("/desk/access-ledger/", {"done_to": "2000-01-01"}).content.decode()

    assert "Sam Okafor" in by_person
    assert "Priya Nair" not in by_person
    assert "No ledger line matches." in by_action
    assert "Sam Okafor" in by_date.content.decode()
    assert "No ledger line matches." in before


def test_done_writes_one_ledger_line_through_the_service(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.requested(requester, agent)
    decide_access_request(request=request, actor=approver, approve=True)
    record_done_in_erp(request=request, actor=agent)
    page = signed_in(agent).get(f"/desk/access-requests/{request.pk}/").content.decode()
    assert "Done in the ERP by" in page
    assert "Record as done in the ERP" not in page


def _page_queries(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "path", ["/desk/access-requests/", "/desk/access-ledger/", "/portal/approvals/"]
)
def test_access_list_pages_cost_the_same_queries_for_few_and_many_rows(
    requester: User, agent: User, approver: User, path: str
) -> None:
    client = signed_in(approver if path.startswith("/portal/") else agent)
    builders.done(requester, agent, approver)
    builders.requested(requester, agent, person_name="Waiting One")
    few = _page_queries(client, path)
    for n in range(4):
        builders.done(requester, agent, approver, person_name=f"Person {n}")
        builders.requested(requester, agent, person_name=f"Waiting {n}")
    assert _page_queries(client, path) == few


def test_the_request_pages_and_the_approval_mail_name_who_asked_not_who_keyed_it_in(
    requester: User, agent: User, approver: User
) -> None:
    """Before, the approvals page, the request's page and the mail asking the approval
    owner named the agent who keyed the request in as the one who asked."""
    request = builders.requested(requester, agent)
    assert (request.asked_by, request.requested_by) == (requester, agent)

    approvals = signed_in(approver).get("/portal/approvals/").content.decode()
    page = signed_in(approver).get(f"/portal/access-requests/{request.pk}/").content.decode()
    mail = OutboxMessage.objects.get(
        event=NotificationEvent.ACCESS_APPROVAL_REQUESTED, recipient=approver
    )

    assert "asked by Riya" in approvals
    assert "<dt>Asked by</dt><dd>Riya," in page
    assert "<dt>Recorded by</dt><dd>tara</dd>" in page
    assert mail.body.split("\n\n")[1].startswith("Riya asks to add")


# The periodic reviews on the desk, and how often they come -------------------------------


@pytest.fixture
def reviewed(requester: User, agent: User, approver: User, admin: User) -> AccessReview:
    """Northfield's first review, answered (done), and its second, open."""
    builders.done(requester, agent, approver)
    institution = admin.institution
    assert institution is not None
    first = open_review(institution, clock.now())
    assert first is not None
    answer_review_line(line=first.lines.get(), actor=admin, answer=ReviewAnswer.CONFIRMED)
    second = open_review(institution, clock.now())
    assert second is not None
    return first


def test_the_desk_lists_each_institutions_reviews_due_open_and_done(
    reviewed: AccessReview, agent: User, institution: Institution, other_institution: Institution
) -> None:
    client = signed_in(agent)
    opened = AccessReview.objects.get(closed_at__isnull=True)

    overview = client.get("/desk/access-reviews/").content.decode()
    page = client.get(f"/desk/access-reviews/institutions/{institution.pk}/").content.decode()
    review = client.get(f"/desk/access-reviews/{reviewed.pk}/").content.decode()

    assert f'href="/desk/access-reviews/institutions/{other_institution.pk}/"' in overview
    assert f'href="/desk/access-reviews/{opened.pk}/"' in overview
    assert "No ledger line yet" in overview  # Southbank
    assert f'href="/desk/access-reviews/{reviewed.pk}/"' in page
    assert f'href="/desk/access-reviews/{opened.pk}/"' in page
    assert "Months between reviews" not in page  # a tier 1 agent does not set them
    assert "Priya Nair (priya): Fee clerk" in review
    assert "Confirmed by" in review


def test_an_institution_due_for_review_says_so(
    requester: User, agent: User, approver: User, institution: Institution
) -> None:
    builders.done(requester, agent, approver)
    with time_machine.travel(datetime(2027, 3, 4, 9, tzinfo=UTC), tick=False):
        overview = signed_in(agent).get("/desk/access-reviews/").content.decode()
    assert "<strong>due</strong>" in overview


def test_a_support_manager_sets_an_institutions_months_on_the_desk(
    reviewed: AccessReview, agent: User, institution: Institution
) -> None:
    manager = factories.agent(Role.SUPPORT_MANAGER, username="sofia", first_name="Sofia")
    client = signed_in(manager)
    path = f"/desk/access-reviews/institutions/{institution.pk}/"

    form = client.get(path).content.decode()
    words = client.post(path, {"months_between_reviews": "quarterly"})
    too_many = client.post(path, {"months_between_reviews": "36"})
    empty = client.post(path, {"months_between_reviews": ""})
    saved = client.post(path, {"months_between_reviews": "6"})
    tier1 = signed_in(agent).post(path, {"months_between_reviews": "1"})

    assert 'name="months_between_reviews"' in form
    for refused, words_shown in (
        (words, "Enter a whole number."),
        (too_many, "must be from 1 to 24 months"),
        (empty, EMPTY),
    ):
        assert refused.status_code == 422
        html = refused.content.decode()
        assert words_shown in html
        assert 'aria-invalid="true"' in html
    assert saved.status_code == 302
    assert tier1.status_code == 403
    schedule = ReviewSchedule.objects.get(institution=institution)
    assert (schedule.months_between_reviews, schedule.set_by) == (6, manager)
    assert "Every 6 months" in client.get(path).content.decode()


def test_the_institution_admin_sets_the_months_on_the_portal(
    reviewed: AccessReview, admin: User, institution: Institution
) -> None:
    client = signed_in(admin)
    page = client.get("/portal/access-reviews/").content.decode()
    refused = client.post("/portal/access-reviews/", {"months_between_reviews": "0"})
    saved = client.post("/portal/access-reviews/", {"months_between_reviews": "12"})

    assert 'name="months_between_reviews"' in page
    assert 'value="3"' in page
    assert refused.status_code == 422
    assert "must be from 1 to 24 months" in refused.content.decode()
    assert saved.status_code == 302
    assert ReviewSchedule.objects.get(institution=institution).months_between_reviews == 12
    assert "Every 12 months" in client.get("/portal/access-reviews/").content.decode()


def test_the_desk_review_overview_costs_the_same_queries_for_few_and_many_institutions(
    reviewed: AccessReview, agent: User, approver: User
) -> None:
    client = signed_in(agent)
    few = _page_queries(client, "/desk/access-reviews/")
    for n in range(3):
        place = factories.institution(f"College {n}", slug=f"college-{n}")
        requester = factories.requester(place, username=f"r{n}")
        owner = builders.approval_owner(place, username=f"owner{n}")
        builders.done(requester, agent, owner, person_name=f"Person {n}")
        open_review(place, clock.now())
        set_review_interval(
            institution=place,
            actor=factories.agent(Role.SUPPORT_MANAGER, username=f"m{n}"),
            months=6,
        )
    assert _page_queries(client, "/desk/access-reviews/") == few
