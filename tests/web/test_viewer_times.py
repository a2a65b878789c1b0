"""One time zone and one format per viewer: every time on a ticket page, for two viewers
in two zones, and in a mail for its recipient."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from hypercare.sla.services import sweep_sla
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import assign_ticket
from tests import factories
from tests.web.conftest import signed_in

MONDAY_9 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
KOLKATA, NEW_YORK = ZoneInfo("Asia/Kolkata"), ZoneInfo("America/New_York")
# The desk's one format: "Mon 3 Mar 2025, 14:30".
SHOWN = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d{2}:\d{2}\b"
)
TIME_ELEMENT = re.compile(r'<time datetime="([^"]+)"[^>]*>(.*?)</time>', re.S)


@pytest.fixture
def deccan(db: None) -> Institution:
    return factories.institution("Deccan University", time_zone="Asia/Kolkata")


@pytest.fixture
def busy_ticket(time_machine: Any, deccan: Institution, agent: User) -> Ticket:
    """A critical ticket with a reply, an SLA warning and a breach on its timeline."""
    time_machine.move_to(MONDAY_9, tick=False)
    ticket = factories.ticket(factories.requester(deccan), urgency="high", impact="high")
    assign_ticket(ticket=ticket, actor=agent, assignee=agent)
    time_machine.move_to(MONDAY_9 + timedelta(minutes=20), tick=False)
    sweep_sla(now=MONDAY_9 + timedelta(minutes=20))
    add_public_reply(ticket=ticket, actor=agent, body="Looking into it.")
    return ticket


def instants_shown(page: str, zone: ZoneInfo) -> set[datetime]:
    """Every time the page shows, as the instant it means to a reader in ``zone``.

    Each <time> must carry ``zone``'s offset and read as that instant in the desk's
    format; no time in any other format (an ISO timestamp) may be left on the page.
    """
    # The SLA explanation reasons in its calendar's zone and names it on every line.
    page = re.sub(r'<ol class="sla-steps">.*?</ol>', "", page, flags=re.S)
    for value, text in TIME_ELEMENT.findall(page):
        at = datetime.fromisoformat(value)
        assert at.utcoffset() == at.astimezone(zone).utcoffset(), value
        if SHOWN.fullmatch(text):
            assert text == f"{at:%a} {at.day} {at:%b %Y, %H:%M}", (value, text)
    words = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", words)
    assert not re.search(r"\d{1,2}:\d{2}", SHOWN.sub("", words)), "a time in another format"
    return {
        datetime.strptime(shown, "%a %d %b %Y, %H:%M").replace(tzinfo=zone).astimezone(UTC)
        for shown in SHOWN.findall(words)
    }


def test_the_desk_ticket_page_shows_every_time_in_the_viewers_zone(
    busy_ticket: Ticket, agent: User
) -> None:
    url = f"/desk/tickets/{busy_ticket.pk}/"
    agent.time_zone = "Asia/Kolkata"
    agent.save()
    in_kolkata = signed_in(agent).get(url).content.decode()
    agent.time_zone = "America/New_York"
    agent.save()
    in_new_york = signed_in(agent).get(url).content.decode()

    seen = instants_shown(in_kolkata, KOLKATA)
    assert seen == instants_shown(in_new_york, NEW_YORK)
    # Created, the reply, the first response due and breached, the resolution due.
    assert {MONDAY_9, MONDAY_9 + timedelta(minutes=15), MONDAY_9 + timedelta(hours=4)} <= seen
    assert "SLA breached, first response was due Mon 3 Mar 2025, 14:45" in in_kolkata
    assert "SLA breached, first response was due Mon 3 Mar 2025, 04:15" in in_new_york
    assert "Reason: Due" not in in_kolkata


def test_the_portal_ticket_page_shows_every_time_in_the_viewers_zone(
    busy_ticket: Ticket,
) -> None:
    url = f"/portal/tickets/{busy_ticket.pk}/"
    requester = busy_ticket.requester
    in_kolkata = signed_in(requester).get(url).content.decode()  # the institution's zone
    requester.time_zone = "America/New_York"
    requester.save()
    in_new_york = signed_in(requester).get(url).content.decode()

    seen = instants_shown(in_kolkata, KOLKATA)
    assert seen == instants_shown(in_new_york, NEW_YORK)
    assert {MONDAY_9, MONDAY_9 + timedelta(minutes=20)} <= seen
    assert "We aim to resolve this by Mon 3 Mar 2025, 08:00" in in_new_york


def test_a_mail_reads_in_its_recipients_zone(busy_ticket: Ticket, agent: User) -> None:
    breach = OutboxMessage.objects.get(event=NotificationEvent.SLA_BREACH, recipient=agent)
    assert "due Mon 3 Mar 2025, 09:15 UTC" in breach.body  # staff without a zone: UTC

    agent.time_zone = "Asia/Kolkata"
    agent.save()
    sweep_sla(now=MONDAY_9 + timedelta(hours=4))

    resolution = OutboxMessage.objects.filter(event=NotificationEvent.SLA_BREACH, recipient=agent)
    assert "breached its resolution target, due Mon 3 Mar 2025, 18:30 IST" in (
        resolution.latest("pk").body
    )
