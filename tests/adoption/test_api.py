from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.adoption.models import ModuleUsage
from hypercare.orgs.models import Institution, Module
from tests import factories
from tests.api.conftest import ApiClient

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("db")


def _path(institution: Institution) -> str:
    return f"/institutions/{institution.pk}/module-usage"


@time_machine.travel(NOW, tick=False)
def test_a_feed_sends_usage_and_a_resend_replaces_it(institution: Institution, agent: User) -> None:
    api = ApiClient(agent)
    rows = [
        {"module": "finance", "day": "2026-11-15", "active_users": 12},
        {"module": "fees", "day": "2026-11-15", "active_users": 3},
    ]
    first = api.post(_path(institution), rows)
    assert first.status_code == 200
    assert first.json() == {"institution_id": institution.pk, "created": 2, "updated": 0}
    again = api.post(_path(institution), [{**rows[0], "active_users": 14}])
    assert again.json() == {"institution_id": institution.pk, "created": 0, "updated": 1}
    assert ModuleUsage.objects.get(module__code="finance").active_users == 14


@time_machine.travel(NOW, tick=False)
def test_bad_rows_are_refused_by_position_and_field(institution: Institution, agent: User) -> None:
    api = ApiClient(agent)
    schema = api.post(
        _path(institution), [{"module": "finance", "day": "soon", "active_users": -1}]
    )
    assert schema.status_code == 422
    assert {error["field"] for error in schema.json()["errors"]} == {"0.day", "0.active_users"}
    rows = [
        {"module": "finance", "day": "2026-11-15", "active_users": 1},
        {"module": "canteen", "day": "2026-11-20", "active_users": 1},
    ]
    service = api.post(_path(institution), rows)
    assert service.status_code == 422
    assert {error["field"] for error in service.json()["errors"]} == {"1.module", "1.day"}
    assert not ModuleUsage.objects.exists()


def test_who_may_send_usage(
    institution: Institution, other_institution: Institution, requester: User
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    row = [{"module": "finance", "day": "2026-11-15", "active_users": 1}]
    assert ApiClient(None).post(_path(institution), row).status_code == 401
    assert ApiClient(admin).post(_path(institution), row).status_code == 403
    assert ApiClient(admin).post(_path(other_institution), row).status_code == 404
    assert ApiClient(requester).post(_path(institution), row).status_code == 404
    assert ApiClient(requester).post("/institutions/999999/module-usage", row).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_adoption_report_lists_live_modules_blockers_first(
    institution: Institution, agent: User
) -> None:
    Module.objects.filter(institution=institution, code__in=["finance", "fees"]).update(
        went_live_on=date(2026, 10, 1)
    )
    ApiClient(agent).post(
        _path(institution), [{"module": "finance", "day": "2026-11-15", "active_users": 30}]
    )
    manager = factories.agent(Role.SUPPORT_MANAGER)
    body = ApiClient(manager).get("/reports/adoption", {"period": "7d"}).json()
    assert [(row["module"], row["reason"], row["blocker"]) for row in body["modules"]] == [
        ("fees", "no usage data received", True),
        ("finance", "in use", False),
    ]
    assert body["usage_until"] == "2026-11-16"
    assert ApiClient(manager).get("/reports/adoption", {"colour": "red"}).status_code == 422
    assert ApiClient(agent).get("/reports/adoption").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_adoption_reports_queries_do_not_grow_with_institutions(
    institution: Institution, agent: User
) -> None:
    manager = factories.agent(Role.SUPPORT_MANAGER)
    api = ApiClient(manager)

    def queries() -> int:
        Module.objects.update(went_live_on=date(2026, 10, 1))
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/reports/adoption").status_code == 200
        return len(captured)

    queries()  # the token's first use is recorded once
    few = queries()
    for _ in range(3):
        other = factories.institution()
        ApiClient(agent).post(
            f"/institutions/{other.pk}/module-usage",
            [{"module": "fees", "day": "2026-11-15", "active_users": 9}],
        )
    assert queries() == few
