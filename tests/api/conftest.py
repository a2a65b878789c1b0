from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.accounts.services import issue_token
from tests.api.contract import ContractClient


class ApiClient:
    """A test client that speaks JSON to /api/v1/ with a personal access token; every
    answer is checked against the OpenAPI document (``ContractClient``)."""

    def __init__(self, user: User | None) -> None:
        self._client = ContractClient()
        self._headers: dict[str, str] = {}
        if user is not None:
            _, plain = issue_token(user=user, name="tests")
            self._headers["Authorization"] = f"Bearer {plain}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._client.get(f"/api/v1{path}", params or {}, headers=self._headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self._client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self._headers
        )

    def put(self, path: str, body: Any = None) -> Any:
        return self._client.put(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self._headers
        )

    def patch(self, path: str, body: Any = None) -> Any:
        return self._client.patch(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self._headers
        )

    def upload(self, path: str, name: str, content: bytes, **fields: Any) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {"file": SimpleUploadedFile(name, content), **fields}
        return self._client.post(f"/api/v1{path}", data, headers=self._headers)

    def delete(self, path: str) -> Any:
        return self._client.delete(f"/api/v1{path}", headers=self._headers)


@pytest.fixture
def api_as() -> type[ApiClient]:
    return ApiClient
