"""Every API answer a test sees is held to the OpenAPI document.

``ContractClient`` is Django's test client with one addition: each answer from
``/api/v1/`` must have a status code the document declares for the operation that gave
it, and every error answer must have the one error shape. A test that provokes an answer
the document does not promise fails, whatever it asserts itself.
"""

import json
import re
from functools import cache
from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import Resolver404, resolve

from hypercare.api.common import ErrorOut
from hypercare.api.site import api

API_ROOT = "/api/v1/"
# Ninja's own pages: the document itself and its viewer are not operations of it.
DOCUMENT_VIEWS = {"openapi-json", "openapi-view"}
# A Django route parameter, ``<name>`` or ``<converter:name>``, as OpenAPI writes it.
ROUTE_PARAMETER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document as clients read it (JSON: status codes are strings). Shared:
    a test that changes it must take a copy."""
    return dict(json.loads(json.dumps(api.get_openapi_schema())))


def operation_for(method: str, path: str) -> dict[str, Any] | None:
    """The document's operation that answers ``method`` on ``path``; None for the
    document's own pages. Fails when the path or method is not in the document."""
    try:
        match = resolve(path)
    except Resolver404:
        raise AssertionError(f"{method} {path} is no operation of the API") from None
    if match.url_name in DOCUMENT_VIEWS:
        return None
    template = "/" + ROUTE_PARAMETER.sub(r"{\1}", match.route)
    operations = document()["paths"].get(template, {})
    assert method.lower() in operations, f"{method} {template} is not in the OpenAPI document"
    return dict(operations[method.lower()])


def check_declared(method: str, path: str, response: HttpResponseBase) -> None:
    """``response`` is an answer the document declares for ``method`` on ``path``."""
    operation = operation_for(method, path)
    if operation is None:
        return
    declared = sorted(int(status) for status in operation["responses"])
    assert response.status_code in declared, (
        f"{method} {path} answered {response.status_code}, but the OpenAPI document "
        f"declares only {declared}: {getattr(response, 'content', b'')[:300]!r}"
    )
    if response.status_code >= 400 and isinstance(response, HttpResponse):
        ErrorOut.model_validate_json(response.content)


class ContractClient(Client):
    """Django's test client; answers from the API are checked against its document."""

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        path = request["PATH_INFO"]
        if path.startswith(API_ROOT):
            check_declared(request["REQUEST_METHOD"], path, response)
        return response
