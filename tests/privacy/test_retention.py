from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
import time_machine

from hypercare.accounts.models import User
from hypercare.celery import app
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.jobs import JOBS
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from hypercare.privacy.choices import RegisterAction
from hypercare.privacy.models import RegisterEntry
from hypercare.privacy.selectors import retention_preview
from hypercare.privacy.services.retention import set_retention
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Attachment, Ticket
from hypercare.tickets.services.attachments import add_attachment, attachment_path
from tests import factories
from tests.api.conftest import ApiClient
from tests.lib import samples
from tests.web.conftest import signed_in

NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


def _file_on(ticket: Ticket, closed_at: datetime | None) -> Attachment:
    """A file on ``ticket``, which is then closed at ``closed_at`` (None: left open)."""
    assert ticket.requester is not None
    attachment = add_attachment(
        ticket=ticket, actor=ticket.requester, name="log.png", content=BytesIO(samples.png())
    )
    if closed_at is not None:
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, closed_at=closed_at)
    return attachment


@pytest.fixture
def files(requester: User, outsider: User) -> dict[str, Attachment]:
    southbank_requester = factories.requester(outsider.institution, username="sam")  # type: ignore[arg-type]
    return {
        "old": _file_on(factories.ticket(requester), NOW - timedelta(days=200)),
        "recent": _file_on(factories.ticket(requester), NOW - timedelta(days=100)),
        "open": _file_on(factories.ticket(requester), None),
        "elsewhere": _file_on(factories.ticket(southbank_requester), NOW - timedelta(days=400)),
    }


def _kept(files: dict[str, Attachment]) -> set[str]:
    for attachment in files.values():
        attachment.refresh_from_db()
    return {name for name, found in files.items() if found.removed_at is None}


@pytest.mark.parametrize("engine", ["embedded", "celery"])
def test_the_job_removes_files_of_the_institutions_tickets_closed_past_retention(
    files: dict[str, Attachment],
    institution: Institution,
    manager: User,
    engine: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    set_retention(institution=institution, months=6, actor=manager)
    old = attachment_path(files["old"].storage_name)
    assert old.exists()
    now = clock.now()
    Ticket.objects.filter(pk=files["old"].ticket_id).update(closed_at=now - timedelta(days=200))
    Ticket.objects.filter(pk=files["recent"].ticket_id).update(closed_at=now - timedelta(days=100))
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_preview(institution, now).due == 1
        if engine == "embedded":
            # What the embedded worker runs (run_job also recycles the connection, which
            # a test's transaction cannot have).
            assert JOBS["attachment_retention"].function() == {"removed": 1}
        else:
            assert app.tasks["hypercare.attachment_retention"].apply().get() == {"removed": 1}
    assert _kept(files) == {"recent", "open", "elsewhere"}
    assert not old.exists()
    assert attachment_path(files["elsewhere"].storage_name).exists()
    assert files["old"].removed_at is not None
    assert Attachment.objects.filter(pk=files["old"].pk).exists()


def test_a_second_run_removes_nothing_more_and_the_register_counts_each_purge(
    files: dict[str, Attachment], institution: Institution, manager: User
) -> None:
    set_retention(institution=institution, months=3, actor=manager)
    with time_machine.travel(NOW, tick=False):
        assert JOBS["attachment_retention"].function() == {"removed": 2}
        assert JOBS["attachment_retention"].function() == {"removed": 0}
    purges = RegisterEntry.objects.filter(action=RegisterAction.RETENTION_PURGE)
    assert [(p.institution, p.actor, p.outcome) for p in purges] == [
        (institution, None, {"files_removed": 2, "months": 3})
    ]
    setting = RegisterEntry.objects.get(action=RegisterAction.RETENTION_SET)
    assert (setting.actor, setting.outcome) == (manager, {"months": 3})


def test_without_retention_every_file_is_kept(
    files: dict[str, Attachment], institution: Institution, manager: User
) -> None:
    set_retention(institution=institution, months=None, actor=manager)
    with time_machine.travel(NOW, tick=False):
        assert JOBS["attachment_retention"].function() == {"removed": 0}
    assert _kept(files) == set(files)


def test_a_removed_file_stays_on_the_timeline_as_a_tombstone_and_no_longer_downloads(
    files: dict[str, Attachment], institution: Institution, manager: User, agent: User
) -> None:
    set_retention(institution=institution, months=6, actor=manager)
    with time_machine.travel(NOW, tick=False):
        JOBS["attachment_retention"].function()
    old = files["old"]
    browser = signed_in(agent)
    page = browser.get(f"/desk/tickets/{old.ticket_id}/").content.decode()
    assert "log.png — removed by retention on 2026-09-15" in page
    assert browser.get(f"/attachments/{old.pk}/").status_code == 404
    api = ApiClient(agent)
    assert api.get(f"/attachments/{old.pk}").json()["removed_at"] is not None
    assert api.get(f"/attachments/{old.pk}/content").status_code == 404
    assert api.get(f"/attachments/{files['recent'].pk}/content").status_code == 200


def test_retention_is_set_by_managers_and_the_institutions_own_admin(
    institution: Institution, other_institution: Institution, outsider: User, requester: User
) -> None:
    set_retention(institution=other_institution, months=12, actor=outsider)
    for refused in (institution, other_institution):
        with pytest.raises(NotAllowed):
            set_retention(institution=refused, months=12, actor=requester)
    with pytest.raises(NotAllowed):
        set_retention(institution=institution, months=12, actor=outsider)
    with pytest.raises(ValidationFailed) as refused_months:
        set_retention(institution=other_institution, months=0, actor=outsider)
    assert set(refused_months.value.errors) == {"months"}
