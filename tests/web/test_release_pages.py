"""The release pages: a manager plans, words the notes and ships from the workspace; each
institution reads on the portal only what concerns it, plus the general notes."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    plan_for_release,
)
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import signed_in

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
NORTH_TITLE = "Northfield fee receipts print blank"
SOUTH_TITLE = "Southbank SMS gateway rejects OTPs"


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sofia")


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

    assert shipped["Location"] == url
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
