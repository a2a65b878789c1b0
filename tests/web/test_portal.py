import io
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.services.intake import request_escalation
from hypercare.lib import clock
from hypercare.lib.files import ACCEPTED_TYPES
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category, EventKind, Status
from hypercare.tickets.models import PendingUpload, Ticket
from hypercare.tickets.services.attachments import keep_upload
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.escalations.conftest import CHECKLIST, REASON
from tests.web.conftest import png_file, signed_in


def report_data(institution: Institution, **overrides: Any) -> dict[str, Any]:
    data = {
        "module": factories.module(institution, ModuleCode.FEES).pk,
        "category": Category.QUESTION,
        "title": "How do I reprint a fee receipt?",
        "description": "A parent lost the receipt and needs a copy.",
        "action_attempted": "Open Fees > Receipts",
        "error_seen": "",
        "affected_workflow": "fee_collection",
        "urgency": "low",
        "impact": "low",
        "operational_impact": "",
        "details-screen_or_report": "Fee receipt",
    }
    data.update(overrides)
    return data


def test_report_starts_with_modules_of_own_institution_and_plain_kinds_of_help(
    requester_client: Client, other_institution: Institution
) -> None:
    page = requester_client.get("/portal/report/").content.decode()
    assert "Which part of the ERP is it about?" in page
    assert "A connection to another system is failing" in page
    foreign = factories.module(other_institution, ModuleCode.FEES)
    assert f'value="{foreign.pk}"' not in page


def test_choosing_a_kind_of_help_asks_that_categorys_questions(
    requester_client: Client, institution: Institution
) -> None:
    module = factories.module(institution)
    page = requester_client.get(
        f"/portal/report/?module={module.pk}&category=incident"
    ).content.decode()
    assert "Since when?" in page
    assert "About how many people are affected?" in page
    assert "Which screen or report" not in page
    assert "Many people or a whole office cannot work" in page


def test_report_opens_the_ticket_and_shows_the_reference_at_once(
    requester_client: Client, requester: User, institution: Institution
) -> None:
    response = requester_client.post("/portal/report/", report_data(institution), follow=True)
    ticket = Ticket.objects.get()
    assert ticket.requester == requester
    assert ticket.category == Category.QUESTION
    assert ticket.category_details == {"screen_or_report": "Fee receipt"}
    assert ticket.channel == "portal"
    assert response.redirect_chain[-1][0] == f"/portal/tickets/{ticket.pk}/"
    assert f"Your issue is reported as {ticket.reference}" in response.content.decode()


def test_report_takes_screenshots(requester_client: Client, institution: Institution) -> None:
    data = report_data(institution, screenshots=[png_file("one.png"), png_file("two.png")])
    requester_client.post("/portal/report/", data)
    ticket = Ticket.objects.get()
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == [
        "one.png",
        "two.png",
    ]


