from datetime import timedelta

import pytest
import time_machine

from hypercare.accounts.models import SignInFailure, User
from hypercare.accounts.services import clear_sign_in_failures, sign_in
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.lib import clock
from tests import factories


def test_signs_in_by_username_in_any_case_or_by_email(requester: User) -> None:
    assert sign_in(login="RiYa", password=factories.PASSWORD, ip_address="10.0.0.1") == requester
    assert sign_in(login=requester.email, password=factories.PASSWORD, ip_address=None) == requester


def test_inactive_people_cannot_sign_in(requester: User) -> None:
    requester.is_active = False
    requester.save()
    with pytest.raises(ValidationFailed):
        sign_in(login="riya", password=factories.PASSWORD, ip_address=None)


def test_each_failure_is_counted_and_the_limit_locks(requester: User) -> None:
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            sign_in(login="riya", password="nope", ip_address="10.0.0.1")
    assert SignInFailure.objects.filter(login="riya").count() == 5
    with pytest.raises(NotAllowed, match="locked for 15 minutes"):
        sign_in(login="riya", password=factories.PASSWORD, ip_address="10.0.0.1")


def test_old_failures_are_forgotten(requester: User) -> None:
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for _ in range(4):
            with pytest.raises(ValidationFailed):
                sign_in(login="riya", password="nope", ip_address="10.0.0.1")
        traveller.shift(timedelta(minutes=20))
        with pytest.raises(ValidationFailed):
            sign_in(login="riya", password="nope", ip_address="10.0.0.1")
        assert SignInFailure.objects.count() == 1


def test_password_reset_clears_failures_for_username_and_email(requester: User) -> None:
    for login in ("riya", requester.email):
        with pytest.raises(ValidationFailed):
            sign_in(login=login, password="nope", ip_address=None)
    clear_sign_in_failures(user=requester)
    assert not SignInFailure.objects.exists()


def test_blank_login_is_refused_naming_the_field(db: None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        sign_in(login=" ", password="", ip_address=None)
    assert "login" in refused.value.errors
