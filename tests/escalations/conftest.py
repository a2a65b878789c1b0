from datetime import UTC, date, datetime

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.choices import EscalationReason, Workaround
from hypercare.escalations.services.intake import ReviewChecklist
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient

T0 = datetime(2025, 4, 7, 10, 0, tzinfo=UTC)

CHECKLIST = ReviewChecklist(
    problem_statement_confirmed=True,
    business_impact="No student can pay the exam fee; the deadline is Friday.",
    workaround=Workaround.IMPRACTICAL,
    workaround_impractical_because="Cash at the counter means queues of 2,000 students.",
    milestone_date=date(2025, 4, 11),
    milestone="Exam fee deadline",
)
REASON = EscalationReason.BUSINESS_IMPACT


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")


@pytest.fixture
def support_manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sam", first_name="Sam")


@pytest.fixture
def institution_admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


@pytest.fixture
def ticket(requester: User) -> Ticket:
    with time_machine.travel(T0, tick=False):
        return factories.ticket(requester)


@pytest.fixture
def api_as() -> type[ApiClient]:
    return ApiClient
