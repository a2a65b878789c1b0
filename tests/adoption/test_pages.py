from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.adoption.models import ModuleUsage
from hypercare.orgs.models import Institution, Module
from tests import factories
from tests.web.conftest import signed_in

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("db")


def _upload(institution: Institution) -> str:
    return f"/desk/institutions/{institution.pk}/module-usage/"


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("usage.csv", text.encode(), content_type="text/csv")


@time_machine.travel(NOW, tick=False)
def test_an_agent_uploads_a_usage_file(institution: Institution, agent: User) -> None:
    web = signed_in(agent)
    sent = web.post(
        _upload(institution),
        {"file": _csv("module,day,active_users\nfinance,2026-11-15,12\nfees,2026-11-15,2\n")},
    )
    assert sent.status_code == 302
    page = web.get(_upload(institution)).content.decode()
    assert "Usage recorded: 2 new module days, 0 replaced." in page
    assert ModuleUsage.objects.filter(module__institution=institution).count() == 2


@time_machine.travel(NOW, tick=False)
def test_bad_lines_of_a_file_are_refused_by_line_and_field(
    institution: Institution, agent: User
) -> None:
    web = signed_in(agent)
    refused = web.post(
        _upload(institution),
        {"file": _csv("module,day,active_users\nfinance,2026-11-15,x\ncanteen,2026-11-15,1\n")},
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Line 2, active users: is not a whole number" in page
    empty = web.post(_upload(institution), {})
    assert empty.status_code == 422
    assert "must not be empty" in empty.content.decode()
    read_fine = web.post(
        _upload(institution), {"file": _csv("module,day,active_users\ncanteen,2026-11-15,1\n")}
    )
    assert "Line 2, module: is not a module the institution runs" in read_fine.content.decode()
    assert not ModuleUsage.objects.exists()


def test_the_upload_page_is_the_desks(institution: Institution, requester: User) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    for person in (requester, admin):
        assert signed_in(person).get(_upload(institution)).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_the_adoption_page_shows_blockers_to_managers_and_the_own_institution_to_admins(
    institution: Institution, other_institution: Institution
) -> None:
    Module.objects.filter(code="payroll").update(went_live_on=date(2026, 10, 1))
    manager = factories.agent(Role.SUPPORT_MANAGER)
    page = signed_in(manager).get("/reports/adoption/").content.decode()
    assert page.count("Blocker: no usage data received") == 2
    assert other_institution.name in page
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    own = signed_in(admin).get("/reports/adoption/")
    assert own.status_code == 200
    assert own.content.decode().count("Blocker: no usage data received") == 1
    assert other_institution.name not in own.content.decode()
    assert (
        signed_in(admin).get(f"/reports/adoption/?institution={other_institution.pk}").status_code
        == 422
    )


@time_machine.travel(NOW, tick=False)
def test_the_adoption_and_recurring_pages_list_repeated_questions_with_their_tickets(
    institution: Institution, requester: User
) -> None:
    for title in ("How do I print a fee receipt", "How do I void a receipt", "How do I refund"):
        factories.ticket(requester, title=title)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    for path in ("/reports/adoption/", "/reports/recurring/"):
        page = signed_in(manager).get(path).content.decode()
        row = page.split(f'<th scope="row">{institution.name}</th>')[1].split("</tr>")[0]
        assert "Finance" in row
        assert ">3</a>" in row
        assert "category=question" in row
