"""Every page carries a Content-Security-Policy, and no page needs inline script or style."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, override_settings

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.attachments import add_attachment
from tests import factories
from tests.web.conftest import png_file, signed_in

DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}
TEMPLATES = sorted((Path(settings.BASE_DIR) / "hypercare" / "web").glob("**/templates/**/*.html"))
# Script elements without a source run inline; a JSON data block (the API docs') does not run.
INLINE = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")|<style|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def assert_policy(response: HttpResponseBase) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert {part.strip() for part in policy.split(";")} >= DIRECTIVES, policy
    assert "unsafe" not in policy
    if isinstance(response, HttpResponse) and response["Content-Type"].startswith("text/html"):
        assert INLINE.findall(response.content.decode()) == []


@pytest.mark.parametrize(
    "url", ["/login/", "/password-reset/", "/api/v1/docs", "/no/such/page/", "/admin/login/"]
)
def test_pages_for_visitors_carry_the_policy(db: None, url: str) -> None:
    assert_policy(Client().get(url))


@pytest.mark.parametrize(
    "url", ["/portal/", "/portal/report/", "/portal/tickets/{pk}/", "/no/such/page/"]
)
def test_portal_pages_carry_the_policy(requester: User, ticket: Ticket, url: str) -> None:
    response = signed_in(requester).get(url.format(pk=ticket.pk))
    assert response.status_code in (200, 404)
    assert_policy(response)


@pytest.mark.parametrize(
    "url", ["/desk/?queue=all", "/desk/tickets/{pk}/", "/desk/saved-replies/", "/desk/escalations/"]
)
def test_desk_pages_carry_the_policy(agent: User, ticket: Ticket, url: str) -> None:
    response = signed_in(agent).get(url.format(pk=ticket.pk))
    assert response.status_code == 200
    assert_policy(response)


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/tickets/ticket/", "/admin/orgs/team/add/", "/api/v1/docs"]
)
def test_admin_pages_and_api_docs_carry_the_policy(db: None, url: str) -> None:
    response = signed_in(factories.user(Role.ADMIN, username="sysadmin")).get(url)
    assert response.status_code == 200
    assert_policy(response)


def test_refusals_carry_the_policy(requester: User) -> None:
    nobody = User.objects.create_user(username="norole", password=factories.PASSWORD)
    assert_policy(signed_in(nobody).get("/"))
    client = signed_in(requester)
    client.handler.enforce_csrf_checks = True
    assert_policy(client.post("/portal/report/", {"title": "x"}))


@override_settings(ROOT_URLCONF="tests.web.test_errors", DEBUG=False)
def test_the_server_error_page_carries_the_policy(db: None) -> None:
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert_policy(response)


def test_an_attachment_keeps_its_stricter_policy(requester: User, ticket: Ticket) -> None:
    attachment = add_attachment(ticket=ticket, actor=requester, name="s.png", content=png_file())
    response = signed_in(requester).get(f"/attachments/{attachment.pk}/")
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    assert INLINE.findall(template.read_text()) == []


def test_htmx_is_told_not_to_add_its_inline_indicator_style() -> None:
    layout = Path(settings.BASE_DIR) / "hypercare/web/templates/web/layout.html"
    assert '"includeIndicatorStyles":false' in layout.read_text()
