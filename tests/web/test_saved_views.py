"""The saved views' pages: kept from the queue page, shown as tabs, managed on their page."""

import re
from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Team
from hypercare.tickets.models import SavedView
from tests import factories
from tests.web.conftest import signed_in

# The queue page with its saved views' tabs, whatever their number (and the
# notification bell's unread count, and the bulk bar's macros).
QUEUE_PAGE_QUERIES = 17


@pytest.fixture
def desk(agent: User) -> Team:
    team = factories.team("Service desk")
    team.members.add(agent)
    return team


def _save(client: Client, **fields: str) -> object:
    data = {
        "name": "Exams",
        "query": "queue=all&module=exams&page=2",
        "sort": "-created_at",
        "columns": "ticket, owner, due",
        "team": "",
        **fields,
    }
    return client.post("/desk/views/", data)


def test_the_queue_page_offers_to_keep_its_filters_as_a_view(agent: User) -> None:
    page = signed_in(agent).get("/desk/?queue=all&module=exams&sort=due").content.decode()
    form = page[page.index('action="/desk/views/"') :]
    assert 'name="query" value="queue=all&amp;module=exams&amp;sort=due"' in form
    assert 'name="sort" value="due"' in form
    assert re.search(r'name="columns" value="ticket,module,institution,[a-z,]*updated"', form)


def test_a_kept_view_is_a_tab_with_its_count_columns_and_tickets(
    agent: User, requester: User, desk: Team
) -> None:
    exams = factories.ticket(requester, module_code=ModuleCode.EXAMS, title="Marks vanish")
    factories.ticket(requester, module_code=ModuleCode.FINANCE, title="Fees double")
    client = signed_in(agent)
    answer = _save(client, team=str(desk.pk))
    view = SavedView.objects.get()
    assert answer.status_code == 302  # type: ignore[attr-defined]
    assert answer["Location"] == f"/desk/?view={view.pk}"  # type: ignore[index]
    assert (view.query, view.sort, view.columns) == (
        "queue=all&module=exams",
        "-created_at",
        ["ticket", "owner", "due"],
    )
    page = client.get(f"/desk/?view={view.pk}").content.decode()
    assert re.search(
        rf'<a href="\?view={view.pk}" aria-current="page" title="Shared with Service desk">'
        r'Exams <span class="count">1</span></a>',
        page,
    )
    headings = re.findall(r'<th scope="col">([^<]+)</th>', page)
    assert headings == ["Ticket", "Owner", "Due"]
    assert exams.reference in page
    assert "Fees double" not in page


def test_a_bad_filter_is_named_on_the_form_and_nothing_is_kept(agent: User) -> None:
    answer = _save(signed_in(agent), query="priority=urgentest", columns="ticket, colour")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    html = answer.content.decode()  # type: ignore[attr-defined]
    assert "priority: Select a valid choice." in html
    assert "no such column: colour" in html
    assert not SavedView.objects.exists()


def test_a_view_is_renamed_shared_moved_and_deleted(agent: User, desk: Team) -> None:
    client = signed_in(agent)
    _save(client, name="First")
    _save(client, name="Second")
    first, second = SavedView.objects.order_by("pk")
    edit = client.get(f"/desk/views/{first.pk}/").content.decode()
    assert 'value="ticket, owner, due"' in edit
    answer = client.post(
        f"/desk/views/{first.pk}/",
        {"name": "Exams, mine", "query": "queue=mine", "sort": "due", "columns": "ticket, due",
         "team": str(desk.pk)},
    )  # fmt: skip
    assert answer.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.team, first.columns) == ("Exams, mine", desk, ["ticket", "due"])
    client.post(f"/desk/views/{second.pk}/move/", {"to": "left"})
    listed = client.get("/desk/views/").content.decode()
    assert listed.index("Second") < listed.index("Exams, mine")
    client.post(f"/desk/views/{first.pk}/delete/")
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Second"]


def test_another_persons_view_is_not_found(agent: User, desk: Team) -> None:
    _save(signed_in(agent))
    view = SavedView.objects.get()
    stranger = factories.agent(username="stranger")
    client = signed_in(stranger)
    assert client.get(f"/desk/?view={view.pk}").status_code == 404
    assert client.get(f"/desk/views/{view.pk}/").status_code == 404
    assert client.post(f"/desk/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_the_queue_page_counts_every_tab_at_once(
    agent: User, requester: User, desk: Team, django_assert_num_queries: Any
) -> None:
    """The tabs' counts are one query however many views there are: the page costs the
    same with one view as with six."""
    factories.ticket(requester, module_code=ModuleCode.EXAMS)
    client = signed_in(agent)
    _save(client, name="View 0")
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        client.get("/desk/?queue=all")
    for n in range(1, 6):
        _save(client, name=f"View {n}", query=f"module=exams&tier={n % 3 + 1}")
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        page = client.get("/desk/?queue=all").content.decode()
    assert page.count('<span class="count">') == 4 + 6
