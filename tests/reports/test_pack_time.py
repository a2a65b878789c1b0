"""The review packs' time spent: the sums as a table in the HTML (and so the PDF), every
entry on a sheet of the spreadsheet, formula-safe, read as the pack's builder may."""

from datetime import UTC, datetime
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.reports.choices import PackKind
from hypercare.reports.models import ReviewPack
from hypercare.reports.services import build_queued_packs, request_pack
from hypercare.tickets.services.attachments import attachment_path
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from tests import factories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


def _built(pack: ReviewPack) -> ReviewPack:
    assert build_queued_packs()["built"] >= 1
    return ReviewPack.objects.get(pk=pack.pk)


def test_a_pack_carries_the_time_spent_of_its_institution(
    requester: User, agent: User, institution: Institution, other_institution: Institution
) -> None:
    agent.first_name, agent.last_name = "=SUM(A1)", "Tara"
    agent.save()
    ticket = factories.ticket(requester, title="Invoice approval stuck")
    elsewhere = factories.ticket(factories.requester(other_institution, username="sam"))
    add_public_reply(ticket=ticket, actor=agent, body="On it.", minutes=15)
    add_internal_note(ticket=ticket, actor=agent, body="Logs.", minutes=25)
    add_internal_note(ticket=elsewhere, actor=agent, body="Elsewhere.", minutes=99)
    manager = factories.agent(Role.SUPPORT_MANAGER)

    pack = _built(request_pack(actor=manager, kind=PackKind.MONTHLY, institution=institution))

    spent = next(s for s in pack.content["sections"] if s["key"] == "time_spent")
    assert spent["rows"] == [
        ["Agent", "=SUM(A1) Tara", 40, 2],
        ["Institution", "Northfield University", 40, 2],
        ["Category", "Question", 40, 2],
        ["Total", "", 40, 2],
    ]
    html = attachment_path(pack.html_name).read_text()
    assert "<h2>Time spent</h2>" in html
    assert "Time entries" not in html
    book = load_workbook(BytesIO(attachment_path(pack.xlsx_name).read_bytes()))
    entries = list(book["Time entries"].values)
    assert entries[0] == ("Entered", "Ticket", "Institution", "Category", "Person", "On", "Minutes")
    assert [(row[1], row[5], row[6]) for row in entries[1:]] == [
        (ticket.reference, "Reply", 15),
        (ticket.reference, "Internal note", 25),
    ]
    assert all(not str(row[4]).startswith("=") for row in entries[1:])
    assert list(list(book["Time spent"].values)[-1]) == ["Total", None, 40, 2]
