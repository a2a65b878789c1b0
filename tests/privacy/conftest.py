"""One departing person and what the desk holds about them: their ticket with a public
reply, an internal note and a file, a note naming them on a colleague's ticket."""

from dataclasses import dataclass
from io import BytesIO

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Attachment, Ticket
from hypercare.tickets.services.attachments import add_attachment
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from tests import factories
from tests.lib import samples


@dataclass
class Subject:
    person: User
    own: Ticket
    colleagues: Ticket
    attachment: Attachment
    screenshot: bytes


@pytest.fixture
def subject(institution: Institution, colleague: User, agent: User) -> Subject:
    person = factories.requester(
        institution,
        username="rsharma",
        first_name="Riya",
        last_name="Sharma",
        email="riya.sharma@northfield.edu",
    )
    own = factories.ticket(
        person,
        title="Riya Sharma cannot print fee receipts",
        description="Please call me back on riya.sharma@northfield.edu.",
    )
    add_public_reply(ticket=own, actor=agent, body="Hi Riya, could you send a screenshot?")
    add_public_reply(ticket=own, actor=person, body="Here it is, thanks.")
    add_internal_note(ticket=own, actor=agent, body="Spoke to Riya Sharma; a Longfield issue.")
    screenshot = samples.png()
    attachment = add_attachment(
        ticket=own, actor=person, name="receipt.png", content=BytesIO(screenshot)
    )
    colleagues = factories.ticket(colleague, title="Receipts blank for the whole office")
    add_internal_note(ticket=colleagues, actor=agent, body="Same as rsharma reported.")
    return Subject(person, own, colleagues, attachment, screenshot)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


@pytest.fixture
def system_admin(db: None) -> User:
    return factories.agent(Role.ADMIN, username="sysadmin")


@pytest.fixture
def institution_admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")
