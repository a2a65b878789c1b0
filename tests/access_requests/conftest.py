from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from tests import factories
from tests.access_requests import builders


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    """Each test starts on 3 December 2026, 09:00 UTC; time stands still unless moved."""
    time_machine.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def approver(institution: Institution) -> User:
    """Northfield's approval owner."""
    return builders.approval_owner(institution)


@pytest.fixture
def admin(institution: Institution) -> User:
    """Northfield's institution admin."""
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")
