"""The daily digest of pending approvals under frozen time: one mail a day to each person
something waits on, listing every kind waiting for them (access requests, change
approvals, data-correction sign-offs) with their links, and only their own institution's."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import LazySettings, settings

from hypercare.access_requests.models import ApprovalDigest
from hypercare.access_requests.services.requests import decide_access_request
from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.approvals import services
from hypercare.approvals.selectors import people_waited_on
from hypercare.approvals.services import send_approval_digests
from hypercare.celery import app
from hypercare.changes.choices import Decision as ChangeDecision
from hypercare.changes.services.approvals import decide_change
from hypercare.corrections.choices import Decision
from hypercare.corrections.services import decide_sign_off
from hypercare.jobs import JOBS
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from tests import factories
from tests.access_requests import builders
from tests.approvals.conftest import Waits
from tests.web.conftest import signed_in

SITE = settings.SITE_URL


def _digests() -> dict[str, OutboxMessage]:
    """Today's digests by recipient's username; a second one to anyone fails the test."""
    mails = OutboxMessage.objects.filter(event=NotificationEvent.APPROVALS_DIGEST)
    found = {
        mail.recipient.username: mail
        for mail in mails.select_related("recipient")
        if mail.recipient is not None
    }
    assert len(found) == mails.count()
    return found


def _listed(waits: Waits, body: str) -> set[str]:
    return {ref for side in ("north", "south") for ref in waits.references(side) if ref in body}


def test_each_person_waited_on_gets_one_digest_and_nobody_else(
    waits: Waits, institution: Institution
) -> None:
    """Approvers with nothing waiting (a data owner nobody named, the owner of a module
    no change touches) get none."""
    factories.user(Role.DATA_OWNER, institution=institution, username="otto")
    hr_owner = factories.user(Role.MODULE_OWNER, institution=institution, username="hari")
    factories.module(institution, ModuleCode.HR).owners.add(hr_owner)

    assert send_approval_digests() == {"digests": 6}

    assert set(_digests()) == {"aoife", "rao", "dora", "sade", "sol", "meera"}


def test_the_approval_owner_reads_their_institutions_access_requests(waits: Waits) -> None:
    send_approval_digests()
    body = _digests()["aoife"].body

    request = waits.access["north"]
    assert _listed(waits, body) == {request.reference}
    assert "Access requests to approve or reject:" in body
    assert "Person at northfield" in body
    assert f"{SITE}/portal/access-requests/{request.pk}/" in body
    assert f"All of them: {SITE}/portal/approvals/" in body


def test_the_module_owner_reads_the_change_approvals_waiting_for_them(waits: Waits) -> None:
    send_approval_digests()
    body = _digests()["rao"].body

    change = waits.changes["north"]
    assert _listed(waits, body) == {change.reference}
    assert "Change requests to approve or reject:" in body
    assert (
        "approval for Finance/Accounts at Northfield University, low risk, planned from Mon 7 Dec"
        in body
    )
    assert f"{SITE}/changes/{change.pk}/" in body
    assert "Access requests" not in body
    assert "Data corrections" not in body


def test_the_support_manager_reads_the_changes_no_module_owner_decides(waits: Waits) -> None:
    send_approval_digests()
    body = _digests()["meera"].body

    change = waits.changes["south"]
    assert _listed(waits, body) == {change.reference}
    assert "approval for Finance/Accounts at Southbank College, low risk" in body
    assert f"All of them: {SITE}/changes/approvals/" in body


def test_the_data_owner_reads_the_corrections_waiting_for_their_sign_off(waits: Waits) -> None:
    send_approval_digests()
    body = _digests()["dora"].body

    ticket = waits.corrections["north"]
    assert _listed(waits, body) == {ticket.reference}
    assert "Data corrections to sign off:" in body
    assert "version 1 of the correction record, your sign-off asked on Thu 3 Dec 2026" in body
    assert f"{SITE}/portal/tickets/{ticket.pk}/correction/decision/" in body


def test_the_links_lead_to_the_pages_where_each_is_decided(waits: Waits) -> None:
    send_approval_digests()
    for person in ("north_approver", "north_module_owner", "north_data_owner", "manager"):
        user = waits.people[person]
        lines = _digests()[user.username].body.splitlines()
        links = [line.strip() for line in lines if f"{SITE}/portal/" in line]
        links += [line.strip() for line in lines if f"{SITE}/changes/" in line]
        assert len(links) == 2
        page = signed_in(user)
        for link in links:
            address = link.removeprefix("All of them: ").removeprefix(SITE)
            assert page.get(address).status_code == 200, (person, address)


def test_no_digest_ever_lists_another_institutions_items(waits: Waits) -> None:
    send_approval_digests()
    digests = _digests()

    for username in ("aoife", "rao", "dora"):
        assert not _listed(waits, digests[username].body) & waits.references("south")
    for username in ("sade", "sol"):
        assert _listed(waits, digests[username].body) <= waits.references("south")
        assert "Northfield" not in digests[username].body


def test_owning_another_institutions_module_puts_nothing_of_it_in_the_digest(
    waits: Waits, other_institution: Institution
) -> None:
    """Ownership across institutions grants nothing: Southbank's Finance change still
    waits for the support manager, not for Northfield's module owner."""
    owner = waits.people["north_module_owner"]
    factories.module(other_institution, ModuleCode.FINANCE).owners.add(owner)
    send_approval_digests()
    digests = _digests()

    assert _listed(waits, digests["rao"].body) == {waits.changes["north"].reference}
    assert waits.changes["south"].reference in digests["meera"].body


