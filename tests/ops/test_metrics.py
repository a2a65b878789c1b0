"""``/metrics``: off unless configured, closed to anyone without the token or a listed
address, and the figures it shows are the desk's own."""

from datetime import timedelta
from ipaddress import ip_network

import pytest
from django.conf import LazySettings
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.notifications.choices import DeliveryStatus, NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.ops.services import record_job_run
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from tests import factories

TOKEN = "s3cret-metrics-token"


@pytest.fixture
def token(settings: LazySettings) -> str:
    settings.HYPERCARE_METRICS_TOKEN = TOKEN
    return TOKEN


def _bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def _outbox(status: str, key: str) -> None:
    now = clock.now()
    OutboxMessage.objects.create(
        event=NotificationEvent.TICKET_ASSIGNED,
        to_email="tara@example.edu",
        subject="Assigned",
        body="Yours.",
        dedupe_key=key,
        status=status,
        next_attempt_at=now,
        created_at=now,
    )


@pytest.mark.django_db
def test_metrics_are_off_when_neither_token_nor_addresses_are_set() -> None:
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", headers=_bearer("anything")).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("token")
def test_metrics_ask_for_the_token_and_refuse_a_wrong_one() -> None:
    missing = Client().get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert Client().get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert Client().get("/metrics", headers=_bearer(TOKEN + "x")).status_code == 403
    assert b"hypercare_" not in Client().get("/metrics", headers=_bearer("nope")).content

    assert Client().get("/metrics", headers=_bearer(TOKEN)).status_code == 200


@pytest.mark.django_db
def test_metrics_open_to_listed_addresses_only(settings: LazySettings) -> None:
    settings.HYPERCARE_METRICS_ALLOW = (ip_network("10.0.0.0/8"), ip_network("::1"))

    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.168.1.5").get("/metrics").status_code == 403
    # Behind a Unix socket the client has no address at all.
    assert Client(REMOTE_ADDR="").get("/metrics").status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("token")
def test_a_listed_address_or_the_token_each_suffice(settings: LazySettings) -> None:
    settings.HYPERCARE_METRICS_ALLOW = (ip_network("10.0.0.0/8"),)

    assert Client(REMOTE_ADDR="10.0.0.9").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.168.1.5").get("/metrics").status_code == 401
    assert (
        Client(REMOTE_ADDR="192.168.1.5").get("/metrics", headers=_bearer(TOKEN)).status_code == 200
    )


@pytest.mark.usefixtures("token")
def test_a_signed_in_session_does_not_open_the_metrics(requester: User, agent: User) -> None:
    for user in (requester, agent):
        client = Client()
        client.force_login(user)
        assert client.get("/metrics").status_code == 401


@pytest.mark.usefixtures("token")
def test_metrics_show_the_desks_counts(requester: User) -> None:
    tickets = [factories.ticket(requester) for _ in range(4)]
    Ticket.objects.filter(pk=tickets[0].pk).update(status=Status.CLOSED)
    now = clock.now()
    Ticket.objects.filter(pk=tickets[1].pk).update(
        first_response_state=ClockState.RUNNING, first_response_warn_at=now - timedelta(minutes=5)
    )
    Ticket.objects.filter(pk=tickets[2].pk).update(
        first_response_state=ClockState.RUNNING,
        first_response_warn_at=now + timedelta(hours=1),
        resolution_state=ClockState.BREACHED,
    )
    # Past its target and not yet recorded by the sweep: breached, no longer due soon.
    Ticket.objects.filter(pk=tickets[3].pk).update(
        first_response_state=ClockState.RUNNING,
        first_response_warn_at=now - timedelta(hours=1),
        first_response_due_at=now - timedelta(minutes=1),
    )
    # A closed ticket's breached clock is history, not a queue to work on.
    Ticket.objects.filter(pk=tickets[0].pk).update(resolution_state=ClockState.BREACHED)
    # Opening the tickets queued their acknowledgements; four more wait, one is dead.
    queued = OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).count()
    for number in range(4):
        _outbox(DeliveryStatus.PENDING, f"pending-{number}")
    _outbox(DeliveryStatus.DEAD, "dead")
    _outbox(DeliveryStatus.SENT, "sent")
    record_job_run(job="outbox_delivery", duration=timedelta(seconds=1.5), succeeded=True)
    record_job_run(job="mail_poll", duration=timedelta(seconds=0.25), succeeded=False)
    open_status = Ticket.objects.get(pk=tickets[1].pk).status

    answer = Client().get("/metrics", headers=_bearer(TOKEN))

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=")
    figures = _samples(answer.content.decode())
    assert figures[("hypercare_outbox_messages", (("status", "pending"),))] == queued + 4
    assert figures[("hypercare_outbox_messages", (("status", "dead"),))] == 1
    assert figures[("hypercare_open_tickets", (("status", open_status),))] == 3
    assert figures[("hypercare_open_tickets", (("status", Status.WAITING_ON_REQUESTER),))] == 0
    assert ("hypercare_open_tickets", (("status", Status.CLOSED),)) not in figures
    clocks = (("clock", "first_response"), ("state", "due_soon"))
    assert figures[("hypercare_sla_clocks", clocks)] == 1
    breached = (("clock", "first_response"), ("state", "breached"))
    assert figures[("hypercare_sla_clocks", breached)] == 1
    assert figures[("hypercare_sla_clocks", (("clock", "resolution"), ("state", "breached")))] == 1
    assert figures[("hypercare_job_last_duration_seconds", (("job", "outbox_delivery"),))] == 1.5
    assert figures[("hypercare_job_last_succeeded", (("job", "outbox_delivery"),))] == 1
    assert figures[("hypercare_job_last_succeeded", (("job", "mail_poll"),))] == 0
    assert ("hypercare_job_last_finished_timestamp_seconds", (("job", "mail_poll"),)) in figures


@pytest.mark.usefixtures("token")
def test_request_latency_is_observed_by_view_and_method(agent: User) -> None:
    client = Client()
    client.force_login(agent)
    before = _samples(Client().get("/metrics", headers=_bearer(TOKEN)).content.decode())
    key = ("hypercare_request_duration_seconds_count", (("method", "GET"), ("view", "web:home")))

    client.get("/")
    client.get("/")
    Client().get("/no-such-page/")
    after = _samples(Client().get("/metrics", headers=_bearer(TOKEN)).content.decode())

    assert after[key] - before.get(key, 0) == 2
    unmatched = (
        "hypercare_request_duration_seconds_count",
        (("method", "GET"), ("view", "unmatched")),
    )
    assert after[unmatched] - before.get(unmatched, 0) == 1
