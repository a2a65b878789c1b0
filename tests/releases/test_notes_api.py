"""Release notes through the API: compile, word, read as each caller may, and no leak."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.services import compile_release_notes, plan_for_release, ship_release
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient

NORTH_TITLE = "Northfield fee receipts print blank"
SOUTH_TITLE = "Southbank SMS gateway rejects OTPs"


@pytest.fixture
def planned(agent: User, requester: User, outsider: User, release: Release) -> dict[str, Ticket]:
    tickets = {
        "north": factories.ticket(requester, title=NORTH_TITLE, module_code=ModuleCode.FEES),
        "south": factories.ticket(outsider, title=SOUTH_TITLE, module_code=ModuleCode.EXAMS),
    }
    for ticket in tickets.values():
        plan_for_release(ticket=ticket, actor=agent, release=release)
    return tickets


def item_lines(body: dict[str, object]) -> list[tuple[str, str, str]]:
    groups = body["groups"]
    assert isinstance(groups, list)
    return [
        (group["module"], item["reference"], item["text"])
        for group in groups
        for item in group["items"]
    ]


def test_a_manager_compiles_words_and_ships_the_notes(
    manager: User, release: Release, planned: dict[str, Ticket]
) -> None:
    client = ApiClient(manager)
    url = f"/releases/{release.pk}/notes"

    compiled = client.post(f"{url}/compile")
    assert compiled.status_code == 200, compiled.json()
    north, south = planned["north"], planned["south"]
    assert item_lines(compiled.json()) == [
        ("Exams", south.reference, SOUTH_TITLE),
        ("Fees", north.reference, NORTH_TITLE),
    ]
    assert compiled.json()["compiled_at"] == "2025-03-03T09:00:00Z"

    worded = client.put(f"{url}", {"notes": "Faster fee pages."})
    assert worded.status_code == 200, worded.json()
    assert worded.json()["notes"] == "Faster fee pages."
    item = ReleaseNoteItem.objects.get(key=str(north.pk))
    line = client.put(f"{url}/items/{item.pk}", {"text": " Fee receipts print again. "})
    assert line.status_code == 200, line.json()
    assert line.json() == {
        "id": item.pk,
        "source": "ticket",
        "reference": north.reference,
        "text": "Fee receipts print again.",
        "edited": True,
    }

    assert client.post(f"/releases/{release.pk}/ship").status_code == 200
    final = client.get(url).json()
    assert ("Fees", north.reference, "Fee receipts print again.") in item_lines(final)
    late = client.put(url, {"notes": "Late."})
    assert late.status_code == 409
    assert late.json()["message"] == "Release 2025.3 has shipped; its notes are final."
    assert client.post(f"{url}/compile").status_code == 409
    assert client.put(f"{url}/items/{item.pk}", {"text": "Late."}).status_code == 409


def test_institution_users_read_only_their_institutions_items(
    manager: User, release: Release, planned: dict[str, Ticket], requester: User, outsider: User
) -> None:
    compile_release_notes(release=release, actor=manager)
    ship_release(release=release, actor=manager)

    north = ApiClient(requester).get(f"/releases/{release.pk}/notes").json()
    south = ApiClient(outsider).get(f"/releases/{release.pk}/notes").json()

    assert item_lines(north) == [("Fees", planned["north"].reference, NORTH_TITLE)]
    assert item_lines(south) == [("Exams", planned["south"].reference, SOUTH_TITLE)]
    assert north["notes"] == south["notes"] == "Fee fixes."


@pytest.mark.parametrize("persona", ["agent", "requester", "outsider"])
def test_only_managers_word_the_notes(
    persona: str, release: Release, planned: dict[str, Ticket], request: pytest.FixtureRequest
) -> None:
    compile_release_notes(release=release, actor=request.getfixturevalue("manager"))
    item = ReleaseNoteItem.objects.get(key=str(planned["north"].pk))
    client = ApiClient(request.getfixturevalue(persona))
    url = f"/releases/{release.pk}/notes"

    assert client.post(f"{url}/compile").status_code == 403
    assert client.put(url, {"notes": "Mine."}).status_code == 403
    expected = 404 if persona == "outsider" else 403  # another institution's item is unknown
    assert client.put(f"{url}/items/{item.pk}", {"text": "Mine."}).status_code == expected
    assert Release.objects.get().notes == "Fee fixes."
    assert ReleaseNoteItem.objects.get(pk=item.pk).text == NORTH_TITLE


def test_bad_notes_input_is_refused_field_by_field(
    manager: User, release: Release, planned: dict[str, Ticket]
) -> None:
    compile_release_notes(release=release, actor=manager)
    item = ReleaseNoteItem.objects.get(key=str(planned["north"].pk))
    client = ApiClient(manager)
    url = f"/releases/{release.pk}/notes"

    unknown = client.put(url, {"notes": "Fine.", "version": "9"})
    assert unknown.status_code == 422
    assert [error["field"] for error in unknown.json()["errors"]] == ["version"]
    for text in ["", "two\nlines", "x" * 501]:
        refused = client.put(f"{url}/items/{item.pk}", {"text": text})
        assert refused.status_code == 422, text
        assert [error["field"] for error in refused.json()["errors"]] == ["text"]
    assert ReleaseNoteItem.objects.get(pk=item.pk).text == NORTH_TITLE


def test_an_item_of_another_release_or_none_is_not_found(
    manager: User, release: Release, later_release: Release, planned: dict[str, Ticket]
) -> None:
    compile_release_notes(release=release, actor=manager)
    item = ReleaseNoteItem.objects.get(key=str(planned["north"].pk))
    client = ApiClient(manager)

    elsewhere = client.put(f"/releases/{later_release.pk}/notes/items/{item.pk}", {"text": "X"})
    assert elsewhere.status_code == 404
    assert client.put(f"/releases/{release.pk}/notes/items/99999", {"text": "X"}).status_code == 404
    assert client.get("/releases/99999/notes").status_code == 404


def test_reading_the_notes_costs_the_same_however_many_items(
    manager: User, agent: User, requester: User, release: Release, planned: dict[str, Ticket]
) -> None:
    compile_release_notes(release=release, actor=manager)
    client = ApiClient(requester)
    client.get(f"/releases/{release.pk}/notes")  # the caller's token and setup, cached
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/releases/{release.pk}/notes").status_code == 200
    for module in (ModuleCode.HR, ModuleCode.LIBRARY, ModuleCode.PAYROLL):
        ticket = factories.ticket(requester, title="More", module_code=module)
        plan_for_release(ticket=ticket, actor=agent, release=release)
    compile_release_notes(release=release, actor=manager)

    with CaptureQueriesContext(connection) as many:
        assert len(item_lines(client.get(f"/releases/{release.pk}/notes").json())) == 4
    assert len(many) == len(few)