def test_one_person_with_every_kind_waiting_gets_one_mail_listing_all(waits: Waits) -> None:
    """Northfield's data owner also owns Finance and approves access: one digest, three
    lists, each only of Northfield's."""
    person = waits.people["north_data_owner"]
    RoleGrant.objects.create(user=person, role=Role.APPROVAL_OWNER)
    RoleGrant.objects.create(user=person, role=Role.MODULE_OWNER)
    factories.module(person.institution, ModuleCode.FINANCE).owners.add(person)  # type: ignore[arg-type]
    send_approval_digests()
    mail = _digests()["dora"]

    assert _listed(waits, mail.body) == waits.references("north")
    assert mail.subject == "Approvals waiting for you on 2026-12-03: 3"
    assert "3 waiting for your decision." in mail.body
    assert ApprovalDigest.objects.get(approver=person).pending == 3


def test_nobody_gets_an_empty_digest(waits: Waits, agent: User) -> None:
    """Once everything is decided, nobody is mailed, idle approvers least of all."""
    people = waits.people
    idle = builders.approval_owner(people["south_approver"].institution, username="idle")  # type: ignore[arg-type]
    decide_access_request(
        request=waits.access["north"], actor=people["north_approver"], approve=True
    )
    decide_access_request(
        request=waits.access["south"], actor=people["south_approver"], approve=True
    )
    for side, approver in (("north", "north_module_owner"), ("south", "manager")):
        decide_change(
            change=waits.changes[side], actor=people[approver], decision=ChangeDecision.APPROVED
        )
    for side in ("north", "south"):
        decide_sign_off(
            ticket=waits.corrections[side],
            actor=people[f"{side}_data_owner"],
            decision=Decision.SIGNED_OFF,
        )

    assert send_approval_digests() == {"digests": 0}
    assert _digests() == {}
    assert not ApprovalDigest.objects.filter(approver=idle).exists()


def test_the_digest_goes_once_a_day_from_its_hour(waits: Waits, settings: LazySettings) -> None:
    settings.HYPERCARE_APPROVAL_DIGEST_HOUR = 10
    assert send_approval_digests() == {"digests": 0}
    with time_machine.travel(datetime(2026, 12, 3, 10, 5, tzinfo=UTC), tick=False):
        assert send_approval_digests() == {"digests": 6}
        assert send_approval_digests() == {"digests": 0}
    with time_machine.travel(datetime(2026, 12, 3, 23, 55, tzinfo=UTC), tick=False):
        assert send_approval_digests() == {"digests": 0}
    with time_machine.travel(datetime(2026, 12, 4, 10, 5, tzinfo=UTC), tick=False):
        assert send_approval_digests() == {"digests": 6}

    mails = OutboxMessage.objects.filter(event=NotificationEvent.APPROVALS_DIGEST)
    assert mails.filter(recipient=waits.people["north_module_owner"]).count() == 2


def test_a_second_worker_that_read_the_same_people_sends_nothing_more(
    waits: Waits, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers may both find the same people before either claims them: the unique
    row of each person's day lets only one send."""
    everyone = people_waited_on()
    send_approval_digests()
    monkeypatch.setattr(services, "_not_yet_told", lambda day: everyone)

    assert send_approval_digests() == {"digests": 0}
    assert len(_digests()) == 6


def test_both_job_engines_run_the_same_digest_and_share_its_claims(waits: Waits) -> None:
    """Celery beat's task and the embedded worker's job: whichever runs first sends
    the day's digests, the other sends nothing more."""
    assert app.tasks["hypercare.approval_digest"].apply().get() == {"digests": 6}
    assert JOBS["approval_digest"].function() == {"digests": 0}
    with time_machine.travel(datetime(2026, 12, 4, 9, 0, tzinfo=UTC), tick=False):
        assert JOBS["approval_digest"].function() == {"digests": 6}
        assert app.tasks["hypercare.approval_digest"].apply().get() == {"digests": 0}
