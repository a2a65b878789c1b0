"""The people and invitations endpoints: an institution admin's own institution only,
institution roles only, and the declared answers when refused."""

from typing import Any

import pytest
from django.core import mail

from hypercare.accounts.choices import Role
from hypercare.accounts.models import Invitation, User
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


def test_an_admin_lists_their_institutions_people_only(
    admin: User, requester: User, outsider: User
) -> None:
    answer = ApiClient(admin).get("/people")
    assert answer.status_code == 200
    listed = {person["username"]: person for person in answer.json()["results"]}
    assert set(listed) == {"ines", "riya"}
    assert listed["riya"]["roles"] == ["requester"]
    assert listed["riya"]["last_login"] is None


@pytest.mark.parametrize("persona", ["requester", "key_user", "agent"])
def test_only_institution_admins_reach_the_people_endpoints(
    persona: str, requester: User, request: pytest.FixtureRequest
) -> None:
    api = ApiClient(request.getfixturevalue(persona))
    answers = [
        api.get("/people"),
        api.get("/invitations"),
        api.post("/invitations", {"email": "x@northfield.edu", "roles": ["requester"]}),
        api.put(f"/people/{requester.pk}/roles", {"roles": ["key_user"]}),
        api.post(f"/people/{requester.pk}/deactivate"),
    ]
    assert [answer.status_code for answer in answers] == [403] * 5


def test_an_admin_invites_and_sees_the_invitation(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    api = ApiClient(admin)
    body = {"email": "nia@northfield.edu", "first_name": "Nia", "roles": ["key_user"]}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/invitations", body)
    assert created.status_code == 201
    assert "token" not in created.json()
    assert mail.outbox[-1].to == ["nia@northfield.edu"]
    listed = api.get("/invitations").json()["results"]
    assert [(one["email"], one["roles"]) for one in listed] == [
        ("nia@northfield.edu", ["key_user"])
    ]


def test_a_support_role_is_refused_on_the_roles_field(admin: User, requester: User) -> None:
    api = ApiClient(admin)
    invite = api.post("/invitations", {"email": "x@northfield.edu", "roles": ["tier2"]})
    change = api.put(f"/people/{requester.pk}/roles", {"roles": ["admin"]})
    for answer in (invite, change):
        assert answer.status_code == 422
        assert [error["field"] for error in answer.json()["errors"]] == ["roles"]
    requester.refresh_from_db()
    assert requester.roles == {"requester"}
    assert not Invitation.objects.exists()


def test_an_admin_changes_roles_and_deactivates_through_the_api(
    admin: User, requester: User
) -> None:
    api = ApiClient(admin)
    changed = api.put(f"/people/{requester.pk}/roles", {"roles": ["requester", "data_owner"]})
    assert changed.status_code == 200
    assert changed.json()["roles"] == ["data_owner", "requester"]
    assert api.post(f"/people/{requester.pk}/deactivate").json()["is_active"] is False
    assert api.post(f"/people/{requester.pk}/reactivate").json()["is_active"] is True


def test_the_last_admin_and_self_deactivation_are_refused(admin: User) -> None:
    api = ApiClient(admin)
    assert api.put(f"/people/{admin.pk}/roles", {"roles": ["requester"]}).status_code == 409
    assert api.post(f"/people/{admin.pk}/deactivate").status_code == 403
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.roles == {"institution_admin"}


def test_another_institutions_admin_gets_404_for_northfields_people_and_invitations(
    admin: User, requester: User, outsider: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ApiClient(admin).post(
            "/invitations", {"email": "nia@northfield.edu", "roles": ["requester"]}
        )
    invitation = Invitation.objects.get()
    api = ApiClient(outsider)
    answers = [
        api.put(f"/people/{requester.pk}/roles", {"roles": ["institution_admin"]}),
        api.post(f"/people/{requester.pk}/deactivate"),
        api.post(f"/people/{requester.pk}/reactivate"),
        api.post(f"/invitations/{invitation.pk}/resend"),
        api.delete(f"/invitations/{invitation.pk}"),
    ]
    assert [answer.status_code for answer in answers] == [404] * 5
    assert api.get("/invitations").json()["results"] == []
    assert "riya" not in str(api.get("/people").json())
    requester.refresh_from_db()
    assert requester.is_active
    assert requester.roles == {"requester"}


def test_revoking_twice_is_a_conflict(admin: User) -> None:
    api = ApiClient(admin)
    created = api.post("/invitations", {"email": "nia@northfield.edu", "roles": ["requester"]})
    pk = created.json()["id"]
    assert api.delete(f"/invitations/{pk}").status_code == 200
    assert api.delete(f"/invitations/{pk}").status_code == 409
    assert api.post(f"/invitations/{pk}/resend").status_code == 409
