"""Data corrections on the web desk: the agent writes the record on its page and acts
from the ticket's panel; the data owner decides and the requester verifies in the portal."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.corrections import services
from hypercare.corrections.choices import Decision, Outcome
from hypercare.corrections.models import CorrectionRecord, SignOff
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import signed_in

RECORD_FORM = {
    "records": "2024001\n2024002\n",
    "changes": "2024001 | date_of_birth | 2001-13-01 | 2001-01-13\n"
    "2024002 | date_of_birth | 2002-14-02 | 2002-02-14",
    "reason": "wrong_entry",
    "reversal_plan": "Set both dates back from the audit log.",
}


def test_the_agent_writes_the_record_with_a_csv_extract(ticket: Ticket, agent: User) -> None:
    csv = SimpleUploadedFile("rows.csv", b"roll,dob\n2024001,2001-13-01\n", "text/csv")
    answer = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/correction/", {**RECORD_FORM, "extract": csv}
    )

    assert answer.status_code == 302
    record = CorrectionRecord.objects.get(ticket=ticket)
    assert record.records == ["2024001", "2024002"]
    assert record.changes[1]["after"] == "2002-02-14"
    assert record.extract is not None
    assert record.extract.original_name == "rows.csv"
    page = signed_in(agent).get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "2002-14-02" in page
    assert "rows.csv" in page
    assert "Ask Anil Rao to sign off" in page


def test_an_empty_record_names_each_field(ticket: Ticket, agent: User) -> None:
    answer = signed_in(agent).post(f"/desk/tickets/{ticket.pk}/correction/", {})
    form = answer.context["form"]
    assert set(form.errors) == {"records", "changes", "reason", "reversal_plan"}
    assert not CorrectionRecord.objects.exists()


def test_a_change_line_without_its_four_parts_is_refused(ticket: Ticket, agent: User) -> None:
    answer = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/correction/", {**RECORD_FORM, "changes": "2024001 | dob"}
    )
    assert (
        "Line 1: write record | field | before | after"
        in answer.context["form"].errors["changes"][0]
    )


def test_a_non_csv_extract_is_refused_on_its_field(ticket: Ticket, agent: User) -> None:
    notes = SimpleUploadedFile("rows.txt", b"just notes\n", "text/plain")
    answer = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/correction/", {**RECORD_FORM, "extract": notes}
    )
    assert answer.context["form"].errors["extract"] == ["must be a CSV file"]


def test_the_requester_cannot_open_the_record_page(ticket: Ticket, requester: User) -> None:
    answer = signed_in(requester).get(f"/desk/tickets/{ticket.pk}/correction/")
    assert answer.status_code == 302
    assert not answer["Location"].endswith("/correction/")


def test_marking_applied_before_sign_off_is_refused(asked: Ticket, agent: User) -> None:
    answer = signed_in(agent).post(f"/desk/tickets/{asked.pk}/correction/applied/")
    assert answer.status_code == 409
    assert "without sign-off" in answer.content.decode()


def test_the_data_owner_reads_the_record_and_signs_off_in_the_portal(
    asked: Ticket, data_owner: User
) -> None:
    client = signed_in(data_owner)
    page = client.get(f"/portal/tickets/{asked.pk}/").content.decode()
    assert "2001-13-01" in page
    assert "Sign off or refuse" in page

    answer = client.post(
        f"/portal/tickets/{asked.pk}/correction/decision/",
        {"decision": Decision.SIGNED_OFF, "comment": "Checked against the register."},
    )

    assert answer.status_code == 302
    assert SignOff.objects.get().comment == "Checked against the register."


def test_the_data_owner_finds_the_correction_among_their_tickets(
    asked: Ticket, data_owner: User
) -> None:
    page = signed_in(data_owner).get("/portal/").content.decode()
    assert asked.reference in page


def test_the_data_owner_finds_the_sign_off_on_the_approvals_page_and_signs_off_there(
    asked: Ticket, data_owner: User
) -> None:
    client = signed_in(data_owner)
    page = client.get("/portal/approvals/").content.decode()
    decision = f"/portal/tickets/{asked.pk}/correction/decision/"

    assert "Data corrections to sign off" in page
    assert f'href="{decision}"' in page
    assert "version 1 of the correction record" in page
    assert "1 waiting for your decision." in page
    assert 'Approvals <span class="count">1</span>' in page

    answer = client.post(decision, {"decision": Decision.SIGNED_OFF, "comment": ""})

    assert answer.status_code == 302
    page = client.get("/portal/approvals/").content.decode()
    assert f'href="{decision}"' not in page
    assert "Nothing waits for your decision." in page


def test_the_approvals_page_lists_no_sign_off_for_anyone_but_the_named_data_owner(
    asked: Ticket, requester: User, institution: Institution
) -> None:
    """Another data owner of the institution, and the requester who sees the ticket,
    are not asked: the section is empty for them."""
    other = factories.user(Role.DATA_OWNER, institution=institution, username="otto")
    for person in (other, requester):
        page = signed_in(person).get("/portal/approvals/").content.decode()
        assert asked.reference not in page


def test_the_sign_offs_section_costs_the_same_queries_for_few_and_many(
    asked: Ticket, data_owner: User, requester: User, agent: User
) -> None:
    client = signed_in(data_owner)

    def queries() -> int:
        client.get("/portal/approvals/")
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/portal/approvals/")
        assert page.status_code == 200
        return len(captured)

    few = queries()
    for _ in range(3):
        more = factories.data_correction(requester, data_owner)
        services.write_correction_record(ticket=more, actor=agent, content=factories.CORRECTION)
        services.request_sign_off(ticket=more, actor=agent)
    assert queries() == few
    assert "4 waiting for your decision." in client.get("/portal/approvals/").content.decode()


def test_refusing_without_a_comment_names_the_comment(asked: Ticket, data_owner: User) -> None:
    answer = signed_in(data_owner).post(
        f"/portal/tickets/{asked.pk}/correction/decision/", {"decision": Decision.REFUSED}
    )
    assert set(answer.context["form"].errors) == {"comment"}
    assert not SignOff.objects.exists()


def test_an_empty_decision_names_the_decision(asked: Ticket, data_owner: User) -> None:
    answer = signed_in(data_owner).post(f"/portal/tickets/{asked.pk}/correction/decision/", {})
    assert set(answer.context["form"].errors) == {"decision"}


def test_the_requester_verifies_or_says_what_is_not_right(
    signed: Ticket, agent: User, requester: User
) -> None:
    signed_in(agent).post(f"/desk/tickets/{signed.pk}/correction/applied/")
    client = signed_in(requester)
    assert "Verify the correction" in client.get(f"/portal/tickets/{signed.pk}/").content.decode()

    empty = client.post(f"/portal/tickets/{signed.pk}/correction/verify/", {})
    assert set(empty.context["form"].errors) == {"outcome"}
    silent = client.post(
        f"/portal/tickets/{signed.pk}/correction/verify/", {"outcome": "not_right"}
    )
    assert set(silent.context["form"].errors) == {"comment"}
    client.post(f"/portal/tickets/{signed.pk}/correction/verify/", {"outcome": Outcome.RIGHT})

    assert CorrectionRecord.objects.get(ticket=signed).verified_by == requester


NO_LONGER = "is not a data correction any more"


def _recategorise_as_question(ticket: Ticket, agent: User) -> None:
    answer = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/category/",
        {"category": "question", "details-screen_or_report": "Student record", "confirm": "on"},
    )
    assert answer.status_code == 302


def test_a_recategorised_ticket_keeps_its_record_and_offers_no_step(
    signed: Ticket, agent: User
) -> None:
    _recategorise_as_question(signed, agent)
    client = signed_in(agent)

    page = client.get(f"/desk/tickets/{signed.pk}/").content.decode()
    edit = client.get(f"/desk/tickets/{signed.pk}/correction/")
    applied = client.post(f"/desk/tickets/{signed.pk}/correction/applied/")

    assert "2001-13-01" in page
    assert NO_LONGER in page
    assert "Mark applied" not in page
    assert "Edit the correction record" not in page
    assert (edit.status_code, NO_LONGER in edit.content.decode()) == (409, True)
    assert (applied.status_code, NO_LONGER in applied.content.decode()) == (409, True)
    assert CorrectionRecord.objects.get(ticket=signed).applied_at is None


def test_the_data_owner_is_told_a_recategorised_ticket_needs_no_decision(
    asked: Ticket, agent: User, data_owner: User
) -> None:
    # Also a key user, the data owner still reads the ticket once it is a question.
    RoleGrant.objects.create(user=data_owner, role=Role.KEY_USER)
    _recategorise_as_question(asked, agent)
    client = signed_in(data_owner)

    page = client.get(f"/portal/tickets/{asked.pk}/").content.decode()
    form = client.get(f"/portal/tickets/{asked.pk}/correction/decision/")
    sent = client.post(
        f"/portal/tickets/{asked.pk}/correction/decision/", {"decision": Decision.SIGNED_OFF}
    )

    assert NO_LONGER in page
    assert "Sign off or refuse" not in page
    assert (form.status_code, NO_LONGER in form.content.decode()) == (409, True)
    assert (sent.status_code, NO_LONGER in sent.content.decode()) == (409, True)
    assert not SignOff.objects.exists()


def test_the_requester_is_not_asked_to_verify_once_recategorised(
    signed: Ticket, agent: User, requester: User
) -> None:
    signed_in(agent).post(f"/desk/tickets/{signed.pk}/correction/applied/")
    _recategorise_as_question(signed, agent)
    client = signed_in(requester)

    page = client.get(f"/portal/tickets/{signed.pk}/").content.decode()
    sent = client.post(
        f"/portal/tickets/{signed.pk}/correction/verify/", {"outcome": Outcome.RIGHT}
    )

    assert "Verify the correction" not in page
    assert NO_LONGER in page
    assert (sent.status_code, NO_LONGER in sent.content.decode()) == (409, True)
    assert CorrectionRecord.objects.get(ticket=signed).verified_at is None


def test_naming_another_data_owner_on_the_desk_asks_them_to_sign_off(
    signed: Ticket, agent: User, institution: Institution
) -> None:
    new_owner = factories.user(
        Role.DATA_OWNER, institution=institution, first_name="Bea", last_name="Kim"
    )
    client = signed_in(agent)
    answer = client.post(
        f"/desk/tickets/{signed.pk}/category/",
        {
            "category": "data_correction",
            "details-records_affected": "Roll numbers 2024001 and 2024002",
            "details-correction_wanted": "Day and month are swapped",
            "details-data_owner": new_owner.pk,
        },
    )
    assert answer.status_code == 302

    desk = client.get(f"/desk/tickets/{signed.pk}/").content.decode()
    portal = signed_in(new_owner).get(f"/portal/tickets/{signed.pk}/").content.decode()
    assert "named Bea Kim as the data owner instead of Anil Rao" in desk
    assert "void: another data owner is named" in desk
    assert "Mark applied" not in desk
    assert "Sign off or refuse" in portal
    assert SignOff.objects.get().voided_at is not None
