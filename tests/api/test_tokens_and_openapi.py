from django.test import Client

from hypercare.accounts.models import ApiToken, User
from tests.api.conftest import ApiClient
from tests.api.contract import ContractClient


def test_token_lifecycle(api_as: type[ApiClient], agent: User) -> None:
    client = api_as(agent)
    created = client.post("/tokens", {"name": "reporting script"})
    assert created.status_code == 201
    plain = created.json()["token"]
    stored = ApiToken.objects.get(pk=created.json()["id"])
    assert plain not in (stored.digest, stored.prefix)

    raw = ContractClient()
    headers = {"Authorization": f"Bearer {plain}"}
    assert raw.get("/api/v1/me", headers=headers).json()["username"] == agent.username
    listed = client.get("/tokens").json()
    assert "token" not in listed[0]
    assert client.delete(f"/tokens/{stored.pk}").json()["revoked_at"] is not None
    assert raw.get("/api/v1/me", headers=headers).status_code == 401


def test_cannot_revoke_someone_elses_token(
    api_as: type[ApiClient], agent: User, requester: User
) -> None:
    theirs = api_as(agent).post("/tokens", {"name": "mine"}).json()["id"]
    assert api_as(requester).delete(f"/tokens/{theirs}").status_code == 404
    assert ApiToken.objects.get(pk=theirs).revoked_at is None


def test_openapi_document_lists_the_api(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/tickets", "/api/v1/tickets/{ticket_ref}/replies", "/api/v1/institutions"):
        assert path in document["paths"]
    assert document["info"]["title"] == "Hypercare API"


def test_me_shows_roles(api_as: type[ApiClient], requester: User) -> None:
    me = api_as(requester).get("/me").json()
    assert me["roles"] == ["requester"]
    assert me["institution_id"] == requester.institution_id


def test_api_docs_load_assets_locally(client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "https://" not in html.split("<body")[0]
