from datetime import timedelta

import pytest
import time_machine
from django.conf import LazySettings
from django.contrib import admin

from hypercare.accounts.models import PasswordResetRequest
from hypercare.accounts.services import request_password_reset
from hypercare.errors import NotAllowed
from hypercare.lib import clock


def test_an_address_gets_three_links_an_hour_then_none(db: None) -> None:
    sent = [
        request_password_reset(email="Riya@Example.edu", ip_address=f"10.0.0.{n}") for n in range(5)
    ]
    assert sent == [True, True, True, False, False]
    assert request_password_reset(email="other@example.edu", ip_address="10.0.0.9")


def test_a_client_address_may_ask_ten_times_an_hour(db: None) -> None:
    for n in range(10):
        request_password_reset(email=f"person{n}@example.edu", ip_address="10.0.0.1")
    with pytest.raises(NotAllowed, match="Too many password reset requests"):
        request_password_reset(email="one-more@example.edu", ip_address="10.0.0.1")
    assert request_password_reset(email="one-more@example.edu", ip_address="10.0.0.2")
    assert PasswordResetRequest.objects.filter(ip_address="10.0.0.1").count() == 10


def test_requests_without_a_client_address_share_one_limit(db: None) -> None:
    for n in range(10):
        request_password_reset(email=f"person{n}@example.edu", ip_address=None)
    with pytest.raises(NotAllowed):
        request_password_reset(email="one-more@example.edu", ip_address=None)


def test_both_limits_lift_after_an_hour_and_old_requests_are_forgotten(db: None) -> None:
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for _ in range(10):
            request_password_reset(email="riya@example.edu", ip_address="10.0.0.1")
        traveller.shift(timedelta(minutes=59))
        with pytest.raises(NotAllowed):
            request_password_reset(email="riya@example.edu", ip_address="10.0.0.1")
        assert not request_password_reset(email="riya@example.edu", ip_address="10.0.0.2")
        traveller.shift(timedelta(minutes=2))
        assert request_password_reset(email="riya@example.edu", ip_address="10.0.0.1")
    assert PasswordResetRequest.objects.count() == 2


def test_the_settings_set_the_limits(db: None, settings: LazySettings) -> None:
    settings.HYPERCARE_PASSWORD_RESET_PER_ACCOUNT_HOURLY = 1
    settings.HYPERCARE_PASSWORD_RESET_PER_ADDRESS_HOURLY = 2
    assert request_password_reset(email="riya@example.edu", ip_address="10.0.0.1")
    assert not request_password_reset(email="riya@example.edu", ip_address="10.0.0.1")
    with pytest.raises(NotAllowed):
        request_password_reset(email="riya@example.edu", ip_address="10.0.0.1")


def test_the_request_log_is_shown_nowhere() -> None:
    assert PasswordResetRequest not in admin.site._registry
