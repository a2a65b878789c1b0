import io
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.privacy.services.retention import set_retention
from tests import factories
from tests.api.conftest import ApiClient
from tests.privacy.conftest import Subject


def test_the_api_exports_a_zip_and_anonymises_with_the_typed_username(
    subject: Subject, manager: User
) -> None:
    api = ApiClient(manager)
    pk = subject.person.pk
    listed = api.get("/privacy/people", {"q": "riya sharma"}).json()
    assert [row["id"] for row in listed["results"]] == [pk]
    answer = api.post(f"/privacy/people/{pk}/export")
    assert answer.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    assert archive.read(f"files/{subject.own.reference}/{subject.attachment.pk}-receipt.png")
    refused = api.post(f"/privacy/people/{pk}/anonymise", {"confirmation": "rsharma"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "confirmation", "message": refused.json()["errors"][0]["message"]}
    ]
    done = api.post(f"/privacy/people/{pk}/anonymise", {"confirmation": "Riya Sharma"})
    assert done.json()["email"] == f"former-user-{pk}@invalid"
    again = api.post(f"/privacy/people/{pk}/anonymise", {"confirmation": f"Former user {pk}"})
    assert again.status_code == 409


def test_retention_reads_and_sets_through_the_api(institution: Institution, manager: User) -> None:
    api = ApiClient(manager)
    url = f"/privacy/retention/{institution.pk}"
    assert api.get(url).json() == {"institution_id": institution.pk, "months": None, "due": 0}
    assert api.put(url, {"months": 0}).status_code == 422
    assert api.put(url, {"months": 6}).json()["months"] == 6


def test_the_register_lists_entries_for_system_admins_only(
    subject: Subject, manager: User, system_admin: User
) -> None:
    ApiClient(manager).post(f"/privacy/people/{subject.person.pk}/export")
    assert ApiClient(manager).get("/privacy/register").status_code == 403
    entries = ApiClient(system_admin).get("/privacy/register", {"action": "export"}).json()
    assert [(row["action"], row["subject"]["id"]) for row in entries["results"]] == [
        ("export", subject.person.pk)
    ]
    assert entries["results"][0]["actor"]["username"] == "meera"


def _queries(api: ApiClient, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


def test_the_people_and_register_lists_cost_the_same_queries_for_few_and_many_rows(
    institution: Institution, manager: User, system_admin: User
) -> None:
    api, admin_api = ApiClient(manager), ApiClient(system_admin)
    api.get("/privacy/people")
    admin_api.get("/privacy/register")
    set_retention(institution=institution, months=1, actor=manager)
    few = (_queries(api, "/privacy/people"), _queries(admin_api, "/privacy/register"))
    for n in range(10):
        factories.requester(institution, username=f"many{n}")
        set_retention(institution=institution, months=n + 2, actor=manager)
    many = (_queries(api, "/privacy/people"), _queries(admin_api, "/privacy/register"))
    assert few == many
