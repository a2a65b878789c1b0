"""The review pack endpoints, every answer held to the OpenAPI document."""

from collections.abc import Callable
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.reports.services import build_queued_packs, create_pack_schedule, request_pack
from tests import factories
from tests.api.conftest import ApiClient

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="mona")


@pytest.fixture
def admin_of_northfield(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


def test_ask_follow_and_download_a_pack(manager: User, institution: Institution) -> None:
    api = ApiClient(manager)

    asked = api.post("/reports/packs", {"kind": "quarterly", "institution_id": institution.pk})

    assert asked.status_code == 201
    pack = asked.json()
    assert (pack["status"], pack["progress"], pack["files"]) == ("queued", 0, {})
    build_queued_packs()
    ready = api.get(f"/reports/packs/{pack['id']}").json()
    assert ready["status"] == "ready"
    assert set(ready["files"]) == {"html", "pdf", "xlsx"}
    xlsx = api.get(f"/reports/packs/{pack['id']}/files/xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    listed = api.get("/reports/packs").json()
    assert [row["id"] for row in listed["results"]] == [pack["id"]]


def test_notes_are_a_support_managers(
    manager: User, admin_of_northfield: User, institution: Institution
) -> None:
    pack = ApiClient(admin_of_northfield).post(
        "/reports/packs", {"kind": "weekly", "institution_id": institution.pk}
    )
    assert pack.status_code == 201
    path = f"/reports/packs/{pack.json()['id']}/notes"

    assert ApiClient(admin_of_northfield).put(path, {"notes": "Mine"}).status_code == 403
    written = ApiClient(manager).put(path, {"notes": "Training for AP clerks."})
    assert written.status_code == 200
    assert written.json()["notes"] == "Training for AP clerks."


def test_an_admin_may_not_ask_for_all_institutions_nor_another(
    admin_of_northfield: User, other_institution: Institution
) -> None:
    api = ApiClient(admin_of_northfield)

    assert api.post("/reports/packs", {"kind": "weekly"}).status_code == 403
    other = api.post("/reports/packs", {"kind": "weekly", "institution_id": other_institution.pk})
    assert other.status_code == 404
    assert api.post("/reports/packs", {"kind": "daily"}).status_code == 422


def test_files_of_a_pack_not_built_are_not_found(manager: User) -> None:
    api = ApiClient(manager)
    pack = api.post("/reports/packs", {"kind": "weekly"}).json()

    assert api.get(f"/reports/packs/{pack['id']}/files/pdf").status_code == 404


def test_schedules_refuse_outsiders_by_name_and_stop_once(
    manager: User, institution: Institution, requester: User, outsider: User
) -> None:
    api = ApiClient(manager)
    body = {"kind": "monthly", "institution_id": institution.pk, "weekday": 0, "at": "08:00"}

    refused = api.post("/reports/pack-schedules", {**body, "recipients": [outsider.pk]})
    saved = api.post("/reports/pack-schedules", {**body, "recipients": [requester.pk]})

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "recipients"
    assert saved.status_code == 201
    schedule = saved.json()
    assert [person["id"] for person in schedule["recipients"]] == [requester.pk]
    assert schedule["next_run_at"].startswith("2026-12-07T08:00")
    assert len(api.get("/reports/pack-schedules").json()) == 1
    stop = f"/reports/pack-schedules/{schedule['id']}/stop"
    assert api.post(stop).status_code == 200
    assert api.post(stop).status_code == 409


def _count_queries(run: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_the_pack_and_schedule_lists_take_as_many_queries_for_many(
    manager: User, institution: Institution, requester: User
) -> None:
    api = ApiClient(manager)

    def add(count: int) -> None:
        for _ in range(count):
            request_pack(actor=manager, kind="weekly", institution=institution)
            create_pack_schedule(
                actor=manager, kind="weekly", institution=institution, weekday=0,
                at=time(8), recipients=[requester],
            )  # fmt: skip

    add(2)
    api.get("/reports/packs")  # the token's first use is recorded once
    few = _count_queries(lambda: api.get("/reports/packs"))
    few_schedules = _count_queries(lambda: api.get("/reports/pack-schedules"))
    add(4)

    assert _count_queries(lambda: api.get("/reports/packs")) == few
    assert _count_queries(lambda: api.get("/reports/pack-schedules")) == few_schedules
