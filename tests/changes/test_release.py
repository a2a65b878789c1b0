"""Only an implemented change is in a release: planned for it, listed in its notes and
shipped with it; through the services, the API and the pages."""

import pytest
from django.utils.html import escape

from hypercare.accounts.models import User
from hypercare.changes.choices import ChangeEventKind, ChangeStatus, Decision, Outcome
from hypercare.changes.models import ChangeRequest
from hypercare.changes.release import plan_change_release
from hypercare.changes.services.approvals import decide_change
from hypercare.changes.services.records import create_change, submit_change
from hypercare.changes.services.testing import record_evidence, record_implementation
from hypercare.errors import InvalidTransition
from hypercare.orgs.models import Institution
from hypercare.releases.models import Release
from hypercare.releases.services import compile_release_notes, create_release, ship_release
from tests.api.conftest import ApiClient
from tests.changes.conftest import details
from tests.web.conftest import signed_in


@pytest.fixture
def release(manager: User) -> Release:
    return create_release(actor=manager, version="2025.4")


def _tested(change: ChangeRequest, agent: User, owner: User) -> ChangeRequest:
    submit_change(change=change, actor=agent)
    decide_change(change=change, actor=owner, decision=Decision.APPROVED)
    record_evidence(change=change, actor=agent, note="Tested in staging.")
    change.refresh_from_db()
    return change


@pytest.fixture
def implemented(change: ChangeRequest, agent: User, finance_owner: User) -> ChangeRequest:
    tested = _tested(change, agent, finance_owner)
    return record_implementation(change=tested, actor=agent, outcome=Outcome.SUCCEEDED)


@pytest.fixture
def pending(agent: User, institution: Institution) -> ChangeRequest:
    """A draft put on the release before only implemented changes were (the row as an
    older version left it)."""
    return create_change(actor=agent, details=details(institution, title="Fee rounding"))


def _planned_earlier(change: ChangeRequest, release: Release) -> None:
    ChangeRequest.objects.filter(pk=change.pk).update(release=release)


def test_an_implemented_change_is_planned_for_a_release(
    implemented: ChangeRequest, agent: User, release: Release
) -> None:
    plan_change_release(change=implemented, actor=agent, release=release)
    implemented.refresh_from_db()
    assert implemented.release == release


@pytest.mark.parametrize("step", ["draft", "tested", "rolled_back", "cancelled"])
def test_a_change_not_implemented_is_refused_a_release(
    change: ChangeRequest, agent: User, finance_owner: User, release: Release, step: str
) -> None:
    if step == "cancelled":
        ChangeRequest.objects.filter(pk=change.pk).update(status=ChangeStatus.CANCELLED)
    elif step != "draft":
        change = _tested(change, agent, finance_owner)
        if step == "rolled_back":
            record_implementation(
                change=change, actor=agent, outcome=Outcome.ROLLED_BACK, note="Undone."
            )
    change.refresh_from_db()
    assert change.status == step
    with pytest.raises(InvalidTransition) as refused:
        plan_change_release(change=change, actor=agent, release=release)
    assert change.reference in refused.value.message
    assert "Only an implemented change is in a release" in refused.value.message
    change.refresh_from_db()
    assert change.release is None
    assert not change.events.filter(kind=ChangeEventKind.RELEASE_PLANNED).exists()


def test_a_change_planned_earlier_is_kept_out_of_the_notes_and_may_be_taken_off(
    implemented: ChangeRequest,
    pending: ChangeRequest,
    agent: User,
    manager: User,
    release: Release,
) -> None:
    plan_change_release(change=implemented, actor=agent, release=release)
    _planned_earlier(pending, release)
    compile_release_notes(release=release, actor=manager)
    references = set(release.note_items.values_list("reference", flat=True))
    assert references == {implemented.reference}
    plan_change_release(change=pending, actor=agent, release=None)
    pending.refresh_from_db()
    assert pending.release is None


def test_shipping_refuses_a_release_holding_a_change_not_implemented(
    implemented: ChangeRequest,
    pending: ChangeRequest,
    agent: User,
    manager: User,
    release: Release,
) -> None:
    plan_change_release(change=implemented, actor=agent, release=release)
    _planned_earlier(pending, release)
    with pytest.raises(InvalidTransition) as refused:
        ship_release(release=release, actor=manager)
    assert f"{pending.reference} is draft" in refused.value.message
    release.refresh_from_db()
    assert release.shipped_at is None
    assert not implemented.events.filter(kind=ChangeEventKind.SHIPPED).exists()

    plan_change_release(change=pending, actor=agent, release=None)
    ship_release(release=release, actor=manager)
    assert implemented.events.filter(kind=ChangeEventKind.SHIPPED, value="2025.4").exists()
    assert not pending.events.filter(kind=ChangeEventKind.SHIPPED).exists()


def test_the_api_answers_409_for_a_change_not_implemented(
    implemented: ChangeRequest,
    pending: ChangeRequest,
    agent: User,
    manager: User,
    release: Release,
) -> None:
    desk = ApiClient(agent)
    refused = desk.put(f"/changes/{pending.pk}/release", {"release_id": release.pk})
    assert refused.status_code == 409
    assert f"{pending.reference} is draft" in refused.json()["message"]
    planned = desk.put(f"/changes/{implemented.pk}/release", {"release_id": release.pk})
    assert planned.status_code == 200
    assert planned.json()["release"]["version"] == "2025.4"
    _planned_earlier(pending, release)
    shipped = ApiClient(manager).post(f"/releases/{release.pk}/ship")
    assert shipped.status_code == 409
    assert pending.reference in shipped.json()["message"]
    taken_off = desk.put(f"/changes/{pending.pk}/release", {"release_id": None})
    assert (taken_off.status_code, taken_off.json()["release"]) == (200, None)
    assert ApiClient(manager).post(f"/releases/{release.pk}/ship").status_code == 200


def test_the_changes_page_says_why_a_release_is_refused(
    change: ChangeRequest, agent: User, release: Release
) -> None:
    desk = signed_in(agent)
    assert "Only an implemented change" not in desk.get(f"/changes/{change.pk}/").content.decode()
    answer = desk.post(f"/changes/{change.pk}/release/", {"release": release.pk})
    assert answer.status_code == 409
    html = answer.content.decode()
    assert 'aria-invalid="true"' in html
    assert escape(f"Only an implemented change is in a release: {change.reference} is draft.") in (
        html
    )
    change.refresh_from_db()
    assert change.release is None


def test_the_releases_page_refuses_shipping_and_says_which_change(
    pending: ChangeRequest, manager: User, release: Release
) -> None:
    _planned_earlier(pending, release)
    answer = signed_in(manager).post(f"/desk/releases/{release.pk}/ship/")
    assert answer.status_code == 409
    assert pending.reference in answer.content.decode()
    release.refresh_from_db()
    assert release.shipped_at is None
