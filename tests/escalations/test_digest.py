"""The daily review by mail: once a day, from the configured hour, to escalation managers."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import LazySettings

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.models import EscalationDigest
from hypercare.escalations.services.handling import record_action_plan
from hypercare.escalations.services.intake import request_escalation
from hypercare.escalations.services.review import send_daily_digest
from hypercare.jobs import JOBS
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.tickets.models import Ticket
from tests import factories
from tests.escalations.conftest import CHECKLIST, REASON, T0

# T0 is 10:00 UTC; the digest goes out from 07:00 by default.
DAY_START = T0.replace(hour=0)


def _digests() -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(event=NotificationEvent.ESCALATION_DIGEST).order_by("to_email")
    )


@pytest.fixture
def escalated(ticket: Ticket, requester: User, manager: User) -> Ticket:
    with time_machine.travel(DAY_START, tick=False):
        escalation = request_escalation(
            ticket=ticket, actor=requester, reason=REASON, checklist=CHECKLIST
        )
        record_action_plan(escalation=escalation, actor=manager, action_plan="Patch the gateway")
    return ticket


def test_the_digest_waits_for_its_hour_then_goes_once_to_every_escalation_manager(
    escalated: Ticket, manager: User
) -> None:
    second = factories.agent(Role.ESCALATION_MANAGER, username="omar")
    factories.agent(Role.SUPPORT_MANAGER, username="sam")
    with time_machine.travel(DAY_START + timedelta(hours=6, minutes=59), tick=False):
        assert send_daily_digest() == {"digests": 0}
    with time_machine.travel(DAY_START + timedelta(hours=7), tick=False):
        assert send_daily_digest() == {"digests": 1}
        assert send_daily_digest() == {"digests": 0}
    with time_machine.travel(DAY_START + timedelta(hours=23), tick=False):
        assert send_daily_digest() == {"digests": 0}
    assert [message.recipient for message in _digests()] == [manager, second]
    body = _digests()[0].body
    assert escalated.reference in body
    assert "Patch the gateway" in body
    # The first update was due at 04:00 and was not posted: the digest says so.
    assert "next update due Mon 7 Apr 2025, 04:00 UTC (OVERDUE)" in body
    assert "/desk/escalations/" in body
    assert EscalationDigest.objects.get().escalations == 1


def test_the_next_day_has_its_own_digest(escalated: Ticket) -> None:
    with time_machine.travel(DAY_START + timedelta(hours=8), tick=False):
        send_daily_digest()
    with time_machine.travel(DAY_START + timedelta(days=1, hours=8), tick=False):
        assert send_daily_digest() == {"digests": 1}
    assert [digest.day.isoformat() for digest in EscalationDigest.objects.order_by("day")] == [
        "2025-04-07",
        "2025-04-08",
    ]


def test_no_mail_on_a_day_with_nothing_open(manager: User) -> None:
    with time_machine.travel(DAY_START + timedelta(hours=9), tick=False):
        assert send_daily_digest() == {"digests": 0}
    assert _digests() == []
    assert EscalationDigest.objects.get().escalations == 0


def test_the_digest_hour_is_configurable(escalated: Ticket, settings: LazySettings) -> None:
    settings.HYPERCARE_ESCALATION_DIGEST_HOUR = 9
    with time_machine.travel(DAY_START + timedelta(hours=8), tick=False):
        assert send_daily_digest() == {"digests": 0}
    with time_machine.travel(DAY_START + timedelta(hours=9), tick=False):
        assert send_daily_digest() == {"digests": 1}


@pytest.mark.django_db
def test_the_jobs_registry_runs_the_escalation_jobs() -> None:
    assert JOBS["escalation_updates"].function() == {"missed_updates": 0}
    assert set(JOBS["escalation_digest"].function()) == {"digests"}
