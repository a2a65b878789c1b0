"""Every page of the web desk as each persona sees it: each id once (so every label points
at its own field), no "---------" in a select, and people by name, never username."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client

from hypercare.accounts.models import User
from tests.web.conftest import signed_in
from tests.web.every_page import PERSONAS, USERNAMES, World, addresses, build_world


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _client(persona: str, people: dict[str, User]) -> Client:
    return Client() if persona == "anonymous" else signed_in(people[persona])


def _problems(html: str) -> list[str]:
    parsed = _Ids()
    parsed.feed(html)
    text = " ".join(parsed.text)
    problems = [f"id {key!r} {n} times" for key, n in parsed.ids.items() if n > 1]
    if "---------" in html:
        problems.append("a select offers ---------")
    problems += [f"shows username {name}" for name in USERNAMES.values() if name in text]
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_has_unique_ids_no_placeholder_and_names_not_usernames(
    world: World, persona: str
) -> None:
    client = _client(persona, world.people)
    seen: dict[str, list[str]] = {}
    visited = 0
    for address in addresses(world):
        response = client.get(address, follow=True)
        # A download is no page, an HTML review pack included.
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or not response["Content-Type"].startswith("text/html"):
            continue
        visited += 1
        if problems := _problems(response.content.decode()):
            seen[address] = problems
    assert visited > 20
    assert seen == {}


def test_the_desk_ticket_page_gives_each_reason_box_its_own_id(world: World) -> None:
    page = signed_in(world.people["agent"]).get(f"/desk/tickets/{world.ticket}/")
    html = page.content.decode()
    parsed = _Ids()
    parsed.feed(html)
    reason_ids = [key for key in parsed.ids if key.endswith("reason")]
    assert len(reason_ids) >= 5
    for key in reason_ids:
        assert f'for="{key}"' in html, key


def test_people_are_chosen_and_shown_by_name(world: World) -> None:
    manager = world.people["support_manager"]
    page = signed_in(manager).get(f"/desk/tickets/{world.ticket}/").content.decode()
    assert ">Tara Iyer</option>" in page
    assert "Sam Moss assigned the ticket to Tara Iyer" in page
