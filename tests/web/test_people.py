"""The portal's People pages for an institution admin, the invitee's link page, and the
bulk invite from a CSV file."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.invitations import InvitationDetails, invite_person
from hypercare.accounts.models import Invitation, User
from hypercare.audit.models import AuditEntry
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in

PASSWORD = "a-long enough passphrase 7"


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(
        Role.INSTITUTION_ADMIN, institution=institution, username="ines", first_name="Ines"
    )


def _token(body: str) -> str:
    found = re.search(r"/invitations/([^/\s]+)/", body)
    assert found is not None
    return found[1]


def _invited(admin: User, capture: Any, email: str = "nia@northfield.edu") -> str:
    with capture(execute=True):
        invite_person(actor=admin, details=InvitationDetails(email=email, roles=["requester"]))
    return _token(str(mail.outbox[-1].body))


def test_the_people_page_lists_the_institutions_people_with_their_last_sign_in(
    admin: User, requester: User, colleague: User, outsider: User
) -> None:
    User.objects.filter(pk=requester.pk).update(last_login=clock.now() - timedelta(days=2))
    page = signed_in(admin).get("/portal/people/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Riya" in text
    assert requester.email in text
    assert outsider.email not in text
    assert colleague.email in text
    assert "Never" in text
    assert 'href="/portal/people/"' in text  # the navigation offers it


@pytest.mark.parametrize("persona", ["requester", "key_user"])
def test_the_people_pages_do_not_exist_for_others_of_the_institution(
    persona: str, request: pytest.FixtureRequest
) -> None:
    client = signed_in(request.getfixturevalue(persona))
    answer = client.get("/portal/people/")
    assert answer.status_code == 404
    assert 'href="/portal/people/"' not in client.get("/portal/").content.decode()


def test_support_staff_are_sent_to_their_workspace(agent: User) -> None:
    assert signed_in(agent).get("/portal/people/").status_code == 302


def test_an_admin_invites_from_the_page(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    data = {"email": "nia@northfield.edu", "first_name": "Nia", "roles": ["key_user"]}
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in(admin).post("/portal/people/", data)
    assert answer.status_code == 302
    assert mail.outbox[-1].to == ["nia@northfield.edu"]
    assert Invitation.objects.get().roles == ["key_user"]


def test_a_support_role_cannot_be_chosen_on_the_page(admin: User) -> None:
    answer = signed_in(admin).post("/portal/people/", {"email": "x@n.edu", "roles": ["tier1"]})
    assert answer.status_code == 422
    assert not Invitation.objects.exists()
    assert "Tier 1" not in answer.content.decode()  # never offered


def test_an_admin_changes_roles_and_deactivates_on_the_person_page(
    admin: User, requester: User
) -> None:
    client = signed_in(admin)
    page = client.get(f"/portal/people/{requester.pk}/")
    assert page.status_code == 200
    answer = client.post(f"/portal/people/{requester.pk}/", {"roles": ["key_user", "requester"]})
    assert answer.status_code == 302
    requester.refresh_from_db()
    assert requester.roles == {"key_user", "requester"}
    client.post(f"/portal/people/{requester.pk}/active/", {"active": "no"})
    requester.refresh_from_db()
    assert not requester.is_active
    assert signed_in(requester).get("/portal/").status_code == 302  # signed out
    client.post(f"/portal/people/{requester.pk}/active/", {"active": "yes"})
    requester.refresh_from_db()
    assert requester.is_active


def test_the_person_page_refuses_a_support_role_and_the_last_admins_demotion(
    admin: User, requester: User
) -> None:
    client = signed_in(admin)
    refused = client.post(f"/portal/people/{requester.pk}/", {"roles": ["support_manager"]})
    assert refused.status_code == 422
    demoted = client.post(f"/portal/people/{admin.pk}/", {"roles": ["requester"]})
    assert demoted.status_code == 409
    assert "last active admin" in demoted.content.decode()
    itself = client.post(f"/portal/people/{admin.pk}/active/", {"active": "no"})
    assert itself.status_code == 403
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.roles == {"institution_admin"}


def test_another_institutions_admin_reaches_none_of_northfields_people_or_invitations(
    admin: User, requester: User, outsider: User, django_capture_on_commit_callbacks: Any
) -> None:
    _invited(admin, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    client = signed_in(outsider)
    answers = [
        client.get(f"/portal/people/{requester.pk}/"),
        client.post(f"/portal/people/{requester.pk}/", {"roles": ["institution_admin"]}),
        client.post(f"/portal/people/{requester.pk}/active/", {"active": "no"}),
        client.post(f"/portal/invitations/{invitation.pk}/resend/"),
        client.post(f"/portal/invitations/{invitation.pk}/revoke/"),
    ]
    assert [answer.status_code for answer in answers] == [404] * 5
    assert "nia@northfield.edu" not in client.get("/portal/people/").content.decode()
    requester.refresh_from_db()
    invitation.refresh_from_db()
    assert requester.is_active
    assert requester.roles == {"requester"}
    assert invitation.is_open
    assert len(mail.outbox) == 1


def test_re_sending_and_revoking_from_the_page(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    old = _invited(admin, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    client = signed_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/portal/invitations/{invitation.pk}/resend/").status_code == 302
    new = _token(str(mail.outbox[-1].body))
    assert new != old
    assert client.post(f"/portal/invitations/{invitation.pk}/revoke/").status_code == 302
    page = Client().get(f"/invitations/{new}/")
    assert "withdrawn" in page.content.decode()
    assert f'id="invitation-{invitation.pk}"' not in client.get("/portal/people/").content.decode()
    assert client.post(f"/portal/invitations/{invitation.pk}/revoke/").status_code == 409


def test_the_invitee_sets_name_and_password_and_signs_in(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invited(admin, django_capture_on_commit_callbacks)
    visitor = Client()
    assert "Join" in visitor.get(f"/invitations/{token}/").content.decode()
    mismatch = {"first_name": "Nia", "last_name": "Obi", "password": PASSWORD}
    assert visitor.post(f"/invitations/{token}/", mismatch).status_code == 422
    answer = visitor.post(f"/invitations/{token}/", {**mismatch, "password_again": PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"] == "/login/"
    signed = visitor.post("/login/", {"login": "nia@northfield.edu", "password": PASSWORD})
    assert signed.status_code == 302
    again = Client().get(f"/invitations/{token}/")
    assert again.status_code == 200
    assert "already been used" in again.content.decode()
    granted = AuditEntry.objects.get(person__email="nia@northfield.edu", action="granted")
    assert (granted.actor, granted.channel) == (admin, "web")


def test_an_expired_or_unknown_link_says_so_on_a_page(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invited(admin, django_capture_on_commit_callbacks)
    with time_machine.travel(clock.now() + timedelta(days=8)):
        expired = Client().get(f"/invitations/{token}/")
        posted = Client().post(
            f"/invitations/{token}/",
            {"first_name": "N", "last_name": "O", "password": PASSWORD, "password_again": PASSWORD},
        )
    assert "expired" in expired.content.decode()
    assert "expired" in posted.content.decode()
    assert "not valid" in Client().get("/invitations/x/").content.decode()
    assert not User.objects.filter(email="nia@northfield.edu").exists()


CSV = (
    "email,first name,last name,roles\n"
    "ana@northfield.edu,Ana,Ito,Requester\n"
    "bad-address,Bo,Li,Requester\n"
    "cy@northfield.edu,Cy,Ng,Tier 1 analyst\n"
)


def test_a_csv_is_previewed_with_each_rows_problems_then_the_valid_rows_invited(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(admin)
    upload = SimpleUploadedFile("people.csv", CSV.encode(), content_type="text/csv")
    preview = client.post("/portal/people/bulk/", {"file": upload})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "1 of 3 rows can be invited" in text
    assert "is not a valid email address" in text
    assert "support roles belong to the desk" in text
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/portal/people/bulk/", {"csv": CSV, "confirm": "yes"})
    assert sent.status_code == 302
    assert [message.to for message in mail.outbox] == [["ana@northfield.edu"]]
    assert list(Invitation.objects.values_list("email", flat=True)) == ["ana@northfield.edu"]


def test_a_confirmation_with_nothing_left_to_invite_writes_nothing(admin: User) -> None:
    tampered = "email,roles\nx@northfield.edu,System admin\n"
    answer = signed_in(admin).post("/portal/people/bulk/", {"csv": tampered, "confirm": "yes"})
    assert answer.status_code == 422
    assert "Nothing was sent" in answer.content.decode()
    assert not Invitation.objects.exists()


def test_a_file_without_the_columns_is_refused_on_the_page(admin: User) -> None:
    upload = SimpleUploadedFile("people.csv", b"name\nx\n", content_type="text/csv")
    answer = signed_in(admin).post("/portal/people/bulk/", {"file": upload})
    assert answer.status_code == 422
    assert "missing: email, roles" in answer.content.decode()


def _queries(read: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert read().status_code == 200
    return len(queries)


@time_machine.travel("2026-03-02 09:00", tick=False)
def test_the_people_lists_cost_the_same_queries_however_many_people(
    admin: User, institution: Institution
) -> None:
    page, api = signed_in(admin), ApiClient(admin)
    reads = [
        lambda: page.get("/portal/people/"),
        lambda: api.get("/people"),
        lambda: api.get("/invitations"),
    ]
    api.get("/me")  # the token's first use is stamped, then not again while time stands
    few = [_queries(read) for read in reads]
    for n in range(6):
        factories.requester(institution, username=f"extra{n}")
        details = InvitationDetails(email=f"x{n}@northfield.edu", roles=["key_user"])
        invite_person(actor=admin, details=details)
    assert [_queries(read) for read in reads] == few


def test_role_changes_from_the_portal_and_the_api_are_in_the_configuration_audit(
    admin: User, requester: User
) -> None:
    signed_in(admin).post(f"/portal/people/{requester.pk}/", {"roles": ["key_user"]})
    ApiClient(admin).put(f"/people/{requester.pk}/roles", {"roles": ["key_user", "data_owner"]})
    recorded = AuditEntry.objects.filter(
        person=requester, action__in=["granted", "revoked"]
    ).exclude(channel="shell")  # the account's own creation
    assert sorted(recorded.values_list("channel", "action", "actor_id")) == [
        ("api", "granted", admin.pk),
        ("web", "granted", admin.pk),
        ("web", "revoked", admin.pk),
    ]
