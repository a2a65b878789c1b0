from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress
from tests import factories
from tests.api.contract import ContractClient


@pytest.fixture(autouse=True)
def attachment_dir(settings: LazySettings, tmp_path: Path) -> Path:
    """Every test writes its files to its own temporary folder."""
    folder = tmp_path / "attachments"
    settings.HYPERCARE_ATTACHMENT_DIR = folder
    return folder


@pytest.fixture(autouse=True)
def backup_dir(settings: LazySettings, tmp_path: Path) -> Path:
    """Scheduled backups (a job like any other) go to the test's own folder."""
    folder = tmp_path / "backups"
    settings.HYPERCARE_BACKUP_DIR = folder
    return folder


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: LazySettings) -> None:
    """Every persona gets a password; the production hasher would spend ~0.2 s on each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client() -> ContractClient:
    """pytest-django's client, holding every API answer to the OpenAPI document."""
    return ContractClient()


@pytest.fixture
def institution(db: None) -> Institution:
    return factories.institution("Northfield University", slug="northfield")


@pytest.fixture
def other_institution(db: None) -> Institution:
    return factories.institution("Southbank College", slug="southbank")


@pytest.fixture
def requester(institution: Institution) -> User:
    return factories.requester(institution, username="riya", first_name="Riya")


@pytest.fixture
def colleague(institution: Institution) -> User:
    return factories.requester(institution, username="colleague")


@pytest.fixture
def key_user(institution: Institution) -> User:
    return factories.user(Role.KEY_USER, institution=institution, username="keyuser")


@pytest.fixture
def outsider(other_institution: Institution) -> User:
    """A user of another institution: must never see Northfield's data."""
    return factories.user(
        Role.INSTITUTION_ADMIN, Role.KEY_USER, institution=other_institution, username="outsider"
    )


@pytest.fixture
def agent(db: None) -> User:
    return factories.agent(Role.TIER1, username="tara")


@pytest.fixture
def tier2_agent(db: None) -> User:
    return factories.agent(Role.TIER2, username="tomas")


@pytest.fixture
def signed_off_tracker() -> Iterator[None]:
    """A question whose workflow has taken a step (as a domain's tracker would say)."""

    def tracker(ticket: Ticket) -> Progress:
        return Progress(
            step="training_gap",
            waiting_for="Waiting for the agent to flag a training gap.",
            taken=("Answered by Tara on the portal",),
        )

    saved = dict(workflows._trackers)
    workflows._trackers.pop(Category.QUESTION, None)
    workflows.register(Category.QUESTION, tracker)
    yield
    workflows._trackers.clear()
    workflows._trackers.update(saved)
