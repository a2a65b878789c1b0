"""Releases on the web desk: planning in place, the SLA panel, the portal, the timeline; a
manager plans, words the notes and ships from the release's page, and each institution
reads on the portal only what concerns it, plus the general notes."""

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.problems.services.fix import plan_problem_fix
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    plan_for_release,
    ship_release,
)
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import signed_in

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sofia")


@pytest.fixture
def release(manager: User) -> Release:
    return create_release(actor=manager, version="2025.3", planned_date=date(2025, 4, 14))


@pytest.fixture
def low_ticket(requester: User) -> Ticket:
    """Low priority: the default policy resolves it by the next release."""
    return factories.ticket(requester, urgency="medium", impact="low")


def test_an_agent_plans_the_release_in_place(
    agent_client: Client, low_ticket: Ticket, release: Release, manager: User
) -> None:
    shipped = create_release(actor=manager, version="2025.2")
    ship_release(release=shipped, actor=manager)
    page = agent_client.get(f"/desk/tickets/{low_ticket.pk}/").content.decode()
    assert "Not planned for a release" in page
    assert "2025.3 (planned Mon 14 Apr 2025)" in page
    assert ">2025.2<" not in page  # a shipped release is not offered

    response = agent_client.post(
        f"/desk/tickets/{low_ticket.pk}/release/", {"release": release.pk}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "ticket-changed"
    assert "Ships in 2025.3" in response.content.decode()
    assert "(planned Mon 14 Apr 2025)" in response.content.decode()
    assert Ticket.objects.get(pk=low_ticket.pk).release == release


def test_a_shipped_release_cannot_be_chosen(
    agent_client: Client, low_ticket: Ticket, release: Release, manager: User
) -> None:
    ship_release(release=release, actor=manager)

    response = agent_client.post(
        f"/desk/tickets/{low_ticket.pk}/release/", {"release": release.pk}, **HTMX
    )

    assert response.status_code == 422
    assert 'id="id_release-release_error"' in response.content.decode()
    assert Ticket.objects.get(pk=low_ticket.pk).release is None


def test_clearing_the_release_without_javascript(
    agent_client: Client, agent: User, low_ticket: Ticket, release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)

    response = agent_client.post(f"/desk/tickets/{low_ticket.pk}/release/", {"release": ""})

    assert response["Location"] == f"/desk/tickets/{low_ticket.pk}/"
    assert Ticket.objects.get(pk=low_ticket.pk).release is None
    moves = low_ticket.events.filter(kind=ReleaseEventKind.RELEASE_PLANNED)
    assert [(e.old_value, e.new_value) for e in moves] == [("", "2025.3"), ("2025.3", "")]


def test_the_sla_panel_says_which_release_the_resolution_waits_for(
    agent_client: Client, agent: User, low_ticket: Ticket, release: Release
) -> None:
    sla = agent_client.get(f"/desk/tickets/{low_ticket.pk}/sla/").content.decode()
    assert "Waits for the next release; not planned for one yet." in sla

    plan_for_release(ticket=low_ticket, actor=agent, release=release)

    sla = agent_client.get(f"/desk/tickets/{low_ticket.pk}/sla/").content.decode()
    assert "Waits for release 2025.3, planned Mon 14 Apr 2025." in sla


def test_after_shipping_the_desk_shows_it_met_and_offers_no_change(
    agent_client: Client, agent: User, manager: User, low_ticket: Ticket, release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    ship_release(release=release, actor=manager)

    page = agent_client.get(f"/desk/tickets/{low_ticket.pk}/").content.decode()

    assert "Ships in 2025.3" in page
    assert re.search(r"\(shipped <time [^>]+>Mon 3 Mar 2025</time>\)", page)
    assert 'id="change-release"' not in page
    assert "The fix shipped in release 2025.3" in page
    assert "met by shipping in a release" in page
    assert "Waits for release" not in page


def test_the_requester_sees_the_release_and_the_promise(
    requester_client: Client, agent: User, manager: User, low_ticket: Ticket, release: Release
) -> None:
    before = requester_client.get(f"/portal/tickets/{low_ticket.pk}/").content.decode()
    assert "We plan to fix this in the next release." in before
    assert 'id="release"' not in before

    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    page = requester_client.get(f"/portal/tickets/{low_ticket.pk}/").content.decode()
    assert "Ships in 2025.3" in page
    assert "We plan to fix this in release 2025.3, planned for Mon 14 Apr 2025." in page
    assert f"{agent.display_name} planned the fix for release 2025.3" in page

    ship_release(release=release, actor=manager)
    page = requester_client.get(f"/portal/tickets/{low_ticket.pk}/").content.decode()
    assert re.search(r"\(shipped <time [^>]+>Mon 3 Mar 2025</time>\)", page)
    assert "The fix shipped in release 2025.3" in page


def test_institution_users_cannot_plan_releases_from_the_desk(
    requester_client: Client, low_ticket: Ticket, release: Release
) -> None:
    requester_client.post(f"/desk/tickets/{low_ticket.pk}/release/", {"release": release.pk})
    assert Ticket.objects.get(pk=low_ticket.pk).release is None


# The release page and the portal's release notes ----------------------------------------

NORTH_TITLE = "Northfield fee receipts print blank"
SOUTH_TITLE = "Southbank SMS gateway rejects OTPs"


@pytest.fixture
def manager_client(manager: User) -> Client:
    return signed_in(manager)


@pytest.fixture
def north_ticket(requester: User) -> Ticket:
    return factories.ticket(requester, title=NORTH_TITLE, module_code=ModuleCode.FEES)


@pytest.fixture
def south_ticket(outsider: User) -> Ticket:
    return factories.ticket(outsider, title=SOUTH_TITLE, module_code=ModuleCode.EXAMS)


@pytest.fixture
def north_admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


@pytest.fixture
def planned(manager: User, agent: User, north_ticket: Ticket, south_ticket: Ticket) -> Release:
    release = create_release(actor=manager, version="2025.3", notes="Faster fee pages.")
    for ticket in (north_ticket, south_ticket):
        plan_for_release(ticket=ticket, actor=agent, release=release)
    compile_release_notes(release=release, actor=manager)
    return release


def test_a_manager_plans_words_and_ships_a_release_from_the_workspace(
    manager_client: Client,
    agent_client: Client,
    north_ticket: Ticket,
    south_ticket: Ticket,
    north_admin: User,
    outsider: User,
) -> None:
    created = manager_client.post(
        "/desk/releases/", {"version": "2025.3", "planned_date": "2025-04-14", "notes": ""}
    )
    assert created.status_code == 302
    release = Release.objects.get()
    for ticket in (north_ticket, south_ticket):
        planning = agent_client.post(f"/desk/tickets/{ticket.pk}/release/", {"release": release.pk})
        assert planning.status_code == 302
    url = f"/desk/releases/{release.pk}/"
    listed = manager_client.get("/desk/releases/").content.decode()
    assert f'href="{url}"' in listed

    compiled = manager_client.post(f"{url}notes/compile/")
    assert compiled["Location"] == url
    page = manager_client.get(url).content.decode()
    assert NORTH_TITLE in page
    assert SOUTH_TITLE in page
    assert "Exams" in page
    saved = manager_client.post(f"{url}notes/", {"notes": "Faster fee pages."})
    assert saved["Location"] == url
    item = ReleaseNoteItem.objects.get(key=str(north_ticket.pk))
    worded = manager_client.post(
        f"/desk/releases/items/{item.pk}/", {"text": "Fee receipts print again."}
    )
    assert worded["Location"] == f"{url}#item-{item.pk}"
    assert north_ticket.events.filter(kind=ReleaseEventKind.NOTE_WORDED).count() == 1

    shipped = manager_client.post(f"{url}ship/")

    assert shipped["Location"] == "/desk/releases/"
    release.refresh_from_db()
    assert release.is_shipped
    assert release.notes == "Faster fee pages."
    page = manager_client.get(url).content.decode()
    assert "Fee receipts print again." in page
    assert "Save line" not in page
    assert "Ship 2025.3 now" not in page
    mails = {
        mail.to_email: mail.body
        for mail in OutboxMessage.objects.filter(event=NotificationEvent.RELEASE_NOTES)
    }
    assert set(mails) == {north_admin.email, outsider.email}
    assert "Fee receipts print again." in mails[north_admin.email]
    assert SOUTH_TITLE not in mails[north_admin.email]
    assert "Fee receipts print again." not in mails[outsider.email]
    assert SOUTH_TITLE in mails[outsider.email]
    assert north_ticket.events.filter(kind=ReleaseEventKind.SHIPPED).count() == 1


def test_a_bad_line_is_shown_on_its_field(
    manager_client: Client, planned: Release, north_ticket: Ticket
) -> None:
    item = ReleaseNoteItem.objects.get(key=str(north_ticket.pk))

    refused = manager_client.post(f"/desk/releases/items/{item.pk}/", {"text": ""})

    assert refused.status_code == 422
    assert 'id="id_text_error"' in refused.content.decode()
    assert ReleaseNoteItem.objects.get(pk=item.pk).text == NORTH_TITLE


def test_shipping_twice_is_refused(manager_client: Client, planned: Release) -> None:
    manager_client.post(f"/desk/releases/{planned.pk}/ship/")

    again = manager_client.post(f"/desk/releases/{planned.pk}/ship/")
    late = manager_client.post(f"/desk/releases/{planned.pk}/notes/", {"notes": "Late."})

    assert again.status_code == 409
    assert late.status_code == 409
    assert Release.objects.get().notes == "Faster fee pages."


def test_agents_read_the_release_page_but_do_not_word_or_ship(
    agent_client: Client, planned: Release, north_ticket: Ticket
) -> None:
    url = f"/desk/releases/{planned.pk}/"
    page = agent_client.get(url).content.decode()
    assert NORTH_TITLE in page
    assert SOUTH_TITLE in page
    assert "Ship 2025.3 now" not in page
    assert "Save line" not in page
    item = ReleaseNoteItem.objects.get(key=str(north_ticket.pk))

    assert agent_client.post(f"{url}notes/", {"notes": "Mine."}).status_code == 403
    assert agent_client.post(f"{url}notes/compile/").status_code == 403
    assert agent_client.post(f"/desk/releases/items/{item.pk}/", {"text": "X"}).status_code == 403
    assert agent_client.post(f"{url}ship/").status_code == 403
    assert Release.objects.get().notes == "Faster fee pages."
    assert not Release.objects.get().is_shipped
    assert ReleaseNoteItem.objects.get(pk=item.pk).text == NORTH_TITLE


def test_the_portal_shows_each_institution_only_its_items(
    requester_client: Client, outsider_client: Client, planned: Release
) -> None:
    listed = requester_client.get("/portal/releases/").content.decode()
    assert f'href="/portal/releases/{planned.pk}/"' in listed
    north = requester_client.get(f"/portal/releases/{planned.pk}/").content.decode()
    south = outsider_client.get(f"/portal/releases/{planned.pk}/").content.decode()

    for page in (north, south):
        assert "Faster fee pages." in page
    assert NORTH_TITLE in north
    assert SOUTH_TITLE not in north
    assert SOUTH_TITLE in south
    assert NORTH_TITLE not in south


def test_the_notes_export_holds_only_what_the_reader_may_read(
    requester_client: Client, manager_client: Client, planned: Release, north_ticket: Ticket
) -> None:
    exported = requester_client.get(f"/portal/releases/{planned.pk}/notes.txt")
    assert exported["Content-Disposition"] == 'attachment; filename="release-2025.3.txt"'
    text = exported.content.decode()
    assert text.startswith("Release 2025.3\n\nFaster fee pages.\n")
    assert f"Fees\n- {north_ticket.reference}: {NORTH_TITLE}" in text
    assert SOUTH_TITLE not in text

    desk = manager_client.get(f"/desk/releases/{planned.pk}/notes.txt").content.decode()
    assert SOUTH_TITLE in desk
    assert NORTH_TITLE in desk


def test_institution_users_are_kept_off_the_workspace_release_page(
    requester_client: Client, planned: Release
) -> None:
    page = requester_client.get(f"/desk/releases/{planned.pk}/")
    assert page.status_code == 302
    assert requester_client.get(f"/desk/releases/{planned.pk}/notes.txt").status_code == 302
    requester_client.post(f"/desk/releases/{planned.pk}/ship/")
    assert not Release.objects.get().is_shipped


def test_the_release_page_costs_the_same_however_many_tickets(
    manager_client: Client, manager: User, agent: User, requester: User, planned: Release
) -> None:
    url = f"/desk/releases/{planned.pk}/"
    manager_client.get(url)  # the session and the setup, cached
    with CaptureQueriesContext(connection) as few:
        assert manager_client.get(url).status_code == 200
    for module in (ModuleCode.HR, ModuleCode.LIBRARY, ModuleCode.PAYROLL):
        ticket = factories.ticket(requester, title="More", module_code=module)
        plan_for_release(ticket=ticket, actor=agent, release=planned)
    compile_release_notes(release=planned, actor=manager)

    with CaptureQueriesContext(connection) as many:
        assert manager_client.get(url).content.decode().count("Save line") == 5
    assert len(many) == len(few)


def test_a_problems_line_is_labelled_though_it_has_no_reference(
    manager: User, manager_client: Client, agent: User, south_ticket: Ticket
) -> None:
    release = create_release(actor=manager, version="2025.3")
    problem = create_problem(
        actor=agent, details=ProblemDetails(title="Deposit added twice"), tickets=[south_ticket]
    )
    plan_problem_fix(problem=problem, actor=agent, release=release)
    compile_release_notes(release=release, actor=manager)
    item = ReleaseNoteItem.objects.get(source="problem")

    page = manager_client.get(f"/desk/releases/{release.pk}/").content.decode()

    assert f'<label class="label" for="item-{item.pk}-text">Problem</label>' in page
