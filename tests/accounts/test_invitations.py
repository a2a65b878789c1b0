"""Invitations through their services: the mail and its single-use, expiring link, what
an admin may invite, re-sending and revoking, and a CSV's rows checked one by one."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from hypercare.accounts.choices import Role
from hypercare.accounts.invitation_csv import read_invitation_csv
from hypercare.accounts.invitations import (
    InvitationDetails,
    accept_invitation,
    check_invitations,
    invitation_for_token,
    invite_people,
    invite_person,
    resend_invitation,
    revoke_invitation,
)
from hypercare.accounts.models import Invitation, User
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from tests import factories

PASSWORD = "a-long enough passphrase 7"
LINK = re.compile(r"/invitations/(?P<token>[^/\s]+)/")


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


def _invite(admin: User, capture: Any, email: str = "nia@northfield.edu", **kw: Any) -> str:
    """Invite someone and answer the token their mail carries."""
    details = InvitationDetails(email=email, roles=kw.pop("roles", [Role.REQUESTER]), **kw)
    with capture(execute=True):
        invite_person(actor=admin, details=details)
    return _token_in(str(mail.outbox[-1].body))


def _token_in(body: str) -> str:
    found = LINK.search(body)
    assert found is not None
    return found["token"]


def test_an_invitation_mails_a_link_and_stores_only_its_digest(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(admin, django_capture_on_commit_callbacks, first_name="Nia")
    message = mail.outbox[-1]
    assert message.to == ["nia@northfield.edu"]
    assert "Northfield" in message.subject
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    invitation = Invitation.objects.get()
    assert token not in str(Invitation.objects.values().get())
    assert invitation.digest != token
    assert len(invitation.digest) == 64
    assert invitation.mailed_at is not None
    assert invitation_for_token(token) == invitation


def test_following_the_link_creates_the_account_with_the_chosen_roles_once(
    admin: User, institution: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    roles = [Role.REQUESTER, Role.KEY_USER]
    token = _invite(admin, django_capture_on_commit_callbacks, roles=roles)
    user = accept_invitation(token=token, first_name="Nia", last_name="Obi", password=PASSWORD)
    assert (user.username, user.institution, user.roles) == (
        "nia@northfield.edu",
        institution,
        frozenset(roles),
    )
    assert user.check_password(PASSWORD)
    assert Invitation.objects.get().user == user
    with pytest.raises(InvalidTransition, match="already been used"):
        accept_invitation(token=token, first_name="Eve", last_name="X", password=PASSWORD)
    assert User.objects.filter(email="nia@northfield.edu").count() == 1


def test_an_expired_or_revoked_link_creates_nothing(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(admin, django_capture_on_commit_callbacks)
    later = clock.now() + timedelta(days=8)
    with time_machine.travel(later), pytest.raises(InvalidTransition, match="expired"):
        accept_invitation(token=token, first_name="Nia", last_name="Obi", password=PASSWORD)
    revoke_invitation(invitation_id=Invitation.objects.get().pk, actor=admin)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        accept_invitation(token=token, first_name="Nia", last_name="Obi", password=PASSWORD)
    with pytest.raises(InvalidTransition, match="not valid"):
        accept_invitation(token="nonsense", first_name="N", last_name="O", password=PASSWORD)
    assert not User.objects.filter(email="nia@northfield.edu").exists()


def test_accepting_checks_the_names_and_the_password(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(admin, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed) as refused:
        accept_invitation(token=token, first_name="", last_name="Obi", password="nia")
    assert set(refused.value.errors) == {"first_name", "password"}
    assert Invitation.objects.get().accepted_at is None


def test_resending_replaces_the_link_and_renews_its_time(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    old = _invite(admin, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    with time_machine.travel(clock.now() + timedelta(days=10)):
        with django_capture_on_commit_callbacks(execute=True):
            resend_invitation(invitation_id=invitation.pk, actor=admin)
        new = _token_in(str(mail.outbox[-1].body))
        assert invitation_for_token(old) is None
        user = accept_invitation(token=new, first_name="Nia", last_name="Obi", password=PASSWORD)
    assert user.is_active
    with pytest.raises(InvalidTransition):
        resend_invitation(invitation_id=invitation.pk, actor=admin)


def test_an_admin_invites_only_institution_roles(admin: User) -> None:
    for roles, problem in (
        ([Role.TIER1], "support roles belong to the desk"),
        ([Role.ADMIN, Role.REQUESTER], "System admin"),
        (["wizard"], "unknown roles: wizard"),
        ([], "at least one role"),
    ):
        details = InvitationDetails(email="x@northfield.edu", roles=roles)
        with pytest.raises(ValidationFailed) as refused:
            invite_person(actor=admin, details=details)
        assert problem in refused.value.errors["roles"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.KEY_USER, Role.SUPPORT_MANAGER])
def test_only_an_institution_admin_invites(institution: Institution, role: str) -> None:
    someone = factories.user(
        role, institution=None if role == Role.SUPPORT_MANAGER else institution
    )
    details = InvitationDetails(email="x@northfield.edu", roles=[Role.REQUESTER])
    with pytest.raises(NotAllowed):
        invite_person(actor=someone, details=details)


def test_another_institutions_admin_cannot_resend_or_revoke(
    admin: User, outsider: User, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(admin, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    for change in (resend_invitation, revoke_invitation):
        with pytest.raises(NotFound):
            change(invitation_id=invitation.pk, actor=outsider)
    invitation.refresh_from_db()
    assert invitation.is_open
    assert invitation.revoked_at is None


def test_an_invitation_lands_in_the_admins_own_institution_whatever_is_sent(
    outsider: User, other_institution: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(outsider, django_capture_on_commit_callbacks, email="sol@southbank.edu")
    user = accept_invitation(token=token, first_name="Sol", last_name="Ade", password=PASSWORD)
    assert user.institution == other_institution


def test_a_known_person_or_an_open_invitation_is_not_invited_again(
    admin: User, requester: User, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(admin, django_capture_on_commit_callbacks)
    for email, problem in (
        (requester.email.upper(), "already has an account"),
        ("NIA@northfield.edu", "already has an open invitation"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            invite_person(actor=admin, details=InvitationDetails(email=email, roles=["requester"]))
        assert problem in refused.value.errors["email"]


CSV = (
    "Email,First name,Last name,Roles\n"
    "ana@northfield.edu,Ana,Ito,Requester\n"
    "not-an-address,Bo,Li,requester\n"
    "cy@northfield.edu,Cy,Ng,Wizard\n"
    "di@northfield.edu,Di,Oh,Tier 1 analyst\n"
    "{known},Riya,Sen,requester\n"
    "ANA@northfield.edu,Ana,Again,requester\n"
    "\n"
    "eve@northfield.edu,Eve,Ra,Key user; Institution admin\n"
)


def test_a_csvs_rows_are_each_checked_and_the_valid_ones_invited_together(
    admin: User, requester: User, django_capture_on_commit_callbacks: Any
) -> None:
    people = read_invitation_csv(CSV.format(known=requester.email).encode())
    checked = check_invitations(actor=admin, people=people)
    problems = [row.errors for row in checked]
    assert problems == [
        {},
        {"email": "is not a valid email address"},
        {"roles": "unknown roles: Wizard"},
        {"roles": "Tier 1 analyst: support roles belong to the desk, not an institution"},
        {"email": "already has an account on the desk"},
        {"email": "appears twice in the file"},
        {},
    ]
    assert checked[-1].details.roles == [Role.INSTITUTION_ADMIN, Role.KEY_USER]
    assert not Invitation.objects.exists()
    valid = [row.details for row in checked if not row.errors]
    with django_capture_on_commit_callbacks(execute=True):
        invite_people(actor=admin, people=valid)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@northfield.edu",
        "eve@northfield.edu",
    ]


def test_a_batch_with_one_bad_row_writes_nothing(admin: User) -> None:
    people = [
        InvitationDetails(email="ok@northfield.edu", roles=["requester"]),
        InvitationDetails(email="bad", roles=["requester"]),
    ]
    with pytest.raises(ValidationFailed) as refused:
        invite_people(actor=admin, people=people)
    assert set(refused.value.errors) == {"rows.2.email"}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"name,address\nx,y\n", "missing: email, roles"),
        (b"email,roles\n", "lists nobody"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_a_file_that_is_no_list_of_people_is_refused_on_the_file(
    content: bytes, problem: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_invitation_csv(content)
    assert problem in refused.value.errors["file"]
