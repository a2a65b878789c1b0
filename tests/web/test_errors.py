import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from hypercare.accounts.models import User
from hypercare.urls import urlpatterns as real_urlpatterns
from tests.web.conftest import signed_in


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("database exploded: secret detail")


urlpatterns = [path("broken/", broken), *real_urlpatterns]
handler500 = "hypercare.web.errors.server_error"
handler404 = "hypercare.web.errors.page_not_found"


def test_unknown_page_is_a_styled_404(requester_client: Client) -> None:
    response = requester_client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "We couldn&#x27;t find that" in page or "We couldn't find that" in page
    assert "hypercare.css" in page


@override_settings(ROOT_URLCONF="tests.web.test_errors", DEBUG=False)
def test_server_error_is_a_styled_500_without_a_trace(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret detail" not in page
    assert "Traceback" not in page


def test_csrf_is_enforced_on_web_forms(requester: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(requester)
    assert client.post("/logout/").status_code == 403


@pytest.mark.parametrize("url", ["/portal/", "/desk/", "/portal/report/", "/desk/saved-replies/"])
def test_signed_out_visitors_are_asked_to_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response["Location"] == f"/login/?next={url}"


def test_csrf_failure_page_is_in_the_products_style(requester: User) -> None:
    client = signed_in(requester)
    client.handler.enforce_csrf_checks = True
    response = client.post("/portal/report/", {"title": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "reload the page and try again" in html
    assert "CSRF verification failed" not in html
