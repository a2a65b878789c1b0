"""Times on an escalation's steps: typed and read in each person's own zone."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypercare.accounts.models import User
from hypercare.escalations.choices import EscalationEventKind
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.handling import record_action_plan
from hypercare.escalations.services.intake import request_escalation
from hypercare.tickets.models import Ticket
from tests.escalations.conftest import CHECKLIST, REASON, T0
from tests.web.conftest import signed_in


def test_the_agreement_is_typed_in_the_managers_zone_and_read_in_each_readers(
    ticket: Ticket, requester: User, manager: User, time_machine: Any
) -> None:
    time_machine.move_to(T0, tick=False)
    manager.time_zone = "Asia/Kolkata"
    manager.save()
    escalation = request_escalation(
        ticket=ticket, actor=requester, reason=REASON, checklist=CHECKLIST
    )
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch the gateway.")
    client = signed_in(manager)
    form = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "In your time zone, as set on your profile." in form

    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    done = client.post(
        f"/desk/tickets/{ticket.pk}/escalation/de-escalation/",
        {
            "action_plan_accepted": "on",
            "root_cause_on_track": "on",
            "agreed_by": "Riya",
            "agreed_at": "2025-04-07T16:00",
            "agreement_channel": "phone",
        },
    )

    assert done.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.agreed_at == datetime(2025, 4, 7, 16, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    event = ticket.events.get(kind=EscalationEventKind.DE_ESCALATED)
    assert event.body.startswith("Riya agreed to de-escalate, by phone call.")
    portal = signed_in(requester).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    # Northfield keeps UTC; 16:00 in Kolkata is 10:30 there.
    assert "de-escalated the ticket, as agreed on Mon 7 Apr 2025, 10:30" in portal