def test_a_refused_screenshot_does_not_lose_the_report(
    requester_client: Client, institution: Institution
) -> None:
    bad = png_file("drawing.svg")
    bad.write(b"x")
    bad.seek(0)
    bad.truncate()
    bad.write(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    bad.seek(0)
    response = requester_client.post(
        "/portal/report/", report_data(institution, screenshots=[bad]), follow=True
    )
    assert Ticket.objects.count() == 1
    assert "A file could not be added: drawing.svg" in response.content.decode()


def test_report_errors_sit_next_to_their_fields_and_keep_the_input(
    requester_client: Client, institution: Institution
) -> None:
    data = report_data(institution, title="", **{"details-screen_or_report": ""})
    response = requester_client.post("/portal/report/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_title_error"' in page
    assert 'id="id_details-screen_or_report_error"' in page
    assert "A parent lost the receipt and needs a copy." in page
    assert Ticket.objects.count() == 0


def test_integration_questions_offer_only_own_institutions_integrations(
    requester_client: Client, institution: Institution, other_institution: Institution
) -> None:
    own = factories.integration(institution, name="Campus Pay")
    foreign = factories.integration(other_institution, name="Southbank Pay")
    module = factories.module(institution, ModuleCode.FEES)
    page = requester_client.get(
        f"/portal/report/?module={module.pk}&category=integration"
    ).content.decode()
    assert "Campus Pay" in page
    assert "Southbank Pay" not in page
    forged = report_data(
        institution,
        category=Category.INTEGRATION,
        **{"details-integration": foreign.pk, "details-transaction_reference": "TXN-1"},
    )
    response = requester_client.post("/portal/report/", forged)
    assert response.status_code == 422
    assert 'id="id_details-integration_error"' in response.content.decode()
    assert own.pk != foreign.pk
    assert Ticket.objects.count() == 0


def test_key_user_reports_on_behalf_of_a_colleague(
    key_user: User, colleague: User, institution: Institution
) -> None:
    client = signed_in(key_user)
    module = factories.module(institution, ModuleCode.FEES)
    page = client.get(f"/portal/report/?module={module.pk}&category=question").content.decode()
    assert "Who is this for?" in page
    client.post("/portal/report/", report_data(institution, requester=colleague.pk))
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.reported_by) == (colleague, key_user)
    shown = signed_in(colleague).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    said = f"opened the ticket on behalf of {colleague.display_name} through the portal"
    assert f"{key_user.display_name} {said}" in shown


def test_requester_cannot_report_for_someone_else(
    requester_client: Client, colleague: User, institution: Institution
) -> None:
    module = factories.module(institution, ModuleCode.FEES)
    page = requester_client.get(
        f"/portal/report/?module={module.pk}&category=question"
    ).content.decode()
    assert "Who is this for?" not in page
    requester_client.post("/portal/report/", report_data(institution, requester=colleague.pk))
    assert Ticket.objects.get().requester.username == "riya"


def test_my_tickets_lists_own_tickets_with_badges(
    requester_client: Client, requester: User, colleague: User
) -> None:
    mine = factories.ticket(requester, title="Mine: payroll export")
    factories.ticket(colleague, title="Colleague: hostel fees")
    page = requester_client.get("/portal/").content.decode()
    assert mine.reference in page
    assert "Colleague: hostel fees" not in page
    assert "badge--status-new" in page


def test_key_user_also_sees_the_institutions_tickets(
    key_user: User, requester: User, outsider: User
) -> None:
    theirs = factories.ticket(requester, title="Requester's ticket")
    foreign = factories.ticket(outsider, title="Other institution's ticket")
    client = signed_in(key_user)
    assert theirs.reference not in client.get("/portal/").content.decode()
    page = client.get("/portal/?scope=institution").content.decode()
    assert theirs.reference in page
    assert foreign.reference not in page


def test_my_tickets_empty_state_says_what_to_do(requester_client: Client) -> None:
    page = requester_client.get("/portal/").content.decode()
    assert "No open tickets" in page
    assert "report an issue" in page


def test_my_tickets_finds_by_reference(requester_client: Client, requester: User) -> None:
    first = factories.ticket(requester, title="First")
    factories.ticket(requester, title="Second")
    page = requester_client.get(f"/portal/?q={first.reference}").content.decode()
    assert first.reference in page
    assert "Second" not in page


def test_ticket_page_shows_the_public_timeline_but_never_internal_notes(
    requester_client: Client, ticket: Ticket, agent: User
) -> None:
    add_internal_note(ticket=ticket, actor=agent, body="Suspect the printer driver")
    add_public_reply(ticket=ticket, actor=agent, body="Could you send a screenshot?")
    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Could you send a screenshot?" in page
    assert "Suspect the printer driver" not in page
    assert "internal note" not in page.lower()


def test_outsider_gets_404_on_another_institutions_ticket(
    outsider_client: Client, ticket: Ticket
) -> None:
    response = outsider_client.get(f"/portal/tickets/{ticket.pk}/")
    assert response.status_code == 404
    assert ticket.title not in response.content.decode()
    assert (
        outsider_client.post(
            f"/portal/tickets/{ticket.pk}/reply/", {"reply-body": "hi"}
        ).status_code
        == 404
    )


def test_colleague_without_a_wide_role_gets_404_on_a_colleagues_ticket(
    colleague: User, ticket: Ticket
) -> None:
    assert signed_in(colleague).get(f"/portal/tickets/{ticket.pk}/").status_code == 404


def test_reply_reaches_the_timeline(requester_client: Client, ticket: Ticket) -> None:
    response = requester_client.post(
        f"/portal/tickets/{ticket.pk}/reply/", {"reply-body": "Here is more detail."}, follow=True
    )
    assert "Here is more detail." in response.content.decode()
    assert ticket.events.filter(kind=EventKind.PUBLIC_REPLY).count() == 1


def test_empty_reply_shows_an_error_next_to_the_field(
    requester_client: Client, ticket: Ticket
) -> None:
    response = requester_client.post(f"/portal/tickets/{ticket.pk}/reply/", {"reply-body": " "})
    assert response.status_code == 422
    assert 'id="id_reply-body_error"' in response.content.decode()


def test_reply_to_a_closed_ticket_is_refused_with_a_409(
    requester_client: Client, requester: User, ticket: Ticket, agent: User
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    change_status(ticket=ticket, actor=requester, status=Status.CLOSED)
    response = requester_client.post(f"/portal/tickets/{ticket.pk}/reply/", {"reply-body": "Hi"})
    assert response.status_code == 409
    assert "please open a new ticket" in response.content.decode()


def test_requester_confirms_the_fix(requester_client: Client, ticket: Ticket, agent: User) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Yes, it's fixed" in page
    requester_client.post(f"/portal/tickets/{ticket.pk}/fixed/")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_not_fixed_reopens_and_tells_support_what_is_wrong(
    requester_client: Client, ticket: Ticket, agent: User
) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    requester_client.post(
        f"/portal/tickets/{ticket.pk}/not-fixed/", {"reopen-body": "Still blank."}
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.events.filter(kind=EventKind.PUBLIC_REPLY, body="Still blank.").exists()


def test_confirming_a_ticket_that_is_not_resolved_is_refused(
    requester_client: Client, ticket: Ticket
) -> None:
    response = requester_client.post(f"/portal/tickets/{ticket.pk}/fixed/")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_adding_screenshots_later(requester_client: Client, ticket: Ticket) -> None:
    requester_client.post(
        f"/portal/tickets/{ticket.pk}/files/", {"files-attachments": [png_file("later.png")]}
    )
    assert ticket.attachments.get().original_name == "later.png"


def test_a_refused_file_is_explained_next_to_the_file_field(
    requester_client: Client, ticket: Ticket
) -> None:
    bad = png_file("page.html")
    bad.seek(0)
    bad.truncate()
    bad.write(b"<html><script>alert(1)</script></html>")
    bad.seek(0)
    response = requester_client.post(
        f"/portal/tickets/{ticket.pk}/files/", {"files-attachments": [bad]}
    )
    assert response.status_code == 422
    assert 'id="id_files-attachments_error"' in response.content.decode()


def test_support_staff_are_sent_to_the_workspace(agent_client: Client, ticket: Ticket) -> None:
    assert agent_client.get("/portal/")["Location"] == "/"
    assert agent_client.get("/")["Location"] == "/desk/"


def test_module_owner_sees_the_institution_tab(institution: Institution, requester: User) -> None:
    owner = factories.user(Role.MODULE_OWNER, institution=institution, username="mo")
    factories.module(institution).owners.add(owner)
    ticket = factories.ticket(requester)
    page = signed_in(owner).get("/portal/?scope=institution").content.decode()
    assert ticket.reference in page


def test_ticket_page_shows_the_requesters_own_report(
    requester_client: Client, requester: User, institution: Institution
) -> None:
    integration = factories.integration(institution, name="Campus Pay")
    ticket = factories.ticket(
        requester,
        category=Category.INTEGRATION,
        category_details={"integration_id": integration.pk, "transaction_reference": "TXN-42"},
        action_attempted="Pay the semester fee",
        error_seen="Gateway timeout (504)",
        operational_impact="40 students cannot pay before Friday",
        urgency="high",
        impact="low",
    )
    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    report = page.split('id="report"')[1].split("</section>")[0]
    for shown in (
        "What were you trying to do?",
        "Pay the semester fee",
        "Gateway timeout (504)",
        ticket.description,
        "Campus Pay",
        "TXN-42",
        "How soon must it be fixed?",
        "Today",
        "Only me, or a small inconvenience",
        "40 students cannot pay before Friday",
    ):
        assert shown in report


def test_a_correction_to_the_report_is_a_public_reply_that_says_so(
    requester_client: Client, ticket: Ticket
) -> None:
    response = requester_client.post(
        f"/portal/tickets/{ticket.pk}/reply/",
        {"correction-body": "It is the PDF receipt, not the printed one."},
        follow=True,
    )
    assert "Your correction was sent to the support team." in response.content.decode()
    reply = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    assert reply.body == "Correction to my report:\n\nIt is the PDF receipt, not the printed one."
    assert reply.actor == ticket.requester


def test_an_empty_correction_is_explained_next_to_the_correction_field(
    requester_client: Client, ticket: Ticket
) -> None:
    response = requester_client.post(
        f"/portal/tickets/{ticket.pk}/reply/", {"correction-body": " "}
    )
    assert response.status_code == 422
    assert 'id="id_correction-body_error"' in response.content.decode()
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()


def svg_file(name: str = "drawing.svg") -> io.BytesIO:
    upload = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    upload.name = name
    return upload


def test_a_screenshot_survives_a_failed_report_and_joins_the_ticket(
    requester_client: Client, institution: Institution
) -> None:
    data = report_data(institution, title="", screenshots=[png_file("gateway.png")])
    response = requester_client.post("/portal/report/", data)
    assert response.status_code == 422
    kept = PendingUpload.objects.get()
    page = response.content.decode()
    assert f'name="screenshots-kept" value="{kept.pk}" checked' in page
    assert "gateway.png" in page
    again = report_data(institution, **{"screenshots-kept": [str(kept.pk)]})
    requester_client.post("/portal/report/", again)
    ticket = Ticket.objects.get()
    attachment = ticket.attachments.get()
    assert attachment.original_name == "gateway.png"
    assert attachment.storage_name == kept.storage_name
    assert attachment.event == ticket.events.get(kind=EventKind.CREATED)
    assert not PendingUpload.objects.exists()


def test_an_unticked_kept_screenshot_is_left_out(
    requester_client: Client, institution: Institution
) -> None:
    requester_client.post(
        "/portal/report/", report_data(institution, title="", screenshots=[png_file()])
    )
    requester_client.post("/portal/report/", report_data(institution))
    assert not Ticket.objects.get().attachments.exists()


def test_a_refused_report_file_is_named_next_to_the_field_before_anything_is_created(
    requester_client: Client, institution: Institution
) -> None:
    data = report_data(institution, title="", screenshots=[svg_file(), png_file("ok.png")])
    response = requester_client.post("/portal/report/", data)
    page = response.content.decode()
    assert 'id="id_screenshots_error"' in page
    assert "drawing.svg: this file&#x27;s type is not accepted" in page
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["ok.png"]


def test_a_file_refused_once_the_ticket_exists_is_an_error_at_the_top(
    requester_client: Client, institution: Institution
) -> None:
    data = report_data(institution, screenshots=[svg_file()])
    response = requester_client.post("/portal/report/", data, follow=True)
    page = response.content.decode()
    alerts = page.split('class="alert alert--error" role="alert">')
    assert len(alerts) == 2
    assert alerts[1].startswith("A file could not be added: drawing.svg")
    assert page.index("alert--error") < page.index("<h1")


def test_another_persons_kept_upload_cannot_be_claimed(
    requester_client: Client, institution: Institution, colleague: User
) -> None:
    theirs = keep_upload(actor=colleague, session_key="theirs", name="a.png", content=png_file())
    requester_client.post(
        "/portal/report/", report_data(institution, **{"screenshots-kept": [str(theirs.pk)]})
    )
    assert not Ticket.objects.get().attachments.exists()
    assert PendingUpload.objects.get() == theirs


def test_a_reply_and_its_files_go_in_one_submit(requester_client: Client, ticket: Ticket) -> None:
    response = requester_client.post(
        f"/portal/tickets/{ticket.pk}/reply/",
        {"reply-body": "Here is the screen.", "files-attachments": [png_file("blank.png")]},
        follow=True,
    )
    assert "Your reply was sent to the support team." in response.content.decode()
    reply = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    assert reply.body == "Here is the screen."
    assert list(reply.attachments.values_list("original_name", flat=True)) == ["blank.png"]


def test_a_reply_with_a_refused_file_sends_nothing_and_keeps_the_rest(
    requester_client: Client, ticket: Ticket
) -> None:
    response = requester_client.post(
        f"/portal/tickets/{ticket.pk}/reply/",
        {"reply-body": "Two files.", "files-attachments": [svg_file(), png_file("ok.png")]},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert page.index('class="alert alert--error" role="alert"') < page.index("<h1")
    assert "Nothing was sent: a file was refused." in page
    assert "Two files." in page
    kept = PendingUpload.objects.get()
    assert f'name="files-attachments-kept" value="{kept.pk}" checked' in page
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()
    assert not ticket.attachments.exists()


def test_a_reply_needs_a_message_or_a_file(requester_client: Client, ticket: Ticket) -> None:
    response = requester_client.post(f"/portal/tickets/{ticket.pk}/reply/", {"reply-body": ""})
    assert response.status_code == 422
    assert "Write a message or add a file." in response.content.decode()


def test_a_reply_failing_in_the_service_attaches_no_file(
    requester_client: Client, ticket: Ticket, settings: Any
) -> None:
    settings.HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES = 10
    response = requester_client.post(
        f"/portal/tickets/{ticket.pk}/reply/",
        {"reply-body": "Here it is.", "files-attachments": [png_file()]},
    )
    assert response.status_code == 422
    assert "attachment limit" in response.content.decode()
    assert not ticket.events.filter(kind=EventKind.PUBLIC_REPLY).exists()
    assert not ticket.attachments.exists()
    assert PendingUpload.objects.count() == 1


def test_the_file_input_carries_the_servers_list_of_accepted_types(
    requester_client: Client, ticket: Ticket
) -> None:
    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert f'data-accepted-types="{" ".join(ACCEPTED_TYPES)}"' in page


def test_waiting_on_the_requester_says_what_the_desk_needs(
    requester_client: Client, ticket: Ticket, agent: User
) -> None:
    add_public_reply(ticket=ticket, actor=agent, body="Which browser shows the blank page?")
    change_status(
        ticket=ticket,
        actor=agent,
        status=Status.WAITING_ON_REQUESTER,
        reason="We need the browser name to reproduce it.",
    )
    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    callout = page.split('id="asked"')[1].split("</section>")[0]
    assert "Support needs your answer" in callout
    assert "We need the browser name to reproduce it." in callout
    assert "Which browser shows the blank page?" in callout
    assert agent.display_name in callout
    assert page.index('id="asked"') < page.index('id="conversation-heading"')


def test_no_call_out_while_support_is_working(requester_client: Client, ticket: Ticket) -> None:
    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert 'id="asked"' not in page


def test_a_closed_tickets_escalation_promises_no_next_update(
    requester_client: Client, requester: User, ticket: Ticket, agent: User
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")
    checklist = replace(CHECKLIST, milestone_date=(clock.now() + timedelta(days=7)).date())
    request_escalation(ticket=ticket, actor=requester, reason=REASON, checklist=checklist)
    open_page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Being handled by an escalation manager" in open_page
    assert 'id="escalation-next-update">By ' in open_page

    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    resolved = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    change_status(ticket=ticket, actor=requester, status=Status.CLOSED)
    closed = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    for page in (resolved, closed):
        panel = page.split('id="escalation"')[1].split("</section>")[0]
        assert "Being handled" not in panel
        assert "Next update" not in panel
    assert "Resting: the ticket is resolved" in resolved
    assert "Over: the ticket is closed" in closed
