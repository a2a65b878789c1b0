"""Release notes through their services: compiled from the item sources, worded by the
manager, final once shipped, and mailed to each affected institution's admins."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.releases import sources
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.selectors import notes_for
from hypercare.releases.services import (
    compile_release_notes,
    edit_note_item,
    edit_release_notes,
    plan_for_release,
    ship_release,
)
from hypercare.tickets.models import Ticket
from tests import factories
from tests.releases.conftest import T0

NORTH_TITLE = "Northfield fee receipts print blank"
SOUTH_TITLE = "Southbank SMS gateway rejects OTPs"


@pytest.fixture
def planned(agent: User, requester: User, outsider: User, release: Release) -> dict[str, Ticket]:
    tickets = {
        "north_fees": factories.ticket(requester, title=NORTH_TITLE, module_code=ModuleCode.FEES),
        "north_exams": factories.ticket(
            requester, title="Exam hall seating overlaps", module_code=ModuleCode.EXAMS
        ),
        "south_fees": factories.ticket(outsider, title=SOUTH_TITLE, module_code=ModuleCode.FEES),
    }
    for ticket in tickets.values():
        plan_for_release(ticket=ticket, actor=agent, release=release)
    return tickets


@pytest.fixture
def north_admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


def lines(user: User, release: Release) -> list[tuple[str, list[str]]]:
    return [
        (group.module, [f"{item.reference} {item.text}" for item in group.items])
        for group in notes_for(user, release)
    ]


def test_compiling_lists_the_planned_tickets_by_module(
    manager: User, release: Release, planned: dict[str, Ticket]
) -> None:
    compile_release_notes(release=release, actor=manager)

    north, exams, south = planned["north_fees"], planned["north_exams"], planned["south_fees"]
    assert lines(manager, release) == [
        ("Exams", [f"{exams.reference} Exam hall seating overlaps"]),
        ("Fees", [f"{north.reference} {NORTH_TITLE}", f"{south.reference} {SOUTH_TITLE}"]),
    ]
    assert Release.objects.get().notes_compiled_at == T0


def test_each_institution_reads_only_its_own_items(
    manager: User,
    release: Release,
    planned: dict[str, Ticket],
    requester: User,
    outsider: User,
    agent: User,
) -> None:
    compile_release_notes(release=release, actor=manager)

    south = planned["south_fees"]
    assert lines(outsider, release) == [("Fees", [f"{south.reference} {SOUTH_TITLE}"])]
    assert [group.module for group in notes_for(requester, release)] == ["Exams", "Fees"]
    assert SOUTH_TITLE not in str(lines(requester, release))
    assert len(sum((group.items for group in notes_for(agent, release)), [])) == 3


def test_compiling_again_keeps_the_wording_and_follows_the_plan(
    manager: User, agent: User, release: Release, planned: dict[str, Ticket], requester: User
) -> None:
    compile_release_notes(release=release, actor=manager)
    edit_release_notes(release=release, actor=manager, notes=" Faster fee pages. ")
    fees = ReleaseNoteItem.objects.get(key=str(planned["north_fees"].pk))
    edit_note_item(item=fees, actor=manager, text="Fee receipts print again.")
    plan_for_release(ticket=planned["north_exams"], actor=agent, release=None)
    added = factories.ticket(requester, title="Payslips lack the logo", module_code="payroll")
    plan_for_release(ticket=added, actor=agent, release=release)

    compile_release_notes(release=release, actor=manager)

    assert Release.objects.get().notes == "Faster fee pages."
    north, south = planned["north_fees"], planned["south_fees"]
    assert lines(manager, release) == [
        (
            "Fees",
            [f"{north.reference} Fee receipts print again.", f"{south.reference} {SOUTH_TITLE}"],
        ),
        ("Payroll", [f"{added.reference} Payslips lack the logo"]),
    ]


def test_wording_a_tickets_line_is_an_internal_event_on_its_timeline(
    manager: User, release: Release, planned: dict[str, Ticket]
) -> None:
    compile_release_notes(release=release, actor=manager)
    item = ReleaseNoteItem.objects.get(key=str(planned["north_fees"].pk))

    edit_note_item(item=item, actor=manager, text="Fee receipts print again.")

    event = planned["north_fees"].events.get(kind=ReleaseEventKind.NOTE_WORDED)
    assert (event.is_internal, event.new_value, event.body) == (
        True,
        "2025.3",
        "Fee receipts print again.",
    )


@pytest.mark.parametrize("text", ["", "x" * 501, "two\nlines"])
def test_a_bad_line_is_refused_on_its_field(
    manager: User, release: Release, planned: dict[str, Ticket], text: str
) -> None:
    compile_release_notes(release=release, actor=manager)
    item = ReleaseNoteItem.objects.get(key=str(planned["north_fees"].pk))

    with pytest.raises(ValidationFailed) as refused:
        edit_note_item(item=item, actor=manager, text=text)

    assert list(refused.value.errors) == ["text"]
    assert ReleaseNoteItem.objects.get(pk=item.pk).text == NORTH_TITLE


@pytest.mark.parametrize("persona", ["agent", "requester", "outsider"])
def test_only_managers_word_the_notes(
    persona: str, release: Release, planned: dict[str, Ticket], request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        compile_release_notes(release=release, actor=user)
    with pytest.raises(NotAllowed):
        edit_release_notes(release=release, actor=user, notes="Mine.")
    assert not ReleaseNoteItem.objects.exists()
    assert Release.objects.get().notes == "Fee fixes."


def test_shipped_notes_are_final(
    manager: User, release: Release, planned: dict[str, Ticket]
) -> None:
    ship_release(release=release, actor=manager)
    item = ReleaseNoteItem.objects.get(key=str(planned["north_fees"].pk))

    for change in (
        lambda: compile_release_notes(release=release, actor=manager),
        lambda: edit_release_notes(release=release, actor=manager, notes="Late."),
        lambda: edit_note_item(item=item, actor=manager, text="Late."),
    ):
        with pytest.raises(InvalidTransition):
            change()
    assert Release.objects.get().notes == "Fee fixes."
    assert ReleaseNoteItem.objects.get(pk=item.pk).text == NORTH_TITLE


def test_shipping_compiles_the_notes_a_last_time(
    manager: User, release: Release, planned: dict[str, Ticket]
) -> None:
    ship_release(release=release, actor=manager)

    assert ReleaseNoteItem.objects.filter(release=release).count() == 3


def announcements() -> dict[str, OutboxMessage]:
    return {
        message.to_email: message
        for message in OutboxMessage.objects.filter(event=NotificationEvent.RELEASE_NOTES)
    }


def test_shipping_mails_each_institutions_admins_their_own_items_only(
    manager: User,
    release: Release,
    planned: dict[str, Ticket],
    north_admin: User,
    outsider: User,
    requester: User,
) -> None:
    compile_release_notes(release=release, actor=manager)
    edit_release_notes(release=release, actor=manager, notes="Faster fee pages for everyone.")

    ship_release(release=release, actor=manager)

    mails = announcements()
    assert set(mails) == {north_admin.email, outsider.email}
    north, south = mails[north_admin.email], mails[outsider.email]
    assert north.subject == south.subject == "Release 2025.3 has shipped"
    for mail in (north, south):
        assert "Faster fee pages for everyone." in mail.body
        assert "/portal/releases/" in mail.body
    assert NORTH_TITLE in north.body
    assert planned["north_fees"].reference in north.body
    assert "Exam hall seating overlaps" in north.body
    assert SOUTH_TITLE not in north.body
    assert planned["south_fees"].reference not in north.body
    assert SOUTH_TITLE in south.body
    assert planned["south_fees"].reference in south.body
    assert NORTH_TITLE not in south.body
    assert planned["north_fees"].reference not in south.body
    assert "Exam hall" not in south.body
    assert "Northfield" not in south.body
    # The requesters still get their own "fixed in release" notice, once each.
    shipped = OutboxMessage.objects.filter(event=NotificationEvent.TICKET_SHIPPED)
    assert sorted(shipped.values_list("to_email", flat=True)) == sorted(
        [requester.email, requester.email, outsider.email]
    )


def test_an_institution_without_items_is_not_mailed(
    manager: User, release: Release, north_admin: User
) -> None:
    ship_release(release=release, actor=manager)

    assert announcements() == {}


class ChangeRequest:
    """A record of another domain (change requests come later), contributing items and a
    shipping step."""

    def __init__(self, institution: Institution) -> None:
        self.institution = institution
        self.shipped: list[tuple[str, datetime, frozenset[int]]] = []

    def items(self, release: Release) -> Iterator[sources.SourcedItem]:
        yield sources.SourcedItem(
            key="7",
            module=ModuleCode.FEES,
            reference="CR-7",
            text="Gateway timeouts on fee payments",
            institution_ids=frozenset({self.institution.pk}),
        )

    def ship(self, shipment: sources.Shipment) -> None:
        self.shipped.append((shipment.release.version, shipment.at, shipment.told))


@pytest.fixture
def change(institution: Institution, monkeypatch: Any) -> ChangeRequest:
    change = ChangeRequest(institution)
    monkeypatch.setattr(sources, "_sources", dict(sources.registered()))
    monkeypatch.setattr(sources, "_shipping_steps", [])
    sources.register("change", change.items)
    sources.on_shipping(change.ship)
    return change


def test_other_domains_contribute_items_and_shipping_steps(
    manager: User,
    release: Release,
    planned: dict[str, Ticket],
    change: ChangeRequest,
    outsider: User,
) -> None:
    ship_release(release=release, actor=manager)

    item = ReleaseNoteItem.objects.get(source="change")
    assert (item.key, item.reference, item.module) == ("7", "CR-7", ModuleCode.FEES)
    told = frozenset(ticket.pk for ticket in planned.values())
    assert change.shipped == [("2025.3", T0, told)]
    assert "CR-7" not in str(lines(outsider, release))
    assert any("CR-7 Gateway" in line for _, group in lines(manager, release) for line in group)


def test_a_source_registered_twice_is_refused(change: ChangeRequest) -> None:
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        sources.register("change", lambda release: [])


def test_a_line_compiled_away_meanwhile_is_not_found(
    manager: User, agent: User, release: Release, planned: dict[str, Ticket]
) -> None:
    compile_release_notes(release=release, actor=manager)
    item = ReleaseNoteItem.objects.get(key=str(planned["north_fees"].pk))
    plan_for_release(ticket=planned["north_fees"], actor=agent, release=None)
    compile_release_notes(release=release, actor=manager)

    with pytest.raises(NotFound):
        edit_note_item(item=item, actor=manager, text="Fee receipts print again.")
    assert not planned["north_fees"].events.filter(kind=ReleaseEventKind.NOTE_WORDED).exists()
