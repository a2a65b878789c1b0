from datetime import UTC, datetime

import time_machine
from django.test import Client

from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from tests import factories
from tests.web.conftest import signed_in


def test_pages_show_times_in_the_institutions_zone(db: None) -> None:
    deccan: Institution = factories.institution("Deccan University", time_zone="Asia/Kolkata")
    riya = factories.requester(deccan)
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), tick=False):
        ticket = factories.ticket(riya)
    html = signed_in(riya).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "14:30" in html
    assert "times in Asia/Kolkata" in html


def test_a_persons_own_zone_wins(db: None, agent: User, requester: User) -> None:
    agent.time_zone = "America/New_York"
    agent.save()
    with time_machine.travel(datetime(2026, 11, 24, 15, 0, tzinfo=UTC), tick=False):
        ticket = factories.ticket(requester)
    html = signed_in(agent).get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "10:00" in html
    assert "times in America/New_York" in html


def test_mail_link_opens_each_readers_own_view(agent: User, requester: User) -> None:
    ticket = factories.ticket(requester)
    assert (
        signed_in(agent).get(f"/tickets/{ticket.pk}/")["Location"] == f"/desk/tickets/{ticket.pk}/"
    )
    assert (
        signed_in(requester).get(f"/tickets/{ticket.pk}/")["Location"]
        == f"/portal/tickets/{ticket.pk}/"
    )
    anonymous = Client().get(f"/tickets/{ticket.pk}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
