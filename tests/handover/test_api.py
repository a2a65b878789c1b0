from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.handover.content import HandoverText
from hypercare.handover.services import save_handover
from hypercare.handover.steady_state import record_scorecards
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, first_name="Ines")


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, first_name="Meera")


def test_before_the_first_save_the_record_is_the_desks_records(
    institution: Institution, admin: User
) -> None:
    answer = ApiClient(admin).get(f"/institutions/{institution.pk}/handover")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["version"], body["signed"], body["saved_by"]) == (0, False, None)
    assert body["content"]["institution_admins"][0]["name"] == "Ines"
    assert "Backup expectations not written: how often" in body["gaps"]


def test_save_sign_and_read_the_versions(
    institution: Institution, admin: User, manager: User
) -> None:
    base = f"/institutions/{institution.pk}/handover"
    saved = ApiClient(manager).put(
        base,
        {"read_version": 0, "backup_what": "DB", "backup_frequency": "Nightly",
         "restore_time": "4h", "open_risks": ["Payroll"]},
    )  # fmt: skip
    assert saved.status_code == 200
    assert saved.json()["version"] == 1
    signed = ApiClient(admin).post(f"{base}/sign-off", {"side": "institution", "version": 1})
    assert signed.json()["institution_sign_off"]["by"]["name"] == "Ines"
    done = ApiClient(manager).post(f"{base}/sign-off", {"side": "desk", "version": 1})
    assert done.json()["signed"] is True
    again = ApiClient(admin).put(base, {"read_version": 1, "notes": "More"})
    assert (again.json()["version"], again.json()["signed"]) == (2, False)
    versions = ApiClient(admin).get(f"{base}/versions").json()
    assert [(row["version"], row["signed"]) for row in versions] == [(2, False), (1, True)]


def test_conflicts_and_bad_input_are_answered_by_name(
    institution: Institution, admin: User, manager: User
) -> None:
    base = f"/institutions/{institution.pk}/handover"
    api = ApiClient(manager)
    assert api.post(f"{base}/sign-off", {"side": "desk", "version": 1}).status_code == 409
    api.put(base, {"read_version": 0})
    assert api.put(base, {"read_version": 0}).status_code == 409
    refused = api.put(base, {"read_version": 1, "restore_time": "a\nb", "colour": "red"})
    assert refused.status_code == 422
    fields = {row["field"] for row in refused.json()["errors"]}
    assert {"restore_time", "colour"} <= fields
    wrong_side = api.post(f"{base}/sign-off", {"side": "both", "version": 1})
    assert wrong_side.status_code == 422
    assert api.get("/institutions/999999/handover").status_code == 404


def _queries(api: ApiClient, path: str) -> int:
    api.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


def test_versions_and_scorecards_cost_the_same_queries_however_many(
    institution: Institution, admin: User, manager: User
) -> None:
    api = ApiClient(manager)
    versions = f"/institutions/{institution.pk}/handover/versions"
    scorecard = f"/institutions/{institution.pk}/exit-scorecard"
    save_handover(institution=institution, actor=manager, text=HandoverText(), read_version=0)
    record_scorecards(now=NOW)
    few = (_queries(api, versions), _queries(api, scorecard))
    for number in range(1, 5):
        save_handover(
            institution=institution, actor=admin, text=HandoverText(), read_version=number
        )
        record_scorecards(now=NOW + timedelta(days=number))
    assert (_queries(api, versions), _queries(api, scorecard)) == few
